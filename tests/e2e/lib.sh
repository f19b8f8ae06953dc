# Helpers for the end-to-end tests (sourced, not a test): the real ttstui
# binary in a detached tmux session against a private demo cluster.
#
#   start_cluster [demo-cluster flags...]    on port 0; sets E2E_URL, KC
#   start_cluster_at PORT [flags...]         on a fixed port (restarts)
#   start_second_cluster NAME [flags...]     another one; sets URL2, PID2
# (the demo cluster itself: tests/lib/demo.sh; the cleanup stops every
# cluster and the terminal, and fails the test if anything of it is left)
#   stop_cluster                             SIGTERM the running cluster
#   free_port                                prints a free TCP port
#   start_shell COLS ROWS                    tmux session "e2e" with a plain bash
#   start_tui COLS ROWS [ttstui flags...]    shell, then ttstui --kubeconfig $KC
#   keys KEY...                              tmux send-keys
#   type_text TEXT                           literal text
#   capture                                  the pane as text (also logged)
#   wait_for TEXT [SECONDS]                  until the pane shows TEXT
#   wait_gone TEXT [SECONDS]                 until the pane no longer shows TEXT
#   assert_screen TEXT / refute_screen TEXT
#   screen_has TEXT / screen_matches REGEX   a test of the pane, no waiting
#   filter_models NAME / open_model NAME     the dashboard filtered to NAME / its view
# Waits are bounded; E2E_SLOW (default 1, 3 under ASan) scales them.
set -euo pipefail
: "${TTSTUI_BIN:?run through ctest}" "${TTSTUI_BUILD_DIR:?run through ctest}"
: "${TTSTUI_TEST_DATA:?run through ctest}"
command -v tmux >/dev/null || { echo "tmux is required for the e2e tests" >&2; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/../lib/demo.sh"
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ttstui-e2e.XXXXXX")
E2E_SOCK="ttstui-e2e-$$"
E2E_SESSION="e2e"
E2E_PID=""
KC="$E2E_TMP/kubeconfig"
export XDG_STATE_HOME="$E2E_TMP/state"
export XDG_CONFIG_HOME="$E2E_TMP/config"
AUDIT_LOG="$XDG_STATE_HOME/ttstui/audit.log"
CAPTURES="$E2E_TMP/captures.log"
: >"$CAPTURES"
if nm "$TTSTUI_BIN" 2>/dev/null | grep -c __asan_init >/dev/null; then # -c: reads all (pipefail)
  E2E_SLOW=${E2E_SLOW:-3}
else
  E2E_SLOW=${E2E_SLOW:-1}
fi
IMG="gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

# Stops the terminal and every demo cluster the test started, then checks
# that nothing of the test is left running (exit status 1 if so).
e2e_cleanup() {
  local rc=$?
  tmux -L "$E2E_SOCK" kill-server 2>/dev/null || true
  demo_stop_all
  assert_gone "$E2E_TMP" || rc=1
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept $E2E_TMP" >&2; else rm -rf "$E2E_TMP"; fi
  exit $rc
}
trap e2e_cleanup EXIT

tm() { tmux -L "$E2E_SOCK" "$@"; }

capture() {
  local s
  s=$(tm capture-pane -p -t "$E2E_SESSION" 2>/dev/null || true)
  printf '%s\n' "$s" >>"$CAPTURES"
  printf '%s\n' "$s"
}

# The screen holds TEXT / a line matching EXTENDED-REGEX. Not `capture |
# grep -q`: grep stops reading at the first match and, under pipefail, the
# writer's SIGPIPE would turn a match into a failure.
screen_has() { local s; s=$(capture); grep -qF -- "$1" <<<"$s"; }
screen_matches() { local s; s=$(capture); grep -qE -- "$1" <<<"$s"; }

fail() {
  echo "FAIL: $*" >&2
  echo "--- screen ---" >&2
  tm capture-pane -p -t "$E2E_SESSION" >&2 2>/dev/null || true
  echo "--------------" >&2
  if [ -f "$E2E_TMP/tui.err" ] && [ -s "$E2E_TMP/tui.err" ]; then
    echo "--- ttstui stderr ---" >&2; tail -n 40 "$E2E_TMP/tui.err" >&2
  fi
  exit 1
}

pass() { echo "ok - $*"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_cluster_at PORT [flags...]
start_cluster_at() {
  local port=$1; shift
  DEMO_START_WAIT_S=$((10 * E2E_SLOW)) demo_launch "$E2E_TMP/dc" "$KC" "127.0.0.1:$port" \
    --ready-delay-ms 300 "$@"
  E2E_PID=$DEMO_LAST_PID
  E2E_URL=$DEMO_LAST_URL
}

# start_second_cluster NAME [flags...]: another demo cluster beside the
# first (its kubeconfig $E2E_TMP/NAME.kubeconfig); sets URL2. Stopped by
# the cleanup, or by demo_stop "$PID2".
start_second_cluster() {
  local name=$1; shift
  demo_launch "$E2E_TMP/$name" "$E2E_TMP/$name.kubeconfig" 127.0.0.1:0 "$@"
  PID2=$DEMO_LAST_PID
  URL2=$DEMO_LAST_URL
}

start_cluster() { start_cluster_at 0 "$@"; }

stop_cluster() {
  demo_stop "$E2E_PID"
  E2E_PID=""
}

# A kubeconfig for a cluster that is not running yet (port given).
write_kubeconfig() {
  cat >"$KC" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: demo, cluster: {server: "http://127.0.0.1:$1"}}]
users: [{name: demo, user: {}}]
contexts: [{name: demo, context: {cluster: demo, user: demo, namespace: default}}]
current-context: demo
EOF
  chmod 600 "$KC"
}

start_shell() {
  local cols=$1 rows=$2
  tm -f /dev/null new-session -d -s "$E2E_SESSION" -x "$cols" -y "$rows" \
    "env -i HOME=$E2E_TMP PATH=$PATH TERM=xterm-256color LANG=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} TTSTUI_REPORT_FIRST_PAINT=${TTSTUI_REPORT_FIRST_PAINT:-} TTSTUI_REPORT_ALL_LISTED=${TTSTUI_REPORT_ALL_LISTED:-} PS1='e2e\$ ' bash --norc --noprofile"
  tm set-option -t "$E2E_SESSION" status off >/dev/null
  wait_for 'e2e$' 10
}

# start_tui COLS ROWS [flags...]: ttstui's stderr goes to $E2E_TMP/tui.err.
start_tui() {
  local cols=$1 rows=$2
  shift 2
  start_shell "$cols" "$rows"
  local cmd="$TTSTUI_BIN --kubeconfig $KC"
  local a
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  tm send-keys -t "$E2E_SESSION" "$cmd 2>$E2E_TMP/tui.err; echo \"exit=\$?\"" Enter
}

keys() { tm send-keys -t "$E2E_SESSION" "$@"; }
type_text() { tm send-keys -t "$E2E_SESSION" -l -- "$1"; }

wait_for() { # wait_for TEXT [SECONDS]
  local text=$1 secs=${2:-15}
  local end=$(( $(date +%s%N) / 1000000 + secs * 1000 * E2E_SLOW ))
  while :; do
    screen_has "$text" && return 0
    [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ] || fail "'$text' did not appear within $((secs * E2E_SLOW)) s"
    sleep 0.1
  done
}

wait_gone() { # wait_gone TEXT [SECONDS]
  local text=$1 secs=${2:-15}
  local end=$(( $(date +%s%N) / 1000000 + secs * 1000 * E2E_SLOW ))
  while :; do
    screen_has "$text" || return 0
    [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ] || fail "'$text' still shown after $((secs * E2E_SLOW)) s"
    sleep 0.1
  done
}

wait_match() { # wait_match EXTENDED-REGEX [SECONDS]
  local re=$1 secs=${2:-15}
  local end=$(( $(date +%s%N) / 1000000 + secs * 1000 * E2E_SLOW ))
  while :; do
    screen_matches "$re" && return 0
    [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ] || fail "nothing matched /$re/ within $((secs * E2E_SLOW)) s"
    sleep 0.1
  done
}

# A capture may catch a frame half drawn: an assertion waits a little.
assert_screen() { wait_for "$1" 3; }
refute_screen() { ! screen_has "$1" || fail "not expected on the screen: $1"; }

# The dashboard line of a model (first match).
model_line() { local s; s=$(capture); grep -m1 -E "^$1 " <<<"$s" || true; }

# tui_pid: the ttstui process in the pane.
tui_pid() { pgrep -P "$(tm display-message -p -t "$E2E_SESSION" '#{pane_pid}')" -x ttstui || true; }

# Opens a model from the dashboard with the filter.
# filter_models NAME: the dashboard filtered to NAME, its row on screen.
filter_models() {
  keys /
  type_text "$1"
  keys Enter
  wait_match "^$1 "
}

open_model() {
  filter_models "$1"
  keys Enter
  wait_for "Models > $1"
}

# Quits with :q from any view and requires exit status 0 (under ASan this
# includes no leaks: LeakSanitizer would make it non-zero).
quit_tui() {
  keys :
  type_text q
  keys Enter
  wait_for "exit=0" 30
}
