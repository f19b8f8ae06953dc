#!/usr/bin/env bash
# Secrets: a whole CLI flow with API keys (distinctive values) and a bearer
# token against a TLS demo cluster that requires the token. No captured
# stdout, stderr, report or audit entry may contain a key value or the
# token, plain or base64-encoded; the files ttstui writes are mode 0600.
#
# One output is excluded by design: `ttstui render` to a pipe prints the
# rendered Secrets as they are (that is what it is for, like `jsonnet -y`);
# the test checks that it does, and that render on a terminal masks them.
source "$(dirname "$0")/lib.sh"

TOKEN="faults-bearer-9c2f7e1d4a6b8053"
KEY1="sk-live-faults-ALPHA-5e8b1c3f9d27"
KEY2="sk-live-faults-BRAVO-0a6d4e2c8f13"
KEY3="sk-live-faults-CHARLIE-7b3e9a5d1c64"
SECRETS=("$TOKEN" "$KEY1" "$KEY2" "$KEY3")
umask 022 # files must be private because ttstui makes them so, not the umask

start_demo --tls --token "$TOKEN"
printf '{"PARTNER_ONE":"%s","PARTNER_TWO":"%s"}\n' "$KEY1" "$KEY2" >"$TT_TMP/keys.json"
printf '{"PARTNER_ONE":"%s","PARTNER_THREE":"%s"}\n' "$KEY1" "$KEY3" >"$TT_TMP/keys2.json"
chmod 600 "$TT_TMP/keys.json" "$TT_TMP/keys2.json"
KEYS=(--include-image-api-keys true --api-keys "$TT_TMP/keys.json")
KEYS2=(--include-image-api-keys true --api-keys "$TT_TMP/keys2.json")

# render to a pipe: the Secret values are there, by design (not scanned)
set +e
"$TTSTUI_BIN" render $(release_flags sec 1) "${KEYS[@]}" </dev/null >"$TT_TMP/render.out" 2>"$TT_TMP/render.err"
rc=$?
set -e
check; [[ $rc == 0 ]] || fail "render exit status $rc"
check; grep -q "$KEY1" "$TT_TMP/render.out" || fail "render to a pipe should carry the key values (documented)"
cat "$TT_TMP/render.err" >>"$TT_TMP/all-output"

# render on a terminal masks them
check
script -qec "$TTSTUI_BIN render $(release_flags sec 1) --include-image-api-keys true --api-keys $TT_TMP/keys.json" \
    "$TT_TMP/render-tty.out" </dev/null >/dev/null 2>&1 || fail "render on a terminal failed"
grep -q "PARTNER_ONE" "$TT_TMP/render-tty.out" || fail "render on a terminal shows no key names"
cat "$TT_TMP/render-tty.out" >>"$TT_TMP/all-output"

run_tt diff $(release_flags sec 1) "${KEYS[@]}"
assert_rc 1 "diff of a new model"
assert_contains "$OUT" "PARTNER_ONE" "diff names the keys"

run_tt apply $(release_flags sec 1) "${KEYS[@]}" --dry-run=server --report "$TT_TMP/report.txt"
assert_rc 0 "apply --dry-run=server --report"
assert_mode_0600 "$TT_TMP/report.txt"
cat "$TT_TMP/report.txt" >>"$TT_TMP/all-output"

run_tt diff $(release_flags sec 1) "${KEYS[@]}" --report "$TT_TMP/diff-report.txt"
assert_mode_0600 "$TT_TMP/diff-report.txt"
cat "$TT_TMP/diff-report.txt" >>"$TT_TMP/all-output"

run_tt apply $(release_flags sec 1) "${KEYS[@]}" --yes --wait --timeout 2m
assert_rc 0 "apply --yes --wait"
assert_contains "$OUT" "secret/api-keys created"

# different keys: refused, naming keys, never values; then replaced
run_tt apply $(release_flags sec 2) "${KEYS2[@]}" --yes
assert_rc 3 "apply with changed keys (refused)"
assert_contains "$ERR$OUT" "PARTNER_THREE"
run_tt diff $(release_flags sec 2) "${KEYS2[@]}" --api-keys-policy replace
run_tt apply $(release_flags sec 2) "${KEYS2[@]}" --api-keys-policy replace --yes --wait --timeout 2m
assert_rc 0 "apply --api-keys-policy replace"

run_tt status
assert_rc 0 "status"
run_tt status sec -o json
assert_rc 0 "status -o json"
run_tt audit -n 50
assert_rc 0 "audit"
assert_contains "$OUT" "apply" "audit table"
run_tt delete sec --yes --wait --timeout 1m
assert_rc 0 "delete --wait"

# A failing request with the token: the error names the user, not the token.
sed "s/$TOKEN/${TOKEN}x/" "$KC" >"$TT_TMP/kc-wrong"
run_bare --kubeconfig "$TT_TMP/kc-wrong" status
assert_rc 4 "status with a wrong token"
# (the wrong token contains the right one as a prefix: scanning covers it)

assert_mode_0600 "$AUDIT_LOG"
check; [[ "$(stat -c %a "$(dirname "$AUDIT_LOG")")" == 700 ]] || fail "audit log folder is not 0700"
assert_no_secret "$TT_TMP/all-output" "${SECRETS[@]}"
assert_no_secret "$AUDIT_LOG" "${SECRETS[@]}"
assert_no_secret "$TT_TMP/report.txt" "${SECRETS[@]}"
assert_no_secret "$TT_TMP/diff-report.txt" "${SECRETS[@]}"
# the scan itself works: it finds the keys in render's pipe output
check
if (trap - EXIT; assert_no_secret "$TT_TMP/render.out" "$KEY1") 2>/dev/null; then
    fail "the secret scan missed a key"
fi
pass
