# The cluster dies during the watch and comes back (fresh state, on the same
# port) without one model: the header says it is reconnecting, then the
# dashboard reconnects and the model deleted while it was down is gone.
. "$(dirname "$0")/lib.sh"
port=$(free_port)
start_cluster_at "$port"
start_tui 160 45
wait_for "viacom"
wait_for "35 models"
stop_cluster
wait_match "reconnecting: retrying in [0-9]+s: " 30
pid=$(tui_pid)
[ -n "$pid" ] && kill -0 "$pid" || fail "ttstui died with the cluster"
cp -r "$TTSTUI_TEST_DATA/demo-seed" "$E2E_TMP/seed"
rm "$E2E_TMP/seed/prod/viacom.config.json"
start_cluster_at "$port" --seed "$E2E_TMP/seed"
wait_for "● connected" 40
wait_for "34 models" 20
wait_match '^v9-2022-q3-spanish-beta '
refute_screen "viacom"
refute_screen "retrying in"
quit_tui
pass "reconnected after a restart; the model deleted while down is gone"
