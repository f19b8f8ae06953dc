# The traffic editor (t on a model): the Ready revisions with their share
# now and after; typing and Left/Right change the shares, a total other
# than 100 is refused; Enter confirms with the split before and after, and
# the job patches the Service, audited as `ttstui traffic` is.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 150 45
wait_for "viacom"
open_model v8
wait_for "Recent events"
keys t
wait_for "Traffic of v8: stream"
wait_match '^ 5 +100% +100%'
wait_match '^ 4 +0% +0%'
# the selected row is the first (5): 90%, then 4: 10% (Down, then type)
keys Left Left
wait_match '^ 5 +100% +90% +\*'
wait_for "Total 90%: the shares must add up to 100%"
keys Enter
wait_for "The shares add up to 90%, not 100%"
keys Down
type_text 10
wait_match '^ 4 +0% +10% +\*'
wait_for "Total 100%: Enter confirms next"
keys Enter
wait_for "Split the traffic of v8?"
wait_match 'stream +5:100% → 5:90% 4:10%'
wait_match 'validate .*\(unchanged\)'
wait_for "[ Split ]"
keys Tab Enter
wait_match '✓ done +traffic of stream +5:90% 4:10%' 30
wait_for "✓ Done"
got=$(kubectl --kubeconfig "$KC" get ksvc -n v8 stream -o jsonpath='{range .spec.traffic[*]}{.revisionName}={.percent} {end}')
[[ "$got" == *"stream-5=90"* && "$got" == *"stream-4=10"* ]] || fail "spec.traffic of stream is '$got'"
got=$(kubectl --kubeconfig "$KC" get ksvc -n v8 validate -o jsonpath='{range .spec.traffic[*]}{.revisionName}={.percent} {end}')
[[ "$got" != *"validate-4=10"* ]] || fail "validate was changed: '$got'"
grep -F '"action":"traffic"' "$AUDIT_LOG" | grep -F '"model":"v8"' | grep -F '"version":"5=90 4=10"' |
  grep -qF '"result":"ok"' || fail "the split is not audited: $(cat "$AUDIT_LOG" 2>&1)"
keys Escape
wait_match 'stream .*5:90% 4:10%' 30
quit_tui
pass "traffic editor: shares typed, total checked, split confirmed, patched and audited"
