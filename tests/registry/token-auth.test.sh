# Token auth: the registry's `auth: token` config checks JWTs signed by a
# small issuer here (token_server.py); ttstui does the Bearer dance with the
# credentials from config.json and caches the token per registry and scope.
. "$(dirname "$0")/lib.sh"
"$PY" -c 'import cryptography' 2>/dev/null || fail "$PY has no cryptography module (python3-cryptography)"

PASS="tok-Pa55-$RANDOM"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=ttstui-test-issuer -keyout "$TT_TMP/key.pem" -out "$TT_TMP/cert.pem" 2>/dev/null
"$PY" "$REG_DIR/token_server.py" "$TT_TMP/token.port" "$TT_TMP/key.pem" "$TT_TMP/cert.pem" \
    bob "$PASS" "$TT_TMP/token.log" 2>"$TT_TMP/token.err" &
TOKEN_PID=$!
REG_PIDS+=("$TOKEN_PID")
wait_port_file "$TT_TMP/token.port" "$TOKEN_PID"
REALM="http://127.0.0.1:$(cat "$TT_TMP/token.port")/token"
start_registry token "auth:
  token:
    realm: $REALM
    service: ttstui-test
    issuer: ttstui-test-issuer
    rootcertbundle: $TT_TMP/cert.pem"
L="$TT_TMP/layout"
D1=$(layout "$L" v1 tok)
DM=$(layout "$L" multi tok --multi)
push "$L" v1 acme/tts --dest-creds "bob:$PASS"
push "$L" multi acme/tts --dest-creds "bob:$PASS"

# Without credentials the token server says no: UNAUTHORIZED, where we looked.
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 4 "no credentials"
assert_contains "$ERR" "UNAUTHORIZED"
assert_contains "$ERR" "no credentials for $REG"
assert_contains "$ERR" "$DOCKER_CONFIG/config.json"

# Wrong ones: the token server's own message.
printf '{"auths": {"%s": {"auth": "%s"}}}' "$REG" "$(printf 'bob:nope' | base64 -w0)" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 4 "wrong credentials"
assert_contains "$ERR" "incorrect username or password"
assert_contains "$ERR" "were refused"

# Right ones: the digests skopeo sees.
printf '{"auths": {"%s": {"auth": "%s"}}}' "$REG" "$(printf 'bob:%s' "$PASS" | base64 -w0)" >"$DOCKER_CONFIG/config.json"
: >"$TT_TMP/token.log"
run_bare image resolve "$REG/acme/tts:v1" "$REG/acme/tts:multi" "$REG/acme/tts:v1"
assert_rc 0 "token auth"
assert_eq "$OUT" "$REG/acme/tts@$D1"$'\n'"$REG/acme/tts@$DM"$'\n'"$REG/acme/tts@$D1" "digests"
# One token for the three lookups (same registry, same scope); read before
# skopeo below asks the token server too.
assert_eq "$(cat "$TT_TMP/token.log")" "token repository:acme/tts:pull" "one token request, pull scope"
assert_eq "$D1" "$(skopeo_digest "$REG/acme/tts:v1" --creds "bob:$PASS")" "skopeo agrees (v1)"
assert_eq "$DM" "$(skopeo_digest "$REG/acme/tts:multi" --creds "bob:$PASS")" "skopeo agrees (multi)"

# Another repository is another scope: another token.
push "$L" v1 acme/other --dest-creds "bob:$PASS"
: >"$TT_TMP/token.log"
run_bare image resolve "$REG/acme/tts:v1" "$REG/acme/other:v1"
assert_rc 0 "two repositories"
assert_eq "$(sort "$TT_TMP/token.log" | tr '\n' ' ')" \
    "token repository:acme/other:pull token repository:acme/tts:pull " "a token per scope"

# The token in "token" (as Docker Hub's token server) rather than
# "access_token", and expires_in: a token that expires at once (no floor
# here) is asked again for each lookup, one for 300 s only once.
echo "token 1" >"$TT_TMP/token.log.answer"
: >"$TT_TMP/token.log"
TTSTUI_REGISTRY_TOKEN_MIN_TTL=0 run_bare image resolve "$REG/acme/tts:v1" "$REG/acme/tts:multi"
assert_rc 0 "a token in \"token\""
assert_eq "$OUT" "$REG/acme/tts@$D1"$'\n'"$REG/acme/tts@$DM" "digests with a \"token\" token"
assert_eq "$(grep -c . "$TT_TMP/token.log")" 2 "an expired token is asked again"
echo "token 300" >"$TT_TMP/token.log.answer"
: >"$TT_TMP/token.log"
TTSTUI_REGISTRY_TOKEN_MIN_TTL=0 run_bare image resolve "$REG/acme/tts:v1" "$REG/acme/tts:multi"
assert_rc 0 "a token for 300 s"
assert_eq "$(grep -c . "$TT_TMP/token.log")" 1 "a token within expires_in is reused"
rm "$TT_TMP/token.log.answer"

# Tags through a token too.
run_bare image tags "$REG/acme/tts"
assert_rc 0 "tags with a token"
assert_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "multi v1 " "tags"

# An unknown tag behind token auth: the registry's code, not an auth error.
run_bare image resolve "$REG/acme/tts:v404"
assert_rc 4 "unknown tag"
assert_contains "$ERR" "MANIFEST_UNKNOWN"

# An identity token (auths "identitytoken", as `docker login` stores for
# OAuth registries): the refresh-token grant, POSTed to the realm.
printf '{"auths": {"%s": {"identitytoken": "refresh-%s"}}}' "$REG" "$PASS" >"$DOCKER_CONFIG/config.json"
: >"$TT_TMP/token.log"
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 0 "identity token"
assert_eq "$OUT" "$REG/acme/tts@$D1" "digest with an identity token"
assert_eq "$(cat "$TT_TMP/token.log")" "refresh repository:acme/tts:pull" "the refresh grant was used"
printf '{"auths": {"%s": {"identitytoken": "refresh-wrong"}}}' "$REG" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 4 "wrong identity token"
assert_contains "$ERR" "invalid_grant"

# A helper that answers with an identity token (Username "<token>").
BIN="$TT_TMP/bin"
mkdir -p "$BIN"
printf '#!/bin/sh\ncat >/dev/null\nprintf %s\n' "'{\"Username\":\"<token>\",\"Secret\":\"refresh-$PASS\"}'" >"$BIN/docker-credential-tok"
chmod +x "$BIN/docker-credential-tok"
printf '{"credHelpers": {"%s": "tok"}}' "$REG" >"$DOCKER_CONFIG/config.json"
: >"$TT_TMP/token.log"
PATH="$BIN:$PATH" run_bare image resolve "$REG/acme/tts:v1"
assert_rc 0 "helper with an identity token"
assert_eq "$(cat "$TT_TMP/token.log")" "refresh repository:acme/tts:pull" "the helper's token was a refresh grant"

assert_no_secret "$TT_TMP/all-output" "$PASS"
pass
