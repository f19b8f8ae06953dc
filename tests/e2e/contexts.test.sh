# Two contexts in the kubeconfig: the contexts view lists both, and
# switching starts the fleet over from the other cluster (nothing of the
# first one stays on screen).
. "$(dirname "$0")/lib.sh"
start_cluster
start_second_cluster dc2 --models 3 --revisions 2
write_two_contexts "$KC" demo "$E2E_URL" synth-ctx "$URL2"
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
