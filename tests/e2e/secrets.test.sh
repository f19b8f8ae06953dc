# Secrets never on screen: a release with API keys (distinctive values)
# through preview, diff, dry-run and apply shows neither the values nor
# their base64 on any captured screen, until the reveal key is pressed.
. "$(dirname "$0")/lib.sh"
start_cluster
keyfile="$E2E_TMP/apikeys.json"
printf '{"SAMS_SPEECH_API_KEY": "e2eSecretZq7Wv3xx", "NEIL_SPEECH_API_KEY": "e2eSecretPk9Lm2yy"}\n' >"$keyfile"
secrets=(e2eSecretZq7Wv3xx e2eSecretPk9Lm2yy)
for s in e2eSecretZq7Wv3xx e2eSecretPk9Lm2yy; do secrets+=("$(printf '%s' "$s" | base64)"); done
scan() { # scan WHAT: no secret in any capture so far
  local s
  for s in "${secrets[@]}"; do
    ! grep -qF -- "$s" "$CAPTURES" || fail "$1: secret value $s appeared on the screen"
  done
}
start_tui 150 45
wait_for "viacom"
filter_models v10-eia
keys d
wait_for "Deploy > v10-eia"
keys Tab Tab Space
wait_match 'Include API keys +\[x\] true'
keys Tab
type_text "$keyfile"
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "secrets masked (v reveals)"
wait_for "kind: Namespace"
keys /
type_text SAMS_SPEECH
keys Enter
wait_for "SAMS_SPEECH_API_KEY: '***'"
scan "preview"
keys d
wait_for "+++ release/Secret/v10-eia/api-keys"
assert_screen "SAMS_SPEECH_API_KEY: (added)"
scan "diff"
keys t
wait_match "Dry-run (accepted|refused)"
scan "dry-run"
keys a
# the model is live on prod (its Ingress host): the form starts there, so
# the confirmation asks for the typed name
wait_for "Apply v10-eia/4?"
wait_for "Type v10-eia/4 to confirm"
type_text v10-eia/4
keys Tab Enter
wait_for "✓ Done" 60
scan "apply"
! grep -qF -e e2eSecretZq7Wv3xx -e e2eSecretPk9Lm2yy "$AUDIT_LOG" || fail "a key value is in the audit log"
[ ! -s "$E2E_TMP/tui.err" ] || ! grep -qF e2eSecret "$E2E_TMP/tui.err" || fail "a key value on stderr"
# The reveal key shows them (so the scan above can see them at all).
keys Escape
wait_for "Dry-run accepted"
keys d
wait_for "+++ release/Secret/v10-eia/api-keys"
keys d
wait_for "secrets masked (v reveals)"
keys /
type_text SAMS_SPEECH
keys Enter
wait_for "SAMS_SPEECH_API_KEY: '***'"
scan "after apply"
keys v
wait_for "SECRETS SHOWN (v hides)"
shown=0
for s in "${secrets[@]}"; do screen_has "$s" && shown=1; done
[ "$shown" = 1 ] || fail "revealed, but no key value is on the screen (the scan would not see one)"
quit_tui
pass "API keys masked through preview, diff, dry-run and apply; shown only on reveal"
