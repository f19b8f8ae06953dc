# The cluster goes away after the dashboard showed its first models but
# before every kind finished its first list (--hold-list-pages holds the
# pages after each list's first): the header says "reconnecting", not
# "connection failed", since the screen holds the cluster's data. R asks
# for a retry now; the returning cluster is then listed in full.
. "$(dirname "$0")/lib.sh"
port=$(free_port)
start_cluster_at "$port" --models 300 --revisions 1 --hold-list-pages
start_tui 160 45
wait_for "loading 50 of ~300 models"
wait_match "^model-0001 "
stop_cluster
wait_match "reconnecting: retrying in [0-9]+s: " 30
refute_screen "connection failed"
assert_screen "model-0001"
keys R
wait_for "Reconnecting now"
start_cluster_at "$port" --models 300 --revisions 1
keys R
wait_for "● connected" 40
wait_for "300 models" 40
refute_screen "retrying in"
keys R
wait_for "Connected: nothing to retry"
quit_tui
pass "a cluster gone before every first list ended: reconnecting, R retries now"
