# The deploy form's API-key policy: a release of an existing model whose
# key file differs from the live Secret api-keys is refused, naming the
# added, removed and changed keys and the form field (not the CLI flag);
# with policy merge it applies and the Secret holds the union of the keys.
# Key values never appear on a screen.
. "$(dirname "$0")/lib.sh"
start_cluster
K="kubectl --kubeconfig $KC"
# The live Secret: OLD_SPEECH_API_KEY and SAMS_SPEECH_API_KEY.
old1=$(printf '%s' liveSecretRr5Tq1 | base64)
old2=$(printf '%s' liveSecretHh8Vn2 | base64)
printf '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"api-keys","namespace":"v10-eia"},"data":{"OLD_SPEECH_API_KEY":"%s","SAMS_SPEECH_API_KEY":"%s"}}\n' \
  "$old1" "$old2" | $K apply --server-side -f - >/dev/null
# The file: SAMS_SPEECH_API_KEY changed, NEIL_SPEECH_API_KEY added.
keyfile="$E2E_TMP/apikeys.json"
printf '{"SAMS_SPEECH_API_KEY": "fileSecretWw3Kd7", "NEIL_SPEECH_API_KEY": "fileSecretJj6Pz4"}\n' >"$keyfile"
secrets=(liveSecretRr5Tq1 liveSecretHh8Vn2 fileSecretWw3Kd7 fileSecretJj6Pz4 "$old1" "$old2")
for s in fileSecretWw3Kd7 fileSecretJj6Pz4; do secrets+=("$(printf '%s' "$s" | base64)"); done
scan() { # scan WHAT: no key value in any capture so far
  local s
  for s in "${secrets[@]}"; do
    ! grep -qF -- "$s" "$CAPTURES" || fail "$1: key value $s appeared on the screen"
  done
}

start_tui 200 45
wait_for "viacom"
keys /
type_text v10-eia
keys Enter
# the form is prefilled from the live revisions: wait until the row shows
# the latest ready revision's image
wait_match '^v10-eia .* [0-9a-f]{12} '
keys d
wait_for "Deploy > v10-eia"
assert_screen "only with API keys included"
keys Tab Tab Space
wait_match 'Include API keys +\[x\] true'
keys Tab
type_text "$keyfile"
keys Tab
wait_match 'API-key policy +< refuse >'
wait_for "Ready: Enter shows the preview"
keys Enter
wait_for "secrets masked (v reveals)"
keys a
# the model is live on prod (its Ingress host): the form starts there, so
# the confirmation asks for the typed name
wait_for "Apply v10-eia/4?"
wait_for "Type v10-eia/4 to confirm"
type_text v10-eia/4
keys Tab Enter
wait_for "set API-key policy to replace or merge in the form" 60
assert_screen "added: NEIL_SPEECH_API_KEY; removed: OLD_SPEECH_API_KEY; changed: SAMS_SPEECH_API_KEY"
refute_screen "--api-keys-policy"
scan "refused apply"
out=$($K get secret api-keys -n v10-eia -o json | jq -r '.data | keys | join(",")')
[ "$out" = "OLD_SPEECH_API_KEY,SAMS_SPEECH_API_KEY" ] || fail "a refused apply changed the Secret: $out"
pass "differing keys refused, naming the keys and the form field"

# Back to the form: policy merge.
keys Escape
wait_gone "set API-key policy to replace or merge in the form"
for _ in 1 2 3; do screen_has "Deploy a release to" && break; keys Escape; sleep 0.5; done
wait_for "Deploy a release to"
keys m
wait_match 'API-key policy +< merge >'
keys Enter
wait_for "secrets masked (v reveals)"
keys a
wait_for "API keys included (merge)"
wait_for "Type v10-eia/4 to confirm"
type_text v10-eia/4
keys Tab Enter
wait_for "✓ Done" 60
scan "merge apply"
out=$($K get secret api-keys -n v10-eia -o json | jq -r '.data | keys | join(",")')
[ "$out" = "NEIL_SPEECH_API_KEY,OLD_SPEECH_API_KEY,SAMS_SPEECH_API_KEY" ] \
  || fail "after merge the Secret holds: $out"
[ "$($K get secret api-keys -n v10-eia -o json | jq -r '.data.OLD_SPEECH_API_KEY')" = "$old1" ] \
  || fail "merge did not keep the live OLD_SPEECH_API_KEY"
[ "$($K get secret api-keys -n v10-eia -o json | jq -r '.data.SAMS_SPEECH_API_KEY' | base64 -d)" = fileSecretWw3Kd7 ] \
  || fail "merge did not take the file's SAMS_SPEECH_API_KEY"
! grep -qF -e liveSecret -e fileSecret "$AUDIT_LOG" || fail "a key value is in the audit log"
[ ! -s "$E2E_TMP/tui.err" ] || ! grep -qF -e liveSecret -e fileSecret "$E2E_TMP/tui.err" || fail "a key value on stderr"
keys Escape
wait_for "secrets masked (v reveals)"
scan "after merge"
quit_tui
pass "policy merge applies: the Secret holds the union of the keys, the file's values win"
