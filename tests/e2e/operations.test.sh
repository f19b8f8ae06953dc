# Rollback from the model view and pin-latest from the dashboard, through
# the same engine as the CLI: confirmed, followed to Done, visible in the
# live views and audited.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 160 45
wait_for "viacom"
open_model v9
wait_match '^stream +stream-6 .*100%'
wait_match '^stream +stream-5 '
keys Down
keys r
wait_for "Roll back v9 to version 5: which services?"
wait_match '> stream only'
keys Down
wait_match '> stream and validate'
keys Enter
wait_for "Roll back v9/5?"
wait_for "Sends 100% of stream and validate traffic to version 5:"
wait_match 'stream +6:100% → 5:100%'
wait_match 'validate +6:100% → 5:100%'
keys Tab Enter
wait_match '✓ done +traffic of stream to stream-5'
wait_match '✓ done +traffic of validate to validate-5'
wait_for "✓ Done"
keys Escape
wait_match '^stream +stream-5 .*100%'
wait_match '^validate +validate-5 .*100%'
# One service only: validate back to 6, stream stays on 5.
keys /
type_text validate-6
keys Enter
keys r
wait_match '> validate only'
wait_match 'stream +5:100% +\(unchanged\)'
keys Enter
wait_for "Sends 100% of validate traffic to version 6:"
keys Tab Enter
wait_match '✓ done +traffic of validate to validate-6'
wait_for "✓ Done"
refute_screen "traffic of stream to"
keys Escape
keys / C-u Enter
wait_match '^validate +validate-6 .*100%'
wait_match '^stream +stream-5 .*100%'
keys Escape
wait_for "35 models"
filter_models v8
keys p
wait_for "Pin latest v8?"
keys Right Enter
wait_match '✓ done +kongclusterplugin/latest-pinned-service'
wait_for "✓ Done"
keys Escape
keys /
keys C-u
keys Enter
wait_match '^v8 +● pinned'
wait_match '^v10 +✓ Ready'
grep -F '"action":"rollback"' "$AUDIT_LOG" | grep -F '"model":"v9"' | grep -qF '"result":"ok"' ||
  fail "rollback not audited ok: $(cat "$AUDIT_LOG" 2>&1)"
grep -F '"action":"pin"' "$AUDIT_LOG" | grep -F '"model":"v8"' | grep -qF '"result":"ok"' ||
  fail "pin not audited ok: $(cat "$AUDIT_LOG" 2>&1)"
quit_tui
pass "rollback v9 to 5 and pin latest to v8"
