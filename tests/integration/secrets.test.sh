#!/usr/bin/env bash
# API keys: the keys rule (names only, never values), the replace and merge
# policies, and a scan of every output, report and audit line for the key
# values and the cluster token, plain and base64.
source "$(dirname "$0")/lib.sh"
TOKEN="demo-token-$RANDOM-$RANDOM-secret"
start_demo --tls --token "$TOKEN"  # credentials go only over https

K1="sekrit-alpha-$RANDOM$RANDOM"; K2="sekrit-bravo-$RANDOM$RANDOM"
K3="sekrit-charlie-$RANDOM$RANDOM"; K4="sekrit-delta-$RANDOM$RANDOM"
echo "{\"ALPHA_API_KEY\": \"$K1\", \"BRAVO_API_KEY\": \"$K2\"}" >"$TT_TMP/keys1.json"
echo "{\"ALPHA_API_KEY\": \"$K3\", \"DELTA_API_KEY\": \"$K4\"}" >"$TT_TMP/keys2.json"
keys() { echo --include-image-api-keys true --api-keys "$1"; }

run_tt apply $(release_flags k1 1) $(keys "$TT_TMP/keys1.json") --yes --wait --timeout 1m
assert_rc 0 "apply with API keys"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.data.ALPHA_API_KEY}' | base64 -d)" "$K1" "live key after apply"

# Different keys: refused, naming added/removed/changed keys, no values.
before="$(kc get secret -n k1 api-keys -o jsonpath='{.metadata.resourceVersion}')"
run_tt apply $(release_flags k1 2) $(keys "$TT_TMP/keys2.json") --yes
assert_rc 3 "apply with different keys"
assert_contains "$ERR" "added: DELTA_API_KEY"
assert_contains "$ERR" "removed: BRAVO_API_KEY"
assert_contains "$ERR" "changed: ALPHA_API_KEY"
assert_contains "$ERR" "--api-keys-policy"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.metadata.resourceVersion}')" "$before" "Secret after the refusal"
N_CHECKS=$((N_CHECKS + 1))
! kc get revision -n k1 stream-2 >/dev/null 2>&1 || fail "a refused apply created revision stream-2"

# diff and a review report mask the values (changed/unchanged markers only).
run_tt diff $(release_flags k1 2) $(keys "$TT_TMP/keys2.json") --report "$TT_TMP/report.txt"
assert_rc 1 "diff with different keys"
assert_contains "$OUT" "ALPHA_API_KEY: (changed)"
assert_contains "$OUT" "DELTA_API_KEY: (added)"
N_CHECKS=$((N_CHECKS + 1))
[[ "$(stat -c %a "$TT_TMP/report.txt")" == 600 ]] || fail "report mode is not 0600"
cat "$TT_TMP/report.txt" >>"$TT_TMP/all-output"

# merge: live keys kept, the file's added or updated.
run_tt apply $(release_flags k1 2) $(keys "$TT_TMP/keys2.json") --yes --api-keys-policy merge --wait --timeout 1m
assert_rc 0 "apply --api-keys-policy merge"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.data.ALPHA_API_KEY}' | base64 -d)" "$K3" "merged ALPHA"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.data.BRAVO_API_KEY}' | base64 -d)" "$K2" "merged BRAVO (kept)"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.data.DELTA_API_KEY}' | base64 -d)" "$K4" "merged DELTA (added)"

# replace: exactly the file's keys.
run_tt apply $(release_flags k1 3) $(keys "$TT_TMP/keys2.json") --yes --api-keys-policy replace
assert_rc 0 "apply --api-keys-policy replace"
assert_eq "$(kc get secret -n k1 api-keys -o jsonpath='{.data}' | jq -r 'keys | join(",")')" \
    "ALPHA_API_KEY,DELTA_API_KEY" "keys after replace"

# Other flows with keys and the token: render to a terminal, dry run, status, audit.
script -qec "$TTSTUI_BIN render $(release_flags k1 4) $(keys "$TT_TMP/keys2.json")" "$TT_TMP/tty.txt" \
    >/dev/null </dev/null
cat "$TT_TMP/tty.txt" >>"$TT_TMP/all-output"
run_tt apply $(release_flags k1 4) $(keys "$TT_TMP/keys1.json") --api-keys-policy merge --dry-run=server --report "$TT_TMP/report2.txt"
assert_rc 0 "dry run with keys"
cat "$TT_TMP/report2.txt" >>"$TT_TMP/all-output"
run_tt status k1
run_tt audit -n 50
assert_contains "$OUT" "refused"
cat "$AUDIT_LOG" >>"$TT_TMP/all-output"
# A wrong token is refused with a reason that does not echo it.
sed "s/$TOKEN/wrong-$TOKEN/" "$KC" >"$TT_TMP/wrong.kubeconfig"
run_bare status --kubeconfig "$TT_TMP/wrong.kubeconfig"
assert_rc 4 "status with a wrong token"

assert_no_secret "$TT_TMP/all-output" "$K1" "$K2" "$K3" "$K4" "$TOKEN"
pass
