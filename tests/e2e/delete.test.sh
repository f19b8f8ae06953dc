# Delete a model: the typed confirmation, the namespace terminating, then
# gone from the dashboard; audited.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 150 45
wait_for "viacom"
filter_models usp
keys x
wait_for "Delete usp?"
wait_for "Type usp to confirm"
assert_screen "Deletes namespace usp and everything in it."
type_text usp
keys Tab Enter
wait_match 'namespace/usp +(deleting|Terminating|gone)'
wait_match '✓ done +namespace/usp +gone' 60
wait_for "✓ Done"
grep -qE 'namespace/usp +(deleting|Terminating)|usp \(deleting\)' "$CAPTURES" ||
  fail "the namespace was never seen terminating"
keys Escape
wait_for "34 models"
keys /
keys C-u
keys Enter
wait_for "viacom"
refute_screen "usp "
grep -F '"action":"delete"' "$AUDIT_LOG" | grep -F '"model":"usp"' | grep -qF '"result":"ok"' ||
  fail "the delete is not audited ok: $(cat "$AUDIT_LOG" 2>&1)"
quit_tui
pass "delete usp with typed confirmation; terminating, then gone"
