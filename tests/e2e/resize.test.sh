# A resize storm while keys arrive: afterwards the screen is sane (the
# dashboard at the final size) and the process alive.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 120 40
wait_for "viacom"
pid=$(tui_pid)
[ -n "$pid" ] || fail "no ttstui process"
sizes=("80 24" "200 60" "61 12" "30 8" "150 45" "100 30" "59 11" "140 50")
for round in $(seq 1 6); do
  for s in "${sizes[@]}"; do
    set -- $s
    tm resize-window -t "$E2E_SESSION" -x "$1" -y "$2"
    keys j
  done
  keys s k  # (not q or Esc: they quit on a too-small screen, by design)
done
tm resize-window -t "$E2E_SESSION" -x 110 -y 35
kill -0 "$pid" 2>/dev/null || fail "ttstui died during the resize storm"
wait_for "35 models"
wait_match '^ ttstui  ctx demo'
wait_match 'Enter open  / filter'
# The last row is the status line, the first the header; columns fit 110.
[ "$(capture | head -n 1 | grep -c 'ttstui')" = 1 ] || fail "header not on the first row"
long=$(capture | python3 -c 'import sys; print("".join(l for l in sys.stdin if len(l.rstrip("\n")) > 110)[:200])')
[ -z "$long" ] || fail "a line wider than the window: $long"
refute_screen "Terminal too small"
keys q
wait_for "exit=0"
pass "resize storm: sane screen, clean exit"
