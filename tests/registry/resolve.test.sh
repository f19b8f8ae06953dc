# ttstui image resolve / image tags against a real registry (anonymous),
# digests checked against skopeo's; and the registries that misbehave.
. "$(dirname "$0")/lib.sh"

start_registry anon
L="$TT_TMP/layout"
D1=$(layout "$L" v1 one)
DM=$(layout "$L" multi one --multi)
push "$L" v1 acme/tts
push "$L" multi acme/tts

# A single manifest: the digest skopeo computes from the bytes.
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 0 "resolve v1"
assert_eq "$OUT" "$REG/acme/tts@$(skopeo_digest "$REG/acme/tts:v1")" "v1 by digest"
assert_eq "$OUT" "$REG/acme/tts@$D1" "v1 is the layout's manifest"

# A multi-platform tag: the index's digest, not one platform's.
run_bare image resolve "$REG/acme/tts:multi"
assert_rc 0 "resolve multi"
assert_eq "$OUT" "$REG/acme/tts@$(skopeo_digest "$REG/acme/tts:multi")" "multi by digest"
assert_eq "$OUT" "$REG/acme/tts@$DM" "multi is the index"

# Several at once, one a line, in order; a digest passes as given.
PINNED="$REG/acme/tts@sha256:$(printf '%064d' 7)"
run_bare image resolve "$REG/acme/tts:multi" "$PINNED" "$REG/acme/tts:v1"
assert_rc 0 "resolve three"
assert_eq "$OUT" "$REG/acme/tts@$DM"$'\n'"$PINNED"$'\n'"$REG/acme/tts@$D1" "three lines"

# A tag moved to another image: the new digest.
L2="$TT_TMP/layout2"
D2=$(layout "$L2" v1 two)
[[ "$D2" != "$D1" ]] || fail "the moved tag's image has the same digest"
push "$L2" v1 acme/tts
run_bare image resolve "$REG/acme/tts:v1"
assert_rc 0 "resolve moved v1"
assert_eq "$OUT" "$REG/acme/tts@$D2" "v1 after the move"
assert_eq "$D2" "$(skopeo_digest "$REG/acme/tts:v1")" "skopeo agrees on the moved tag"

# Unknown tag, unknown repository: the registry's code, the tag named.
run_bare image resolve "$REG/acme/tts:v99"
assert_rc 4 "unknown tag"
assert_eq "$OUT" "" "nothing printed for an unknown tag"
assert_contains "$ERR" "MANIFEST_UNKNOWN"
assert_contains "$ERR" "$REG/acme/tts has no tag \"v99\""
run_bare image resolve "$REG/acme/nothing:v1"
assert_rc 4 "unknown repository"
assert_contains "$ERR" "no repository $REG/acme/nothing"
# One bad among good ones: the good ones are printed, the status is 4.
run_bare image resolve "$REG/acme/tts:v99" "$REG/acme/tts:multi"
assert_rc 4 "one of two unknown"
assert_eq "$OUT" "$REG/acme/tts@$DM" "the good one still printed"

# A bad reference: exit 2, and no request (the registry is not asked).
run_bare image resolve "$REG/acme/tts:v1" "$REG/Acme/TTS:v1"
assert_rc 2 "bad reference"
assert_eq "$OUT" "" "nothing resolved when a reference is bad"
assert_contains "$ERR" "\"$REG/Acme/TTS:v1\" is not an image reference"
run_bare image resolve
assert_rc 2 "no image"
assert_contains "$ERR" "image resolve needs at least one IMAGE"
run_bare image frobnicate x
assert_rc 2 "unknown image action"

# Tags, following Link pagination (2 a page here).
for t in a1 a2 a3 a4; do
    layout "$L" "$t" "tag-$t" >/dev/null
    push "$L" "$t" acme/many
done
run_bare image tags "$REG/acme/many"
assert_rc 0 "tags"
assert_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "a1 a2 a3 a4 " "all tags"
TTSTUI_REGISTRY_TAGS_PAGE=2 run_bare image tags "$REG/acme/many"
assert_rc 0 "tags in pages of 2"
assert_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "a1 a2 a3 a4 " "all tags across pages"
# (This registry sends every tag at once: the pages of a registry that
# pages, relative and absolute Links; a next page on another host refused.)
start_fake pages
TTSTUI_REGISTRY_TAGS_PAGE=2 run_bare image tags "$FAKE/acme/many"
assert_rc 0 "tags across Link pages"
assert_eq "$(tr '\n' ' ' <<<"$OUT")" "t1 t2 t3 t4 t5 " "every page's tags, in order"
start_fake pages offhost
TTSTUI_REGISTRY_TAGS_PAGE=2 run_bare image tags "$FAKE/acme/many"
assert_rc 4 "a next page on another host"
assert_contains "$ERR" "the next page of tags is on another host"
run_bare image tags "$REG/acme/nothing"
assert_rc 4 "tags of an unknown repository"
assert_contains "$ERR" "NAME_UNKNOWN"

# Registry down: a port nobody listens on.
DOWN="127.0.0.1:$(free_port)"
run_bare image resolve "$DOWN/acme/tts:v1"
assert_rc 4 "registry down"
assert_contains "$ERR" "cannot reach registry $DOWN"

# A registry that never answers: the timeout, not a hang.
start_fake slow
run_bare image resolve --timeout 1s "$FAKE/acme/tts:v1"
assert_rc 4 "slow registry"
assert_contains "$ERR" "did not answer within 1000 ms"
# the global --request-timeout bounds registry requests too
run_bare image resolve --request-timeout 1s "$FAKE/acme/tts:v1"
assert_rc 4 "slow registry, --request-timeout"
assert_contains "$ERR" "did not answer within 1000 ms"
run_bare render --env staging --model v3 --version 1 --image "$FAKE/acme/tts:v1" --request-timeout 1s
assert_rc 4 "render with a tag on a slow registry, --request-timeout"
assert_contains "$ERR" "did not answer within 1000 ms"

# No Docker-Content-Digest: the bytes' sha256.
start_fake nodigest
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 0 "no digest header"
WANT=$(curl -s "http://$FAKE/v2/acme/tts/manifests/v1" | sha256sum | cut -d' ' -f1)
assert_eq "$OUT" "$FAKE/acme/tts@sha256:$WANT" "digest of the bytes served"

# A HEAD that gives Docker-Content-Digest is the whole lookup (no GET), and
# it accepts the four manifest types: OCI index, Docker manifest list v2,
# Docker manifest v2, OCI manifest.
start_fake accept "$TT_TMP/accept.log"
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 0 "HEAD with a digest"
assert_eq "$OUT" "$FAKE/acme/tts@sha256:$WANT" "the digest the HEAD gave"
assert_eq "$(wc -l <"$TT_TMP/accept.log")" 1 "one manifest request"
ACCEPT=$(cat "$TT_TMP/accept.log")
assert_contains "$ACCEPT" "HEAD "
for type in application/vnd.oci.image.index.v1+json \
    application/vnd.docker.distribution.manifest.list.v2+json \
    application/vnd.docker.distribution.manifest.v2+json \
    application/vnd.oci.image.manifest.v1+json; do
    assert_contains "$ACCEPT" "$type"
done

# Two challenges in two WWW-Authenticate headers, Basic first: the Bearer
# one is followed (its quoted values, a comma inside), anonymously.
start_fake challenges
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 0 "Bearer among several challenges"
assert_eq "$OUT" "$FAKE/acme/tts@sha256:$WANT" "the digest behind the token"

# A digest that does not match the bytes served: refused.
start_fake mismatch
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 4 "digest mismatch"
assert_eq "$OUT" "" "nothing printed on a mismatch"
assert_contains "$ERR" "refused: the registry says the manifest is sha256:0000"
assert_contains "$ERR" "hash to sha256:$WANT"

# A registry's text is cleaned for the terminal: errors and tags.
start_fake hostile
run_bare image resolve "$FAKE/acme/tts:v1"
assert_rc 4 "hostile error"
assert_contains "$ERR" "evil ?]0;pwned? text ? end"
assert_not_contains "$ERR" $'\e' "stderr"
assert_not_contains "$ERR" $'\u202e' "stderr"
run_bare image tags "$FAKE/acme/tts"
assert_rc 0 "hostile tags"
assert_eq "$OUT" "ok"$'\n'"bad?[2Jtag"$'\n'"rtl?tag" "tags cleaned"

pass
