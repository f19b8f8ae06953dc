# A 20x5 terminal: the too-small message instead of a broken layout; q quits.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 20 5
wait_for "Terminal too small"
assert_screen "need 60x12"
keys q
wait_for "exit=0"
pass "too-small message at 20x5"
