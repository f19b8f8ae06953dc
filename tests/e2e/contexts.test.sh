# Two contexts in the kubeconfig: the contexts view lists both, and
# switching starts the fleet over from the other cluster (nothing of the
# first one stays on screen).
. "$(dirname "$0")/lib.sh"
start_cluster
"$DC_BIN" --listen 127.0.0.1:0 --kubeconfig-out "$E2E_TMP/kc2" --models 3 --revisions 2 \
  >"$E2E_TMP/dc2.out" 2>"$E2E_TMP/dc2.err" &
DC2=$!
trap 'kill $DC2 2>/dev/null || true; wait $DC2 2>/dev/null || true; e2e_cleanup' EXIT
for _ in $(seq 1 100); do grep -q '^listening on ' "$E2E_TMP/dc2.out" && break; sleep 0.1; done
url2=$(sed -n 's/^listening on //p' "$E2E_TMP/dc2.out")
[ -n "$url2" ] || fail "second demo cluster did not start"
cat >"$KC" <<EOF2
apiVersion: v1
kind: Config
clusters:
- {name: demo, cluster: {server: "$E2E_URL"}}
- {name: synth, cluster: {server: "$url2"}}
users: [{name: demo, user: {}}]
contexts:
- {name: demo, context: {cluster: demo, user: demo, namespace: default}}
- {name: synth-ctx, context: {cluster: synth, user: demo, namespace: default}}
current-context: demo
EOF2
start_tui 160 40
wait_for "viacom"
keys c
wait_for "synth-ctx"
assert_screen "demo"
keys Escape
keys :
type_text "ctx synth-ctx"
keys Enter
wait_match '^ ttstui  ctx synth-ctx '
wait_for "3 models"
wait_match '^model-0001 '
refute_screen "viacom"
wait_for "● connected"
quit_tui
pass "contexts listed; switching resets the fleet to the other cluster"
