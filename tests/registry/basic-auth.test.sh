# htpasswd (Basic) auth: no credentials, auths in config.json, wrong ones,
# credential helpers (working, failing, missing), and credentials that must
# not follow a redirect to another host.
. "$(dirname "$0")/lib.sh"
command -v htpasswd >/dev/null || fail "htpasswd is not installed (apache2-utils)"

PASS="s3cret-Pa55-$RANDOM"
htpasswd -Bbn alice "$PASS" >"$TT_TMP/htpasswd" 2>/dev/null
start_registry basic "auth:
  htpasswd:
    realm: test
    path: $TT_TMP/htpasswd"
L="$TT_TMP/layout"
D1=$(layout "$L" v1 basic)
push "$L" v1 acme/tts --dest-creds "alice:$PASS"
IMG="$REG/acme/tts:v1"

# No config.json at all: 401, and where credentials were looked for.
run_bare image resolve "$IMG"
assert_rc 4 "no credentials"
assert_contains "$ERR" "UNAUTHORIZED"
assert_contains "$ERR" "no credentials for $REG"
assert_contains "$ERR" "$DOCKER_CONFIG/config.json"

# auths with base64 user:password.
AUTH=$(printf 'alice:%s' "$PASS" | base64 -w0)
printf '{"auths": {"%s": {"auth": "%s"}}}' "$REG" "$AUTH" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$IMG"
assert_rc 0 "auths"
assert_eq "$OUT" "$REG/acme/tts@$D1" "digest with Basic auth"
assert_eq "$D1" "$(skopeo_digest "$IMG" --creds "alice:$PASS")" "skopeo agrees"
run_bare image tags "$REG/acme/tts"
assert_rc 0 "tags with Basic auth"
assert_eq "$OUT" "v1" "the tag"

# A key with scheme and path names the same host.
printf '{"auths": {"https://%s/v1/": {"auth": "%s"}}}' "$REG" "$AUTH" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$IMG"
assert_rc 0 "auths key with scheme"

# Another registry's entry is not used.
printf '{"auths": {"127.0.0.1:1": {"auth": "%s"}}}' "$AUTH" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$IMG"
assert_rc 4 "another host's credentials"
assert_contains "$ERR" "no credentials for $REG"

# Wrong password: refused, and said so.
printf '{"auths": {"%s": {"auth": "%s"}}}' "$REG" "$(printf 'alice:wrong' | base64 -w0)" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$IMG"
assert_rc 4 "wrong password"
assert_contains "$ERR" "UNAUTHORIZED"
assert_contains "$ERR" "were refused"

# A credential helper on PATH (credHelpers), which gets the host on stdin.
BIN="$TT_TMP/bin"
mkdir -p "$BIN"
cat >"$BIN/docker-credential-x" <<SH
#!/bin/sh
read host
echo "\$host" >>"$TT_TMP/helper-asked"
printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "\$host" "$PASS"
SH
chmod +x "$BIN/docker-credential-x"
printf '{"credHelpers": {"%s": "x"}}' "$REG" >"$DOCKER_CONFIG/config.json"
PATH="$BIN:$PATH" run_bare image resolve "$IMG"
assert_rc 0 "credHelpers"
assert_eq "$OUT" "$REG/acme/tts@$D1" "digest through the helper"
assert_eq "$(cat "$TT_TMP/helper-asked")" "$REG" "the helper was asked for the host"

# credsStore, and it wins over auths (docker's order).
printf '{"credsStore": "x", "auths": {"%s": {"auth": "%s"}}}' "$REG" "$(printf 'alice:wrong' | base64 -w0)" >"$DOCKER_CONFIG/config.json"
PATH="$BIN:$PATH" run_bare image resolve "$IMG"
assert_rc 0 "credsStore"

# A helper that fails: its message, and where it was configured.
cat >"$BIN/docker-credential-broken" <<'SH'
#!/bin/sh
cat >/dev/null
echo "error getting credentials - err: exit status 1, out: keychain locked"
exit 1
SH
chmod +x "$BIN/docker-credential-broken"
printf '{"credHelpers": {"%s": "broken"}}' "$REG" >"$DOCKER_CONFIG/config.json"
PATH="$BIN:$PATH" run_bare image resolve "$IMG"
assert_rc 4 "failing helper"
assert_contains "$ERR" "docker-credential-broken get failed (exit status 1)"
assert_contains "$ERR" "keychain locked"
assert_contains "$ERR" "$DOCKER_CONFIG/config.json"

# A helper that is not installed.
printf '{"credHelpers": {"%s": "gone"}}' "$REG" >"$DOCKER_CONFIG/config.json"
PATH="$BIN:$PATH" run_bare image resolve "$IMG"
assert_rc 4 "missing helper"
assert_contains "$ERR" "credential helper docker-credential-gone is not on PATH"

# A malformed config.json: said, naming the file.
echo '{"auths": ' >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$IMG"
assert_rc 4 "malformed config.json"
assert_contains "$ERR" "$DOCKER_CONFIG/config.json"

# The password never reached any output.
assert_no_secret "$TT_TMP/all-output" "$PASS"

# A redirect to another host does not carry the credentials: the first
# server wants Basic u:secret-pw and sends the manifest request on to a
# second one, which records the Authorization header it got.
start_fake record "$TT_TMP/recorded"
TARGET=$FAKE
start_fake redirect "http://$TARGET"
printf '{"auths": {"%s": {"auth": "%s"}}}' "$FAKE" "$(printf 'u:secret-pw' | base64 -w0)" >"$DOCKER_CONFIG/config.json"
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 0 "resolve through a redirect"
assert_contains "$OUT" "$FAKE/acme/tts@sha256:"
[[ -s "$TT_TMP/recorded" ]] || fail "the redirect target was never asked"
assert_eq "$(sort -u "$TT_TMP/recorded")" "-" "no Authorization sent to the other host"

pass
