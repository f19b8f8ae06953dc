# No cluster at start: the dashboard opens, says what is wrong in one line
# in the header and keeps retrying; once the cluster starts on that port the
# models appear without a key being pressed.
. "$(dirname "$0")/lib.sh"
port=$(free_port)
write_kubeconfig "$port"
start_tui 160 40
wait_match "connection failed: retrying in [0-9]+s: .*127\.0\.0\.1:$port"
[ "$(capture | grep -c 'retrying in')" = 1 ] || fail "the reason is not on exactly one line"
wait_match '^ ttstui  ctx demo .*✗ connection failed: retrying in' 3
assert_screen "0 models"
start_cluster_at "$port"
wait_for "● connected" 40
wait_for "viacom"
wait_for "35 models"
refute_screen "retrying in"
quit_tui
pass "cluster down at start: one-line reason, then the dashboard once it is up"
