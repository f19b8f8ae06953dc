# render, diff and apply resolve an image tag to its digest first (said on
# stderr); --no-resolve keeps the tag; a tag that cannot be resolved stops
# the command before anything changes.
. "$(dirname "$0")/lib.sh"

start_registry rel
L="$TT_TMP/layout"
D1=$(layout "$L" v12 rel)
push "$L" v12 acme/tts
TAG="$REG/acme/tts:v12"
BYDIGEST="$REG/acme/tts@$D1"
DOWN="127.0.0.1:$(free_port)/acme/tts:v12"

# render: the digest is rendered, and said.
run_bare render --env staging --model r1 --version 1 --image "$TAG"
assert_rc 0 "render with a tag"
assert_contains "$OUT" "image: $BYDIGEST"
assert_not_contains "$OUT" ":v12" "rendered output"
assert_contains "$ERR" "ttstui render: image $TAG → $BYDIGEST"
assert_not_contains "$ERR" "warning: --image" "stderr"

# --no-resolve: the tag as given, with the tag warning; no registry needed.
run_bare render --no-resolve --env staging --model r1 --version 1 --image "$DOWN"
assert_rc 0 "render --no-resolve"
assert_contains "$OUT" "image: $DOWN"
assert_contains "$ERR" "warning: --image:"
assert_not_contains "$ERR" "→" "stderr with --no-resolve"

# A digest is left alone: no registry asked (this one is down).
run_bare render --env staging --model r1 --version 1 --image "${DOWN%:v12}@$D1"
assert_rc 0 "render by digest"
assert_contains "$OUT" "image: ${DOWN%:v12}@$D1"

# The registry down, an unknown tag: exit 4, nothing on stdout, the way out said.
run_bare render --env staging --model r1 --version 1 --image "$DOWN"
assert_rc 4 "render, registry down"
assert_eq "$OUT" "" "stdout when the tag cannot be resolved"
assert_contains "$ERR" "cannot reach registry"
assert_contains "$ERR" "--no-resolve keeps the tag"
run_bare render --env staging --model r1 --version 1 --image "$REG/acme/tts:v13"
assert_rc 4 "render, unknown tag"
assert_contains "$ERR" "MANIFEST_UNKNOWN"
assert_contains "$ERR" "has no tag \"v13\""

# Invalid parameters are reported first, without asking the registry.
run_bare render --env staging --model r1 --version 1 --image "$DOWN" --min-scale x
assert_rc 2 "invalid parameters with a tag"
assert_contains "$ERR" "error: --min-scale:"
assert_not_contains "$ERR" "cannot reach" "stderr"

# apply against the demo cluster: the digest is what is deployed.
start_demo
run_tt apply --env staging --model r1 --version 1 --image "$TAG" --yes
assert_rc 0 "apply with a tag"
assert_contains "$ERR" "ttstui apply: image $TAG → $BYDIGEST"
assert_eq "$(kc get ksvc -n r1 stream -o jsonpath='{.spec.template.spec.containers[0].image}')" \
    "$BYDIGEST" "the live image"

# diff: resolves too (nothing changes: the same digest).
run_tt diff --env staging --model r1 --version 1 --image "$TAG"
assert_rc 0 "diff with the tag, same digest"
assert_contains "$ERR" "ttstui diff: image $TAG → $BYDIGEST"

# The tag moves: diff sees the new digest.
L2="$TT_TMP/layout2"
D2=$(layout "$L2" v12 rel-moved)
push "$L2" v12 acme/tts
run_tt diff --env staging --model r1 --version 2 --image "$TAG"
assert_rc 1 "diff after the tag moved"
assert_contains "$ERR" "image $TAG → $REG/acme/tts@$D2"

# apply with a registry that is down: refused before anything changes.
run_tt apply --env staging --model r2 --version 1 --image "$DOWN" --yes
assert_rc 4 "apply, registry down"
assert_contains "$ERR" "nothing was done"
if kc get namespace r2 >/dev/null 2>&1; then fail "namespace r2 was created"; fi

pass
