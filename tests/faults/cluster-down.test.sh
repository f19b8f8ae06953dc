#!/usr/bin/env bash
# Fault: the cluster is down when ttstui starts (nothing listens on the
# kubeconfig's server). Every command that needs the cluster says so in one
# line naming the server, exits 4, and does not hang.
source "$(dirname "$0")/lib.sh"

# A kubeconfig whose server was real a moment ago: start a cluster, keep its
# kubeconfig, stop it.
start_demo --no-seed
server="$DEMO_URL"
stop_demo

run_tt status
assert_rc 4 "status with the cluster down"
assert_lines "$ERR" 1 "status stderr"
assert_contains "$ERR" "ttstui status: cannot connect to the Kubernetes API server at $server"
assert_contains "$ERR" "is the cluster running"
assert_le "$SECS" 5 "status with the cluster down took (s)"

run_tt apply $(release_flags down 1) --yes
assert_rc 4 "apply with the cluster down"
assert_lines "$ERR" 1 "apply stderr"
assert_contains "$ERR" "ttstui apply: "
assert_contains "$ERR" "cannot connect to the Kubernetes API server at $server"
assert_not_contains "$OUT" "created" "apply stdout"
assert_le "$SECS" 5 "apply with the cluster down took (s)"
# the refusal to reach the cluster is audited as a failure
assert_contains "$(last_audit)" '"action":"apply"'
assert_contains "$(last_audit)" '"result":"failed"'

run_tt delete down --yes --wait --timeout 5s
assert_rc 4 "delete with the cluster down"
assert_lines "$ERR" 1 "delete stderr"
assert_contains "$ERR" "$server"

run_tt diff $(release_flags down 1)
assert_rc 4 "diff with the cluster down"
assert_contains "$ERR" "$server"

# An address that never answers the TCP handshake: bounded by the connect
# timeout (10 s), not hanging. A listening socket with a full backlog that
# never accepts plays that part locally.
python3 - "$TT_TMP/blackhole.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
# fill the backlog so further handshakes are not completed
fill = []
for _ in range(8):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    fill.append(c)
time.sleep(60)
PY
bh_pid=$!
for _ in $(seq 1 50); do [[ -s "$TT_TMP/blackhole.port" ]] && break; sleep 0.1; done
port=$(cat "$TT_TMP/blackhole.port")
sed "s#$server#http://127.0.0.1:$port#" "$KC" >"$TT_TMP/kc-blackhole"
run_bare --kubeconfig "$TT_TMP/kc-blackhole" status
kill "$bh_pid" 2>/dev/null || true
wait "$bh_pid" 2>/dev/null || true
assert_rc 4 "status against a server that never accepts"
assert_lines "$ERR" 1 "status stderr (never accepts)"
assert_contains "$ERR" "cannot connect to the Kubernetes API server at http://127.0.0.1:$port"
assert_contains "$ERR" "no connection within 10 s"
assert_le "$SECS" 15 "status against a server that never accepts took (s)"
pass
