# The bash completion (completions/ttstui.bash): commands and flags agree
# with --help, flag values complete, contexts come from the kubeconfig
# when kubectl is absent, and models come from the cluster through
# `ttstui status -o json` (the demo cluster), or not at all when it hangs.
. "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/../lib/demo.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ttstui-compl.XXXXXX")
cleanup() {
  local rc=$?
  demo_stop_all
  assert_gone "$tmp" || rc=1
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT

export HOME=$tmp/home XDG_CONFIG_HOME= KUBECONFIG= TTSTUI_CONFIG=
mkdir -p "$HOME"
# shellcheck source=/dev/null
. "$src/completions/ttstui.bash"

# comp WORD... : completes the last word as bash would after splitting the
# line into these words; prints the candidates one a line, sorted.
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _ttstui
  [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect_exactly() { # expect_exactly "WANT WORDS" WORD...
  local want=$1
  shift
  local got
  got=$(comp "$@" | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}

expect_has() { # expect_has CANDIDATE WORD...
  local want=$1
  shift
  comp "$@" | grep -qx -- "$want" || fail "completing '$*': '$want' is not offered (got: $(comp "$@" | tr '\n' ' '))"
}

# Commands: exactly those of ttstui --help.
expect_exactly "$(help_commands | sort | tr '\n' ' ' | sed 's/ $//')" ttstui ""
expect_exactly "pin-latest" ttstui pin
expect_exactly "delete diff" ttstui --context prod d

# Every flag of each command's --help is offered after that command, and
# every flag of ttstui --help before a command.
for cmd in $(help_commands); do
  [ "$cmd" = help ] && continue
  for flag in $("$TTSTUI_BIN" "$cmd" --help | long_flags); do
    case $flag in --dry-run) flag=--dry-run=server ;; esac
    expect_has "$flag" ttstui "$cmd" --
  done
done
for flag in $("$TTSTUI_BIN" --help | long_flags); do
  expect_has "$flag" ttstui --
done
# ...and no flag of another command.
comp ttstui status -- | grep -qx -- --wait && fail "status offers --wait, which only apply and delete take"

# Flag values.
expect_exactly "prod staging" ttstui apply --env ""
expect_exactly "prod" ttstui apply --env = p
expect_exactly "json table" ttstui status -o ""
expect_exactly "json yaml" ttstui render --output ""
expect_exactly "false true" ttstui apply --include-image-api-keys ""
expect_exactly "merge replace" ttstui diff --api-keys-policy ""
expect_exactly "merge" ttstui apply --api-keys-policy = m
# The same when COMP_WORDBREAKS has no '=': the flag stays in the word.
expect_exactly "--api-keys-policy=merge" ttstui apply --api-keys-policy=m
expect_exactly "both stream validate" ttstui rollback v3 --service ""
expect_exactly "server" ttstui apply --dry-run = ""
expect_exactly "dark light mono" ttstui --theme ""
expect_exactly "" ttstui apply --version ""

# Environments from the settings file when it defines them.
mkdir -p "$HOME/.config/ttstui"
cat >"$HOME/.config/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    contexts: [kind-staging]
  - name: "canary"
theme: light
YAML
expect_exactly "canary staging" ttstui diff --env ""
rm "$HOME/.config/ttstui/config.yaml"

# Files.
touch "$tmp/apikeys.json" "$tmp/apple.yaml"
expect_exactly "$tmp/apikeys.json" ttstui apply --api-keys "$tmp/apik"
expect_exactly "$tmp/apikeys.json $tmp/apple.yaml" ttstui --kubeconfig "$tmp/ap"

# Contexts from the kubeconfig named on the line, without kubectl.
cat >"$tmp/kubeconfig" <<'YAML'
apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: not-a-context
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: staging
  context: {cluster: not-a-context, user: u}
- context:
    cluster: not-a-context
    user: u
  name: "gke_voice_us-central1_prod"
users:
- name: u
  user: {token: t}
YAML
nokubectl=$tmp/bin
mkdir -p "$nokubectl"
for tool in awk grep sed sort timeout cat tr; do ln -s "$(command -v $tool)" "$nokubectl/$tool"; done
(
  PATH=$nokubectl
  expect_exactly "gke_voice_us-central1_prod staging" ttstui --kubeconfig "$tmp/kubeconfig" --context ""
  KUBECONFIG=$tmp/kubeconfig
  expect_exactly "gke_voice_us-central1_prod" ttstui status --context g
  [ "$failures" -eq 0 ] || exit 1
) || fail "contexts from the kubeconfig (above)"
if command -v kubectl >/dev/null; then
  expect_exactly "gke_voice_us-central1_prod staging" ttstui --kubeconfig "$tmp/kubeconfig" --context ""
fi

# Models from the cluster: the demo cluster's seeded models.
demo_launch "$tmp/cluster" "$tmp/demo.kubeconfig" 127.0.0.1:0
COMP_BIN=$TTSTUI_BIN
expect_exactly "v10 v10-2022-q3-marketplace-expansion v10-eia" \
  "$COMP_BIN" --kubeconfig "$tmp/demo.kubeconfig" delete v10
expect_has lincoln "$COMP_BIN" --kubeconfig "$tmp/demo.kubeconfig" status ""
expect_has v9 "$COMP_BIN" pin-latest --kubeconfig = "$tmp/demo.kubeconfig" v
expect_has v9 "$COMP_BIN" pin-latest --kubeconfig="$tmp/demo.kubeconfig" v
expect_exactly "" "$COMP_BIN" --kubeconfig "$tmp/demo.kubeconfig" delete v10 ""

# A cluster that never answers costs at most the timeout, and offers nothing.
cat >"$tmp/hang" <<'SH'
#!/bin/sh
sleep 30
SH
chmod +x "$tmp/hang"
start=$(date +%s)
expect_exactly "" "$tmp/hang" delete ""
[ $(($(date +%s) - start)) -le 5 ] || fail "model completion waited more than 5 s for a hanging cluster"

finish
