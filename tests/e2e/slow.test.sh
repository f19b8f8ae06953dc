# A slow cluster (every response 2 s late): keys are still answered at
# once, e.g. ? opens the help within 300 ms while a request hangs.
. "$(dirname "$0")/lib.sh"
start_cluster --latency-ms 2000
start_tui 140 40
wait_for "connecting"
limit=$((300 * E2E_SLOW))
# Answered within LIMIT ms: the time from send-keys to the text on screen.
timed_key() { # timed_key KEY TEXT
  local t0 t1
  t0=$(date +%s%N)
  keys "$1"
  for _ in $(seq 1 500); do
    tm capture-pane -p -t "$E2E_SESSION" | grep -qF -- "$2" && break
    sleep 0.01
  done
  t1=$(date +%s%N)
  capture | grep -qF -- "$2" || fail "'$2' did not appear within $(( (t1 - t0) / 1000000 )) ms of $1"
  echo $(( (t1 - t0) / 1000000 ))
}
ms=$(timed_key '?' "Keys of the models view")
[ "$ms" -le "$limit" ] || fail "help took $ms ms while the fleet list hung (limit $limit)"
refute_screen "viacom"   # the list is still in flight
keys q
wait_for "viacom" 30
open_model v10
wait_for "loading..."
ms2=$(timed_key '?' "Keys of the model view")
[ "$ms2" -le "$limit" ] || fail "help took $ms2 ms while the model's details loaded (limit $limit)"
keys q
wait_for "Recent events"
quit_tui
pass "keys answered in $ms and $ms2 ms while requests took 2 s"
