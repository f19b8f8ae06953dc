# Deployment files across a context switch: the plan is of the context on
# screen. After :ctx the other cluster's models are planned against the
# same files (its models with no file, the files' models as file-only
# rows), and back again the first one's are in sync.
. "$(dirname "$0")/lib.sh"
start_cluster
start_second_cluster dc2 --models 3 --revisions 2
write_two_contexts "$KC" demo "$E2E_URL" synth-ctx "$URL2"
D="$E2E_TMP/dep"
"$TTSTUI_BIN" --kubeconfig "$KC" export --to "$D" --env prod >/dev/null 2>&1 || true
[ -f "$D/prod/viacom.config.json" ] || fail "export wrote no files"
synth=$(kubectl --kubeconfig "$KC" --context synth-ctx get ksvc -A -o jsonpath='{.items[0].metadata.namespace}')
[ -n "$synth" ] || fail "the second cluster has no model"

start_tui 170 45 --deployments "$D"
wait_match '^viacom .* in sync *$' 30
keys :
type_text "ctx synth-ctx"
keys Enter
wait_for "ctx synth-ctx"
wait_match "^$synth .* no file *\$" 30
wait_match '^viacom .* file only *$' 30
keys :
type_text "ctx demo"
keys Enter
wait_match '^viacom .* in sync *$' 30
refute_screen "file only"
quit_tui
pass "deployment files: planned again for the context on screen"
