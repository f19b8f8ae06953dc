# validate's scale apart from stream's, through the deploy form: the form
# starts from each service's live bounds, the release sets validate's own
# annotations while stream keeps the flat ones, and the dashboard's SCALE
# column then shows both.
. "$(dirname "$0")/lib.sh"
start_cluster
K="kubectl --kubeconfig $KC"
start_tui 160 45
wait_for "viacom"
keys /
type_text v8
keys Enter
wait_match '^v8 .* [0-9a-f]{12} '
keys d
wait_for "Deploy > v8"
wait_match 'Validate max scale +[0-9]+'
wait_for "Ready: Enter shows the preview"
# From Image: Entry point, Include API keys, API-key file, Min, Max, Validate min, Validate max.
keys Tab Tab Tab Tab Tab Tab Tab C-u
type_text 3
wait_match 'Validate max scale +3$'
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "secrets masked (v reveals)"
keys a
wait_for "Apply v8/6?"
wait_match 'Scale: +[0-9]+-[0-9]+ \(validate [0-9]+-3\)'
wait_match 'validate maxScale [0-9]+ → 3'
wait_for "Type v8/6 to confirm"
type_text v8/6
keys Tab Enter
wait_for "✓ Done" 90
ann() { $K get ksvc -n v8 "$1" -o jsonpath="{.spec.template.metadata.annotations.autoscaling\\.knative\\.dev/$2}"; }
[ "$(ann validate maxScale)" = 3 ] || fail "validate maxScale is $(ann validate maxScale), expected 3"
[ "$(ann stream maxScale)" != 3 ] || fail "stream maxScale moved with validate's"
keys Escape Escape Escape
wait_for "35 models"
wait_match '^v8 .* [0-9]+-[0-9]+/[0-9]+-3 '
quit_tui
pass "validate's scale set apart from stream's through the form"
