#!/usr/bin/env bash
# TLS, bearer tokens and client certificates, with the real kubectl (which
# sends credentials only over https) and curl.
source "$(dirname "$0")/lib.sh"

dc_start tls --tls --no-seed
expect_contains "$DC_URL" "https://127.0.0.1:" "tls url"
out=$($K get ns 2>&1)
expect_contains "$out" "No resources found" "kubectl over https verifying the CA"
grep -q 'certificate-authority-data' "$KC" || fail "kubeconfig has no CA"
[ "$(stat -c %a "$KC")" = 600 ] || fail "kubeconfig mode is not 0600"
out=$(curl -s -o /dev/null -w '%{http_code}' "$DC_URL/version" 2>&1 || true)
[ "$out" = "000" ] || fail "curl without the CA should not verify the server (got $out)"
pass "--tls serves https that kubectl verifies with the kubeconfig's CA"
dc_stop

dc_start token --tls --token s3cret-token --no-seed
code=$(curl -sk -o "$DC_TMP/body" -w '%{http_code}' "$DC_URL/api/v1/namespaces")
[ "$code" = 401 ] || fail "no token: got $code"
expect_contains "$(cat "$DC_TMP/body")" '"reason":"Unauthorized"' "401 Status"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' "$DC_URL/api/v1/namespaces")
[ "$code" = 401 ] || fail "wrong token: got $code"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-token' "$DC_URL/api/v1/namespaces")
[ "$code" = 200 ] || fail "right token: got $code"
out=$($K get ns 2>&1)
expect_contains "$out" "No resources found" "kubectl with the token from the kubeconfig"
grep -q '"token": "s3cret-token"' "$KC" || fail "kubeconfig lacks the token"
pass "--token answers 401 without the bearer token and works with the kubeconfig"
dc_stop

dc_start cert --tls --client-cert-auth --no-seed
grep -q 'client-certificate-data' "$KC" || fail "kubeconfig lacks the client certificate"
code=$(curl -sk -o /dev/null -w '%{http_code}' "$DC_URL/api/v1/namespaces")
[ "$code" = 401 ] || fail "no client cert: got $code"
out=$($K get ns 2>&1)
expect_contains "$out" "No resources found" "kubectl with the client certificate"
pass "--client-cert-auth requires the generated client certificate"
dc_stop
