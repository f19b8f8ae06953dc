# Shared helpers for the demo cluster script tests (sourced, not a test).
# Each test starts its own server on port 0 in a temp dir and stops it on exit.
set -euo pipefail

DC_BIN="${TTSTUI_BUILD_DIR:?TTSTUI_BUILD_DIR is not set}/ttstui-demo-cluster"
DC_TMP=$(mktemp -d)
DC_PIDS=()
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"

dc_cleanup() {
  local pid
  for pid in "${DC_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${DC_KEEP:-}" ]; then echo "kept $DC_TMP" >&2; else rm -rf "$DC_TMP"; fi
}
trap dc_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

# dc_start NAME [flags...]: starts a server; sets DC_URL, KC (kubeconfig), K (kubectl cmd).
dc_start() {
  local name=$1; shift
  local dir="$DC_TMP/$name"
  mkdir -p "$dir/cache"
  "$DC_BIN" --listen 127.0.0.1:0 --kubeconfig-out "$dir/kubeconfig" "$@" \
    >"$dir/out" 2>"$dir/err" &
  DC_PID=$!
  DC_PIDS+=("$DC_PID")
  local i
  for i in $(seq 1 "${DC_START_TRIES:-600}"); do
    grep -q '^listening on ' "$dir/out" 2>/dev/null && break
    kill -0 "$DC_PID" 2>/dev/null || { cat "$dir/err" >&2; fail "$name: server exited at start"; }
    sleep 0.1
  done
  grep -q '^listening on ' "$dir/out" || fail "$name: no 'listening on' line"
  DC_URL=$(sed -n 's/^listening on //p' "$dir/out")
  KC="$dir/kubeconfig"
  K="kubectl --kubeconfig $KC --cache-dir $dir/cache"
  DC_DIR="$dir"
}

# dc_stop: SIGTERM the last server and require a clean (exit 0) stop.
dc_stop() {
  kill -TERM "$DC_PID"
  local rc=0
  wait "$DC_PID" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$DC_DIR/err" >&2; fail "server exited with $rc on SIGTERM"; }
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
