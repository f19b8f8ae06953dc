# A change whose answer is lost, in the dashboard: the demo cluster holds
# Ingress writes and drops them without storing (--stall-before-store);
# the settings give one request 2 s. An Ingress already live as sent is
# read back and the apply goes on; one that would change (a move to the
# staging hostname) is not live when read back: the job stops there with
# "outcome unknown", and the audit log records the result as unknown.
. "$(dirname "$0")/lib.sh"
mkdir -p "$XDG_CONFIG_HOME/ttstui"
printf 'request_timeout: 2s\n' >"$XDG_CONFIG_HOME/ttstui/config.yaml"
start_cluster --stall-kind Ingress --stall-ms 8000 --stall-before-store
start_tui 150 45
wait_for "viacom"
filter_models v8

# 1. v8/6 with its Ingresses unchanged: the lost answers are read back.
keys d
wait_for "Deploy > v8"
wait_match 'Version +6$'
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "kind: Namespace"
keys a
wait_for "Type v8/6 to confirm"
type_text v8/6
keys Tab Enter
wait_match 'ingress\.networking\.k8s\.io/route-validate +unchanged \(answer lost; read back: live as sent\)' 60
wait_for "✓ Done" 60
grep -F '"action":"apply"' "$AUDIT_LOG" | grep -F '"version":"6"' | grep -F '"dry_run":false' |
  grep -qF '"result":"ok"' || fail "v8/6 is not audited ok: $(cat "$AUDIT_LOG" 2>&1)"

# 2. v8/7 moved to staging: its Ingress changes, the write is dropped.
keys Escape
wait_for "applied (Esc: the model)"
keys Escape
wait_for "Recent events"
keys d
wait_for "Deploy > v8"
wait_match 'Version +7$'
wait_for "Ready: Enter shows the preview"
keys BTab BTab BTab Space
wait_match 'Environment +< staging >'
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "kind: Namespace"
keys a
# the move off the prod hostname is typed out, as a prod release is
wait_for "! hostname"
wait_for "Type v8/7 to confirm"
type_text v8/7
keys Tab Enter
wait_for "outcome unknown: a read right after shows it is not live as sent" 60
wait_match 'ingress\.networking\.k8s\.io/route-validate'
refute_screen "route-stream-request-transformer configured"
grep -F '"action":"apply"' "$AUDIT_LOG" | grep -F '"version":"7"' | grep -F '"dry_run":false' |
  grep -F '"result":"unknown"' | grep -qF 'outcome unknown' ||
  fail "v8/7 is not audited as unknown: $(cat "$AUDIT_LOG" 2>&1)"
keys Escape
wait_gone "Apply v8/7"
quit_tui
pass "lost answers: read back live (goes on) or not (outcome unknown, audited unknown)"
