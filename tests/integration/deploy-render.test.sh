#!/usr/bin/env bash
# Deployment config files (deployments/<env>/<model>.config.json) render
# with the embedded tts-deploy template: every one of the shared files
# exactly as the jsonnet command renders that template, per-service values
# and traffic by tag, errors with file:line:column, flags over the file.
source "$(dirname "$0")/lib.sh"

GOOD="$TEST_DATA/deployments/good"
TEMPLATE="$(cd "$(dirname "$0")/../../core/templates" && pwd)/tts-deploy.jsonnet"
KEYS="$TEST_DATA/reference/apikeys.example.json"
mkdir -p "$TT_TMP/tpl"
cp "$TEMPLATE" "$TT_TMP/tpl/tts-deploy.jsonnet"
cp "$KEYS" "$TT_TMP/tpl/apikeys.json"

# Every shared file: ttstui's rendering is the jsonnet command's.
n=0
for f in "$GOOD"/*/*.config.json; do
    run_bare render -o json --config "$f" --api-keys "$KEYS"
    assert_rc 0 "render --config $f"
    check
    diff <(echo "$OUT" | jq -S .) \
         <(jsonnet --tla-str config="$(cat "$f")" "$TT_TMP/tpl/tts-deploy.jsonnet" | jq -S .) >/dev/null ||
        fail "render --config $f differs from jsonnet"
    n=$((n + 1))
done
assert_eq "$n" 79 "files rendered"

# The same object set as the flat template, in the same order.
run_bare render -o json --config "$GOOD/prod/v10.config.json" --api-keys "$KEYS"
assert_eq "$(jq -r '[.[].kind] | join(",")' <<<"$OUT")" \
    "Namespace,Secret,Service,Service,Secret,KongPlugin,KongIngress,Ingress,Secret,KongPlugin,KongIngress,Ingress" \
    "object order"
# Per-service resources from the file (v10: a GPU for stream).
assert_eq "$(jq -r '.[] | select(.kind=="Service" and .metadata.name=="stream") | .spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]' <<<"$OUT")" \
    "1" "stream GPU limit"
assert_eq "$(jq -r '.[] | select(.kind=="Service" and .metadata.name=="validate") | .spec.template.spec.containers[0].resources.requests.memory' <<<"$OUT")" \
    "3G" "validate memory"

# Numbers as strings or numbers, several paths, traffic split by tag.
jq '.stream.concurrency = "2" | .validate.minScale = 3 | .validate.maxScale = "9"
    | .traffic = [{"tag": "7", "percent": "90"}, {"tag": 8, "percent": 10}]
    | .version = 8 | .provideApiKeyAuthForLegacyContainerSupport = false' \
    "$GOOD/staging/v6.config.json" >"$TT_TMP/v6.json"
run_bare render -o json --config "$TT_TMP/v6.json"
assert_rc 0 "render with numbers as strings"
svc() { jq -c --arg s "$1" ".[] | select(.kind==\"Service\" and .metadata.name==\$s) | $2" <<<"$OUT"; }
assert_eq "$(svc stream .spec.template.spec.containerConcurrency)" "2" "stream concurrency"
assert_eq "$(svc stream '.spec.template.spec.containers[0].args[5]')" '"--workers=2"' "stream workers"
assert_eq "$(svc validate '.spec.template.metadata.annotations["autoscaling.knative.dev/minScale"]')" '"3"' "validate minScale"
assert_eq "$(svc validate '.spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]')" '"9"' "validate maxScale"
assert_eq "$(svc stream .spec.traffic)" \
    '[{"percent":90,"revisionName":"stream-7"},{"percent":10,"revisionName":"stream-8"}]' "stream traffic by tag"
assert_eq "$(svc validate .spec.template.metadata.name)" '"validate-8"' "revision name"
assert_eq "$(jq -c '[.[] | select(.kind=="Ingress" and .metadata.name=="route-stream") | .spec.rules[0].http.paths[].path]' <<<"$OUT")" \
    '["/api/text_to_speech/stream","/api/speech_synthesis/v1/text_to_speech/stream"]' "stream paths"
assert_eq "$(jq -r '[.[].kind] | join(",")' <<<"$OUT")" \
    "Namespace,Service,Service,KongPlugin,KongIngress,Ingress,KongPlugin,KongIngress,Ingress" "objects without keys"

# Flags win over the file.
run_bare render -o json --config "$TT_TMP/v6.json" --version 9 --stream-max-scale 40
assert_rc 0 "render --config with flags"
assert_eq "$(svc stream .spec.template.metadata.name)" '"stream-9"' "--version over the file"
assert_eq "$(svc stream '.spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]')" '"40"' "--stream-max-scale over the file"

# Keys on without an API-key file: refused, nothing printed.
run_bare render -o json --config "$GOOD/staging/v6.config.json"
assert_rc 2 "render without an API-key file"
assert_eq "$OUT" "" "stdout without an API-key file"

# A bad file: file:line:column, nothing printed.
jq '.stream.replicas = 2' "$GOOD/staging/v6.config.json" >"$TT_TMP/unknown.json"
run_bare render -o json --config "$TT_TMP/unknown.json" --api-keys "$KEYS"
assert_rc 2 "render of a file with an unknown field"
assert_contains "$ERR" "$TT_TMP/unknown.json:"
assert_contains "$ERR" "replicas"
assert_eq "$OUT" "" "stdout of a bad file"
printf '{"env": "staging",\n "stream": {,}\n' >"$TT_TMP/badjson.json"
run_bare render -o json --config "$TT_TMP/badjson.json"
assert_rc 2 "render of bad JSON"
assert_contains "$ERR" "$TT_TMP/badjson.json:2:"

pass
