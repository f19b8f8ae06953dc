# A registry on loopback that speaks https: its CA from certs.d/HOST/ca.crt
# (docker's layout), a certificate nobody vouches for refused.
. "$(dirname "$0")/lib.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$TT_TMP/tls.key" -out "$TT_TMP/tls.crt" 2>/dev/null
start_registry tls "  tls:
    certificate: $TT_TMP/tls.crt
    key: $TT_TMP/tls.key"
L="$TT_TMP/layout"
D1=$(layout "$L" v1 tls)
push "$L" v1 acme/tts
export TTSTUI_REGISTRY_CERTS_DIR="$TT_TMP/certs.d"
mkdir -p "$TTSTUI_REGISTRY_CERTS_DIR"

# No CA for it: refused, and the reason is the certificate (not a fall back to http).
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 4 "self-signed, no CA"
assert_eq "$OUT" "" "nothing resolved without trust"
assert_contains "$ERR" "certificate"

# Its CA in certs.d/HOST/ca.crt: resolved over https.
mkdir -p "$TTSTUI_REGISTRY_CERTS_DIR/$REG"
cp "$TT_TMP/tls.crt" "$TTSTUI_REGISTRY_CERTS_DIR/$REG/ca.crt"
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 0 "with certs.d CA"
assert_eq "$OUT" "$REG/acme/tts@$D1" "digest over https"
assert_eq "$D1" "$(skopeo_digest "$REG/acme/tts:v1")" "skopeo agrees"

# Another host's folder does not count.
rm -rf "$TTSTUI_REGISTRY_CERTS_DIR/$REG"
mkdir -p "$TTSTUI_REGISTRY_CERTS_DIR/127.0.0.1:1"
cp "$TT_TMP/tls.crt" "$TTSTUI_REGISTRY_CERTS_DIR/127.0.0.1:1/ca.crt"
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 4 "CA of another host"

pass
