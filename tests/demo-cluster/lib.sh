# Shared helpers for the demo cluster script tests (sourced, not a test).
# Each test starts its own server on port 0 in a temp dir and stops it on exit.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib/demo.sh"
DC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ttstui-dc.XXXXXX")
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"

dc_cleanup() {
  local rc=$?
  demo_stop_all
  assert_gone "$DC_TMP" || rc=1
  if [ -n "${DC_KEEP:-}" ]; then echo "kept $DC_TMP" >&2; else rm -rf "$DC_TMP"; fi
  exit $rc
}
trap dc_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

# dc_start NAME [flags...]: starts a server; sets DC_URL, KC (kubeconfig), K (kubectl cmd).
dc_start() {
  local name=$1; shift
  local dir="$DC_TMP/$name"
  mkdir -p "$dir/cache"
  DEMO_START_WAIT_S=$(( ${DC_START_TRIES:-600} / 10 )) \
    demo_launch "$dir/dc" "$dir/kubeconfig" 127.0.0.1:0 "$@"
  DC_PID=$DEMO_LAST_PID
  DC_URL=$DEMO_LAST_URL
  KC="$dir/kubeconfig"
  K="kubectl --kubeconfig $KC --cache-dir $dir/cache"
  DC_DIR="$dir"
}

# dc_stop: SIGTERM the last server and require a clean (exit 0) stop.
dc_stop() {
  kill -TERM "$DC_PID"
  local rc=0
  wait "$DC_PID" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$DC_DIR/dc.err" >&2; fail "server exited with $rc on SIGTERM"; }
}

# expect_contains TEXT NEEDLE WHAT
expect_contains() {
  case "$1" in *"$2"*) ;; *) echo "$1" >&2; fail "$3: expected to contain: $2" ;; esac
}

# wait_match SECONDS REGEX CMD...: reruns CMD until its output matches REGEX.
wait_match() {
  local secs=$1 re=$2; shift 2
  local end=$((SECONDS + secs)) out
  while :; do
    out=$("$@" 2>&1 || true)
    if echo "$out" | grep -Eq "$re"; then return 0; fi
    [ $SECONDS -lt $end ] || { echo "$out" >&2; return 1; }
    sleep 0.3
  done
}
