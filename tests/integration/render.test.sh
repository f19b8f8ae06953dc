#!/usr/bin/env bash
# ttstui render: the reference shape, the jsonnet command's output for an
# operator template, YAML that reads back as the same objects, validation
# messages naming flags, and secrets only where render means to print them.
source "$(dirname "$0")/lib.sh"

REF="$TEST_DATA/reference"
KEYS="$REF/apikeys.example.json"
FIXTURE="$TEST_DATA/cli/partial-stream-crashloop.jsonnet"
REF_ARGS=(--env staging --model v3 --version 1 --image "$IMG" --min-scale 0 --max-scale 32)

# -o json equals the reference rendering, apart from the documented Ingress form.
run_bare render -o json "${REF_ARGS[@]}" --include-image-api-keys true --api-keys "$KEYS"
assert_rc 0 "render -o json"
echo "$OUT" >"$TT_TMP/render.json"
grep -v -e "^---$" -e "^\.\.\.$" "$REF/v3-staging-withkeys.reference.json-stream" | jq -s . | jq 'map(select(.kind != "Ingress"))' >"$TT_TMP/ref.json"
jq 'map(select(.kind != "Ingress"))' "$TT_TMP/render.json" >"$TT_TMP/got.json"
N_CHECKS=$((N_CHECKS + 1))
diff <(jq -S . "$TT_TMP/ref.json") <(jq -S . "$TT_TMP/got.json") >/dev/null ||
    fail "render -o json differs from the reference rendering (outside Ingress)"
assert_eq "$(jq -r '[.[].kind] | join(",")' "$TT_TMP/render.json")" \
    "Namespace,Secret,Service,Service,Secret,KongPlugin,KongIngress,Ingress,Secret,KongPlugin,KongIngress,Ingress" \
    "object order"
assert_eq "$(jq -r '[.[] | select(.kind=="Ingress") | .apiVersion] | unique | join(",")' "$TT_TMP/render.json")" \
    "networking.k8s.io/v1" "Ingress apiVersion"

# Per-service scales: validate apart from stream; the flat flags still set the rest.
run_bare render -o json "${REF_ARGS[@]}" --validate-min-scale 1 --validate-max-scale 4 --stream-max-scale 40
assert_rc 0 "render with per-service scales"
assert_eq "$(jq -r '.[] | select(.kind=="Service" and .metadata.name=="validate") | .spec.template.metadata.annotations | "\(.["autoscaling.knative.dev/minScale"])-\(.["autoscaling.knative.dev/maxScale"])"' <<<"$OUT")" "1-4" "validate scale"
assert_eq "$(jq -r '.[] | select(.kind=="Service" and .metadata.name=="stream") | .spec.template.metadata.annotations | "\(.["autoscaling.knative.dev/minScale"])-\(.["autoscaling.knative.dev/maxScale"])"' <<<"$OUT")" "0-40" "stream scale"
run_bare render "${REF_ARGS[@]}" --validate-max-scale lots
assert_rc 2 "render with a bad per-service scale"
assert_contains "$ERR" "--validate-max-scale"

# The YAML stream reads back as the same objects (what kubectl apply -f - reads).
run_bare render "${REF_ARGS[@]}" --include-image-api-keys true --api-keys "$KEYS"
assert_rc 0 "render (yaml)"
assert_contains "$OUT" "---" "yaml stream"
N_CHECKS=$((N_CHECKS + 1))
echo "$OUT" | python3 -c '
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d is not None]
ref = json.load(open(sys.argv[1]))
sys.exit(0 if docs == ref else 1)' "$TT_TMP/render.json" || fail "YAML stream does not read back as the JSON rendering"

# On a pipe, render prints what would be applied, Secret values included.
assert_contains "$OUT" "WVlZ" "piped render (base64 of YYY)"

# On a terminal the values are masked unless --show-secrets.
N_CHECKS=$((N_CHECKS + 1))
script -qec "$TTSTUI_BIN render ${REF_ARGS[*]} --include-image-api-keys true --api-keys $KEYS" \
    "$TT_TMP/tty.txt" >/dev/null </dev/null || fail "render on a terminal failed"
assert_not_contains "$(cat "$TT_TMP/tty.txt")" "WVlZ" "render on a terminal"
assert_contains "$(cat "$TT_TMP/tty.txt")" "***" "render on a terminal"
script -qec "$TTSTUI_BIN render ${REF_ARGS[*]} --include-image-api-keys true --api-keys $KEYS --show-secrets" \
    "$TT_TMP/tty2.txt" >/dev/null </dev/null
assert_contains "$(cat "$TT_TMP/tty2.txt")" "WVlZ" "render --show-secrets on a terminal"

# An operator template renders exactly as the jsonnet command renders it.
run_bare render -o json --template "$FIXTURE" "${REF_ARGS[@]}"
assert_rc 0 "render --template"
N_CHECKS=$((N_CHECKS + 1))
diff <(echo "$OUT" | jq -S .) \
     <(jsonnet --tla-str env=staging --tla-str model=v3 --tla-str version=1 --tla-str image="$IMG" \
               --tla-str minScale=0 --tla-str maxScale=32 "$FIXTURE" | jq -S .) >/dev/null ||
    fail "render --template differs from jsonnet"

# --config supplies parameters; flags override it.
cat >"$TT_TMP/release.json" <<JSON
{"env": "staging", "model": "fromconfig", "version": "4", "image": "$IMG", "minScale": 2}
JSON
run_bare render -o json --config "$TT_TMP/release.json" --version 5
assert_rc 0 "render --config"
assert_eq "$(echo "$OUT" | jq -r '.[0].metadata.name')" "fromconfig" "model from --config"
assert_eq "$(echo "$OUT" | jq -r '.[1].spec.template.metadata.name')" "validate-5" "--version overrides --config"
assert_eq "$(echo "$OUT" | jq -r '.[1].spec.template.metadata.annotations["autoscaling.knative.dev/minScale"]')" "2" "minScale from --config"

# Invalid values: one line per error naming the flag, nothing printed on stdout.
run_bare render --env nowhere --model Bad_Model --version 1 --image "$IMG" --min-scale x
assert_rc 2 "invalid parameters"
assert_eq "$OUT" "" "stdout on invalid parameters"
assert_contains "$ERR" "error: --env:"
assert_contains "$ERR" "error: --model:"
assert_contains "$ERR" "error: --min-scale:"
assert_eq "$(grep -c 'error: --' <<<"$ERR")" "3" "one line per invalid flag"

# A tag kept with --no-resolve is a warning, not an error.
run_bare render --no-resolve --env staging --model v3 --version 1 --image gcr.io/voice/speech-api-worker:latest
assert_rc 0 "render with a tag"
assert_contains "$ERR" "warning: --image:"
assert_contains "$OUT" "image: gcr.io/voice/speech-api-worker:latest"

# Flag errors are specific.
run_bare render --wait "${REF_ARGS[@]}"
assert_rc 2 "render --wait"
assert_contains "$ERR" "--wait is not a flag of 'ttstui render'"
run_bare render -o xml "${REF_ARGS[@]}"
assert_rc 2 "render -o xml"
assert_contains "$ERR" "'xml' is not an output format"

pass
