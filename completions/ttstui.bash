# bash completion for ttstui(1)                              -*- shell-script -*-
# Installed as share/bash-completion/completions/ttstui. Commands and flags
# follow `ttstui --help` and `ttstui COMMAND --help` (tests/docs/ checks
# that they match). Completes flag values (environments, output formats,
# policies, files), kube contexts (kubectl if present, else the kubeconfig)
# and model names (`ttstui status -o json`, 3 s at most).

_ttstui_commands="render diff apply delete status pin-latest rollback traffic audit image promote plan export help"
_ttstui_global_flags="--kubeconfig --context -n --namespace --settings --readonly --no-color --request-timeout -h --help"
_ttstui_release_flags="--config --env --model --version --image --image-entrypoint
  --include-image-api-keys --min-scale --max-scale --stream-min-scale --stream-max-scale
  --validate-min-scale --validate-max-scale --api-keys --template --no-resolve"
_ttstui_dashboard_flags="--theme --ascii --print-keys --deployments --fake-backend --headless-script
  --headless-size --headless-dump --version"

# Flags of one command, besides the global ones.
_ttstui_command_flags() {
  case $1 in
    render) echo "$_ttstui_release_flags -o --output --show-secrets" ;;
    diff) echo "$_ttstui_release_flags --api-keys-policy --report" ;;
    apply) echo "$_ttstui_release_flags -y --yes --wait --timeout --dry-run=server --report
                --api-keys-policy --force-conflicts --protect-previous --canary --step -f --filename
                --concurrency --keep-going --prune" ;;
    delete) echo "-y --yes --wait --timeout --dry-run=server" ;;
    status) echo "-o --output --all-contexts --contexts --timeout" ;;
    pin-latest) echo "-y --yes --dry-run=server --force-conflicts" ;;
    rollback) echo "--service --to-version --to-revision -y --yes --dry-run=server" ;;
    traffic) echo "--service --tag -y --yes --dry-run=server" ;;
    audit) echo "-n --count" ;;
    plan) echo "--env -o --output" ;;
    export) echo "--env --to" ;;
    image) echo "--timeout" ;;
    promote) echo "--from-context --to-context --env --version --min-scale --max-scale
                  --stream-min-scale --stream-max-scale --validate-min-scale --validate-max-scale
                  --api-keys --template --api-keys-policy -y --yes --wait --timeout
                  --dry-run=server --force-conflicts --protect-previous" ;;
  esac
}

# Flags that take a value (the next word, or after '=').
_ttstui_takes_value() {
  case $1 in
    --kubeconfig | --context | -n | --namespace | --settings | --config | --env | --model | \
      --version | --image | --image-entrypoint | --include-image-api-keys | --min-scale | \
      --max-scale | --stream-min-scale | --stream-max-scale | --validate-min-scale | \
      --validate-max-scale | --api-keys | --template | -o | --output | --report | --timeout | --request-timeout | \
      --api-keys-policy | --service | --to-version | --to-revision | --count | --theme | --contexts | --tag | \
      --from-context | --to-context | --canary | --step | \
      --fake-backend | --headless-script | --headless-size | --headless-dump | --dry-run | \
      -f | --filename | --concurrency | --to | --deployments)
      return 0 ;;
  esac
  return 1
}

# The value of a flag given earlier on the line (--flag V or --flag=V).
_ttstui_flag_value() {
  local flag=$1 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} == "$flag="* ]]; then
      echo "${COMP_WORDS[i]#*=}"
      return
    elif [[ ${COMP_WORDS[i]} == "$flag" ]]; then
      if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
        echo "${COMP_WORDS[i + 2]}"
      else
        echo "${COMP_WORDS[i + 1]}"
      fi
      return
    fi
  done
}

_ttstui_contexts() {
  local kubeconfig
  kubeconfig=$(_ttstui_flag_value --kubeconfig)
  kubeconfig=${kubeconfig/#\~/$HOME}
  if command -v kubectl >/dev/null 2>&1; then
    kubectl ${kubeconfig:+--kubeconfig "$kubeconfig"} config get-contexts -o name 2>/dev/null
    return
  fi
  # The names of the items under the top-level "contexts:" of each file.
  local files=${kubeconfig:-${KUBECONFIG:-$HOME/.kube/config}} f
  local IFS=:
  for f in $files; do
    [ -r "$f" ] || continue
    # An item's own "name:" is at the column of its first key ("- name:"
    # or "  name:" after "- context:"), never deeper.
    awk '/^[^ #-]/ { in_ctx = ($0 ~ /^contexts:/); col = 0; next }
         in_ctx && /^ *- / { match($0, /^ *- /); col = RLENGTH }
         in_ctx && col && index($0, "name:") == col + 1 && substr($0, 1, col) ~ /^ *(- )? *$/ {
           v = substr($0, col + 6); gsub(/^ +| +$/, "", v); gsub(/["'\'']/, "", v); print v }' "$f"
  done
}

_ttstui_envs() {
  local settings
  settings=$(_ttstui_flag_value --settings)
  settings=${settings:-${TTSTUI_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/ttstui/config.yaml}}
  if [ -r "$settings" ] && grep -q '^environments:' "$settings"; then
    awk '/^[^ #]/ { in_env = ($0 ~ /^environments:/); next }
         in_env && /^ *- *name:/ { sub(/^ *- *name:[ ]*/, ""); gsub(/["'\'']/, ""); print }' "$settings"
  else
    echo staging prod
  fi
}

_ttstui_themes() {
  echo dark light mono
  local d f
  for d in "${XDG_CONFIG_HOME:-$HOME/.config}/ttstui/themes" /usr/share/ttstui/themes \
           /usr/local/share/ttstui/themes; do
    for f in "$d"/*.yaml; do
      [ -e "$f" ] && f=${f##*/} && echo "${f%.yaml}"
    done
  done
}

# Model names from the cluster, through ttstui itself; nothing when the
# cluster does not answer within 3 seconds.
_ttstui_models() {
  local bin=${COMP_WORDS[0]} kubeconfig context
  kubeconfig=$(_ttstui_flag_value --kubeconfig)
  context=$(_ttstui_flag_value --context)
  command -v timeout >/dev/null 2>&1 || return
  timeout 3 "$bin" status -o json ${kubeconfig:+--kubeconfig "${kubeconfig/#\~/$HOME}"} \
    ${context:+--context "$context"} 2>/dev/null </dev/null |
    grep -o '"model": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

_ttstui_files() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$1"))
}

_ttstui() {
  local _ttstui_prefix="" # set by _ttstui_complete (dynamic scope)
  _ttstui_complete
  if [[ -n $_ttstui_prefix ]]; then
    local i
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=$_ttstui_prefix${COMPREPLY[i]}; done
  fi
}

_ttstui_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  # "--flag=value": bash splits at '=' (COMP_WORDBREAKS); without '=' in
  # COMP_WORDBREAKS the word is whole and the candidates keep "--flag=".
  if [[ $cur == --*=* ]]; then
    prev=${cur%%=*}
    _ttstui_prefix=$prev=
    cur=${cur#*=}
  elif [[ $cur == "=" ]]; then
    cur=""
  elif [[ $prev == "=" && COMP_CWORD -ge 2 ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # The command: the first word that is neither a flag nor a flag's value.
  local cmd="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == "=" ]]; then
      ((i++))
    elif [[ $w == -* ]]; then
      # audit's -n is a count, which also takes a value.
      if _ttstui_takes_value "$w" && [[ ${COMP_WORDS[i + 1]} != "=" ]]; then
        ((i++))
      fi
    else
      cmd=$w
      break
    fi
  done

  local IFS=$' \t\n'
  case $prev in
    --kubeconfig | --settings | --config | --api-keys | --template | --report | \
      --fake-backend | --headless-script | --headless-dump | -f | --filename)
      _ttstui_files "$cur"; return ;;
    --to | --deployments) compopt -o dirnames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --concurrency) COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur")); return ;;
    --context | --from-context | --to-context) COMPREPLY=($(compgen -W "$(_ttstui_contexts)" -- "$cur")); return ;;
    --contexts)
      # A comma-separated list: complete the name after the last comma.
      local done="" last="$cur"
      [[ "$cur" == *,* ]] && done="${cur%,*}," last="${cur##*,}"
      COMPREPLY=($(compgen -P "$done" -W "$(_ttstui_contexts)" -- "$last")); return ;;
    --env) COMPREPLY=($(compgen -W "$(_ttstui_envs)" -- "$cur")); return ;;
    -o | --output)
      if [[ $cmd == render ]]; then
        COMPREPLY=($(compgen -W "yaml json" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "table json" -- "$cur"))
      fi
      return ;;
    --include-image-api-keys) COMPREPLY=($(compgen -W "true false" -- "$cur")); return ;;
    --api-keys-policy) COMPREPLY=($(compgen -W "replace merge" -- "$cur")); return ;;
    --service) COMPREPLY=($(compgen -W "stream validate both" -- "$cur")); return ;;
    --dry-run) COMPREPLY=($(compgen -W "server" -- "$cur")); return ;;
    --theme)
      COMPREPLY=($(compgen -W "$(_ttstui_themes)" -- "$cur"))
      [[ $cur == */* || $cur == *.yaml ]] && _ttstui_files "$cur"
      return ;;
    --request-timeout) COMPREPLY=($(compgen -W "5s 10s 30s 1m" -- "$cur")); return ;;
    --timeout) COMPREPLY=($(compgen -W "30s 1m 5m 10m 30m 1h" -- "$cur")); return ;;
    --canary) COMPREPLY=($(compgen -W "10,50,100 10,25,50,100" -- "$cur")); return ;;
    --step) COMPREPLY=($(compgen -W "30s 1m 2m 5m 10m" -- "$cur")); return ;;
    -n)
      [[ $cmd == audit ]] && return
      COMPREPLY=($(compgen -W "$(_ttstui_models)" -- "$cur")); return ;;
    --namespace | --model) COMPREPLY=($(compgen -W "$(_ttstui_models)" -- "$cur")); return ;;
    --image | --image-entrypoint | --version | --min-scale | --max-scale | --to-version | \
      --stream-min-scale | --stream-max-scale | --validate-min-scale | --validate-max-scale | \
      --to-revision | --count | --headless-size)
      return ;;
  esac

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_ttstui_global_flags $_ttstui_dashboard_flags" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$_ttstui_commands" -- "$cur"))
    fi
    return
  fi

  if [[ $cur == -* ]]; then
    local flags="$(_ttstui_command_flags "$cmd") $_ttstui_global_flags"
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    [[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
    return
  fi

  case $cmd in
    delete | status | rollback | pin-latest | traffic | promote)
      # One model, the first positional word after the command.
      local n=0
      for ((i = i + 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == "=" ]]; then
          ((i++))
        elif [[ $w == -* ]]; then
          _ttstui_takes_value "$w" && [[ ${COMP_WORDS[i + 1]} != "=" ]] && ((i++))
        else
          ((n++))
        fi
      done
      ((n == 0)) && COMPREPLY=($(compgen -W "$(_ttstui_models)" -- "$cur"))
      ;;
    export) COMPREPLY=($(compgen -W "$(_ttstui_models)" -- "$cur")) ;;
    plan) _ttstui_files "$cur" ;;
    image)
      # resolve or tags first; then images, which nothing here can list.
      local n=0
      for ((i = i + 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == "=" ]]; then
          ((i++))
        elif [[ $w == -* ]]; then
          _ttstui_takes_value "$w" && [[ ${COMP_WORDS[i + 1]} != "=" ]] && ((i++))
        else
          ((n++))
        fi
      done
      ((n == 0)) && COMPREPLY=($(compgen -W "resolve tags" -- "$cur"))
      ;;
    help) COMPREPLY=($(compgen -W "${_ttstui_commands% help}" -- "$cur")) ;;
  esac
}

complete -F _ttstui ttstui
