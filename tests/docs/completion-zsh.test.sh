# The zsh completion (completions/_ttstui): it parses, it offers every
# command and long flag that --help prints, and its helpers find the
# environments of the settings file and the contexts of a kubeconfig
# (run in zsh with _describe replaced by a printer).
. "$(dirname "$0")/lib.sh"

comp=$src/completions/_ttstui
command -v zsh >/dev/null || { fail "zsh is not installed (scripts/install-deps.sh installs it)"; finish; }
zsh -n "$comp" || fail "completions/_ttstui has a syntax error"
head -n1 "$comp" | grep -qx '#compdef ttstui' || fail "completions/_ttstui does not start with #compdef ttstui"

for cmd in $(help_commands); do
  grep -qE "^ +'?$cmd[:)]" "$comp" || fail "command '$cmd' (ttstui --help) is not offered by completions/_ttstui"
done
for cmd in '' $(help_commands); do
  [ "$cmd" = help ] && continue
  for flag in $("$TTSTUI_BIN" $cmd --help | long_flags); do
    grep -qE -- "['{,)*]$flag([]=+[}']|\$)" "$comp" \
      || fail "$flag (ttstui $cmd --help) is not in completions/_ttstui"
  done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/config.yaml" <<'YAML'
environments:
  - name: staging
  - name: canary
YAML
cat >"$tmp/kubeconfig" <<'YAML'
contexts:
- context: {cluster: c, user: u}
  name: kind-dev
- name: "gke_x_prod"
  context: {cluster: c, user: u}
users:
- name: not-a-context
YAML
mkdir -p "$tmp/bin"   # the tools the helpers use, but no kubectl
for tool in awk grep sed timeout; do ln -s "$(command -v $tool)" "$tmp/bin/$tool"; done
zsh=$(command -v zsh)
got=$(PATH=$tmp/bin HOME=$tmp "$zsh" -f -c '
  _describe() { [[ $1 == -t ]] && shift 2; print -r -- "$1: ${(P)2}" }
  source "$1" 2>/dev/null   # defines the helpers; the last line runs _ttstui, which fails outside completion
  typeset -A opt_args
  opt_args=(--settings "$2/config.yaml" --kubeconfig "$2/kubeconfig")
  _ttstui_envs
  _ttstui_contexts
' zsh "$comp" "$tmp")
printf '%s\n' "$got" | grep -qx 'environment: staging canary' \
  || fail "zsh: environments from the settings: got '$got'"
printf '%s\n' "$got" | grep -qx 'kube context: kind-dev gke_x_prod' \
  || fail "zsh: contexts from the kubeconfig: got '$got'"

# Real completion in an interactive zsh (zpty): what a user sees on Tab.
lines=("ttstui " "ttstui pin" "ttstui apply --api-keys-policy " "ttstui status -o "
       "ttstui render -o " "ttstui rollback v3 --service ")
cmds=$(help_commands | grep -vx help)
for cmd in $cmds; do lines+=("ttstui $cmd --"); done
shown=$(cd "$tmp" && "$zsh" -f "$src/tests/docs/zsh-complete.zsh" "$src/completions" "${lines[@]}" 2>&1)
section() { # the output for one typed line
  L="=== $1" awk '$0 == ENVIRON["L"] { on = 1; next } /^=== / { on = 0 } on' <<<"$shown"
}
printf '%s\n' "$shown" | grep -q '_arguments\|invalid argument\|command not found' \
  && fail "zsh reported an error while completing:
$(printf '%s\n' "$shown" | grep '_arguments\|invalid argument\|command not found' | head -5)"
for cmd in $(help_commands); do
  section "ttstui " | grep -qE "^$cmd +-- " || fail "zsh: 'ttstui <Tab>' does not list $cmd"
done
section "ttstui pin" | grep -q 'ttstui pin-latest' || fail "zsh: 'ttstui pin<Tab>' did not complete to pin-latest"
section "ttstui apply --api-keys-policy " | grep -qE '^merge +replace *$' \
  || fail "zsh: --api-keys-policy values: $(section "ttstui apply --api-keys-policy ")"
section "ttstui status -o " | grep -qE '^json +table *$' || fail "zsh: status -o values"
section "ttstui render -o " | grep -qE '^json +yaml *$' || fail "zsh: render -o values"
section "ttstui rollback v3 --service " | grep -qE '^both +stream +validate *$' || fail "zsh: --service values"
for cmd in $cmds; do
  for flag in $("$TTSTUI_BIN" "$cmd" --help | long_flags); do
    section "ttstui $cmd --" | grep -qE -- "^$flag( |\$)" \
      || fail "zsh: 'ttstui $cmd --<Tab>' does not offer $flag"
  done
done

finish
