# An image that crashes: the rollout fails with its reason (CrashLoopBackOff
# or the exit code) and the model view shows it too.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 160 45
wait_for "viacom"
keys /
type_text v9
keys Enter
# the form is prefilled from the live revisions: wait until the row shows
# the latest ready revision's image
wait_match '^v9 .* [0-9a-f]{12} '
keys d
wait_for "Deploy > v9"
wait_match 'Version +7$'
# Focus starts on the image: replace it.
keys C-e C-u
type_text "gcr.io/voice-service-2-313121/speech-api-worker-crashloop@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "kind: Namespace"
keys a
# the model is live on prod (its Ingress host): the form starts there, so
# the confirmation asks for the typed name
wait_for "Apply v9/7?"
wait_for "Type v9/7 to confirm"
type_text v9/7
keys Tab Enter
wait_match '✗ FAILED +rollout (stream|validate)-7 .*(CrashLoopBackOff|ExitCode)' 90
wait_match 'Failed: rollout (failed|partial)' 90
keys Escape Escape Escape
# the form holds a changed image: leaving it asks first
wait_for "Discard changes?"
keys Tab Enter
wait_for "35 models"
open_model v9
wait_match '^stream +stream-7 +✗ Failed +(CrashLoopBackOff|ExitCode|[A-Za-z]+)'
wait_match 'stream-7.*(CrashLoopBackOff|ExitCode)|Warning .*BackOff'
grep -F '"action":"apply"' "$AUDIT_LOG" | grep -F '"model":"v9"' | grep -qF '"result":"failed"' ||
  fail "the failed rollout is not audited as failed: $(cat "$AUDIT_LOG" 2>&1)"
quit_tui
pass "crash-looping image fails the rollout with its reason"
