# Two contexts in the kubeconfig: the contexts view lists both, and
# switching starts the fleet over from the other cluster (nothing of the
# first one stays on screen).
. "$(dirname "$0")/lib.sh"
start_cluster
start_second_cluster dc2 --models 3 --revisions 2
url2=$URL2
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
