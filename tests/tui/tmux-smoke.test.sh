# The real binary in a real terminal (tmux): draws the dashboard at the
# pane's size, reacts to keys and a resize, and q restores the terminal
# (alternate screen off, the shell prompt back).
set -euo pipefail
: "${TTSTUI_BIN:?run through ctest}" "${TTSTUI_TEST_DATA:?run through ctest}"
command -v tmux >/dev/null || { echo "tmux is required for this test" >&2; exit 1; }

sock="ttstui-smoke-$$"
session="smoke"
tmp=$(mktemp -d)
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

tm() { tmux -L "$sock" "$@"; }
capture() { tm capture-pane -p -t "$session"; }
wait_for() { # wait_for TEXT [tries]
  local tries=${2:-100}
  for _ in $(seq 1 "$tries"); do
    capture | grep -cF -- "$1" >/dev/null && return 0 # -c reads all (pipefail)
    sleep 0.1
  done
  echo "FAIL: '$1' did not appear:" >&2
  capture >&2
  exit 1
}

# A plain shell with a known prompt, in a 110x30 pane.
tm -f /dev/null new-session -d -s "$session" -x 110 -y 30 \
  "env -i HOME=$tmp TERM=xterm-256color LANG=C.UTF-8 PS1='smoke\$ ' bash --norc --noprofile"
tm set-option -t "$session" status off
wait_for 'smoke$'

tm send-keys -t "$session" "$TTSTUI_BIN --fake-backend=$TTSTUI_TEST_DATA/tui/fleet-basic.json" Enter
wait_for "lincoln"
capture | grep -cF "● connected" >/dev/null || { echo "FAIL: no connection state" >&2; capture >&2; exit 1; }
[ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 1 ] ||
  { echo "FAIL: the dashboard is not on the alternate screen" >&2; exit 1; }

# Keys reach it: open the help.
tm send-keys -t "$session" '?'
wait_for "Keys of the models view"
tm send-keys -t "$session" q
wait_for "3 models"

# Idle uses no CPU: no polling loop while nothing happens.
app_pid=$(pgrep -P "$(tm display-message -p -t "$session" '#{pane_pid}')" -x ttstui)
cpu() { awk '{print $14 + $15}' "/proc/$app_pid/stat"; }
before=$(cpu)
sleep 2
after=$(cpu)
[ $((after - before)) -le 2 ] ||
  { echo "FAIL: ttstui used $((after - before)) clock ticks in 2 s of idle" >&2; exit 1; }

# A resize is followed.
tm resize-window -t "$session" -x 80 -y 20
wait_for "lincoln"
tm resize-window -t "$session" -x 30 -y 8
wait_for "Terminal too small"
tm resize-window -t "$session" -x 110 -y 30
wait_for "3 models"

# q quits and restores the terminal.
tm send-keys -t "$session" q
for _ in $(seq 1 50); do
  [ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] && break
  sleep 0.1
done
[ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] ||
  { echo "FAIL: the alternate screen is still on after q" >&2; capture >&2; exit 1; }
wait_for 'smoke$'
tm send-keys -t "$session" 'echo "exit=$?"' Enter
wait_for "exit=0"

# SIGTERM also restores the terminal.
tm send-keys -t "$session" "$TTSTUI_BIN --fake-backend=$TTSTUI_TEST_DATA/tui/fleet-basic.json" Enter
wait_for "lincoln"
pkill_target=$(tm display-message -p -t "$session" '#{pane_pid}')
child=$(pgrep -P "$pkill_target" -x ttstui || true)
[ -n "$child" ] || { echo "FAIL: cannot find the ttstui process" >&2; exit 1; }
kill -TERM "$child"
for _ in $(seq 1 50); do
  [ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] && break
  sleep 0.1
done
[ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] ||
  { echo "FAIL: the alternate screen is still on after SIGTERM" >&2; capture >&2; exit 1; }
wait_for 'smoke$'

# A crash (SIGSEGV) restores the terminal too.
tm send-keys -t "$session" clear Enter
tm send-keys -t "$session" "$TTSTUI_BIN --fake-backend=$TTSTUI_TEST_DATA/tui/fleet-basic.json" Enter
wait_for "lincoln"
child=$(pgrep -P "$(tm display-message -p -t "$session" '#{pane_pid}')" -x ttstui || true)
[ -n "$child" ] || { echo "FAIL: cannot find the ttstui process" >&2; exit 1; }
kill -SEGV "$child"
for _ in $(seq 1 50); do
  [ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] && break
  sleep 0.1
done
[ "$(tm display-message -p -t "$session" '#{alternate_on}')" = 0 ] ||
  { echo "FAIL: the alternate screen is still on after SIGSEGV" >&2; capture >&2; exit 1; }
wait_for "the terminal was restored"
echo "tmux smoke: ok"
