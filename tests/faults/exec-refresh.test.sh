#!/usr/bin/env bash
# Fault: 401 Unauthorized from a stale token. The kubeconfig user has an
# exec credential plugin that prints a wrong token the first time and the
# right one after (state in a file). ttstui status gets a 401, runs the
# plugin once more (exactly one refresh), and succeeds; nothing prints the
# tokens.
source "$(dirname "$0")/lib.sh"

TOKEN="faults-good-token-7f3a9c1e5b"
STALE="faults-stale-token-2d8e4b6a0c"
start_demo --tls --token "$TOKEN"

plugin="$TT_TMP/token-plugin"
cat >"$plugin" <<PLUGIN
#!/bin/sh
# Test credential plugin: call 1 prints a stale token, later calls the good one.
n=\$(cat "$TT_TMP/plugin-calls" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n >"$TT_TMP/plugin-calls"
if [ \$n -eq 1 ]; then tok="$STALE"; else tok="$TOKEN"; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "\$tok"
PLUGIN
chmod 700 "$plugin"

# The demo's kubeconfig with its user replaced by the exec plugin (the
# client certificate is dropped too, so only the token can authenticate).
python3 - "$KC" "$plugin" >"$TT_TMP/kc-exec" <<'PY'
import json, sys
kc = json.load(open(sys.argv[1]))
kc["users"] = [{"name": "demo", "user": {"exec": {
    "apiVersion": "client.authentication.k8s.io/v1",
    "command": sys.argv[2], "interactiveMode": "Never"}}}]
print(json.dumps(kc))
PY
chmod 600 "$TT_TMP/kc-exec"

run_bare --kubeconfig "$TT_TMP/kc-exec" status
assert_rc 0 "status with a stale exec token"
assert_contains "$OUT" "v10" "status table"
assert_contains "$(cat "$TT_TMP/plugin-calls")" "2" "plugin calls (one start, one refresh)"
check; [[ "$(cat "$TT_TMP/plugin-calls")" == 2 ]] || fail "plugin ran $(cat "$TT_TMP/plugin-calls") times, expected 2"

# A plugin that only ever has the stale token: one refresh, then a clear 401.
echo 100 >"$TT_TMP/plugin-calls"
sed -i "s/if \[ \\\$n -eq 1 \]/if [ \\\$n -ge 1 ]/" "$plugin"
run_bare --kubeconfig "$TT_TMP/kc-exec" status
assert_rc 4 "status with a plugin that keeps giving a stale token"
assert_lines "$ERR" 1 "stderr"
assert_contains "$ERR" "unauthorized: the server at $DEMO_URL rejected the credentials for user demo"
check; [[ "$(cat "$TT_TMP/plugin-calls")" == 102 ]] || fail "plugin ran $(( $(cat "$TT_TMP/plugin-calls") - 100 )) times, expected 2 (no refresh loop)"

assert_no_secret "$TT_TMP/all-output" "$TOKEN" "$STALE"
pass
