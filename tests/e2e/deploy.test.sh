# Deploy a new version through the form: prefilled from the live model with
# the next version, preview (YAML, secrets masked), diff, dry-run, then
# apply with the confirmation: progress per object and per rollout until
# Ready, the dashboard shows the new version, the audit log has the entry.
. "$(dirname "$0")/lib.sh"
start_cluster --ready-delay-ms 2500
start_tui 150 45
wait_for "viacom"
keys /
type_text v8
keys Enter
# the form is prefilled from the live revisions: wait until the row shows
# the latest ready revision's image
wait_match '^v8 .* [0-9a-f]{12} '
keys d
wait_for "Deploy > v8"
wait_match 'Version +6$'
wait_match 'Image +.*3c02aa6ac2d4|Image +[0-9a-f]+'
wait_match 'Min scale +0'
# v8's Ingress host is the prod hostname: the form starts on prod, not on
# the context's (unknown) environment
wait_match 'Environment +< prod >'
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "kind: Namespace"
wait_for "secrets masked (v reveals)"
assert_screen "name: validate-6"
keys d
wait_for "+      name: stream-6"
assert_screen "-      name: stream-5"
keys t
wait_for "Dry-run accepted by the server"
assert_screen "service.serving.knative.dev/stream would be configured"
assert_screen "stream-6: new revision"
# the dashboard's dry run is audited as the CLI's is
grep -F '"action":"apply"' "$AUDIT_LOG" | grep -F '"model":"v8"' | grep -F '"version":"6"' |
  grep -F '"dry_run":true' | grep -F '"result":"ok"' | grep -qF 'would create 0, configure' ||
  fail "no dry-run audit entry for v8/6: $(cat "$AUDIT_LOG" 2>&1)"
keys a
wait_for "Apply v8/6?"
assert_screen "[ Cancel ]"
refute_screen "hostname"
wait_for "Type v8/6 to confirm"
type_text v8/6
keys Tab Enter
wait_match 'service\.serving\.knative\.dev/stream +configured'
wait_match '… running +rollout stream-6 +progressing'
wait_match '✓ done +rollout stream-6 +Ready' 60
wait_match '✓ done +rollout validate-6 +Ready' 60
wait_for "✓ Done"
keys Escape Escape Escape
wait_for "35 models"
wait_match '^v8 .*✓ Ready +✓ Ready +6 +6:100%'
grep -F '"action":"apply"' "$AUDIT_LOG" | grep -F '"model":"v8"' | grep -F '"version":"6"' |
  grep -F '"dry_run":false' | grep -qF '"result":"ok"' || fail "no ok audit entry for the apply of v8/6: $(cat "$AUDIT_LOG" 2>&1)"
quit_tui
pass "deploy v8/6 through form, preview, diff, dry-run, apply, rollout Ready"
