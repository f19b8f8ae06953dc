#!/usr/bin/env bash
# Faults: the server rejects an object. Knative's admission webhook denies an
# inverted scale (400 BadRequest) and the API server refuses an invalid name
# (422 Invalid, with causes). For a model that exists, the server-side dry
# run catches it: one line naming the object and the server's reason and
# field, exit 4, nothing changed, audited as failed. For a new model (no
# namespace yet, so no dry run) the apply stops at the rejected object and
# lists what was and was not applied.
source "$(dirname "$0")/lib.sh"
TEMPLATE="${TTSTUI_SOURCE_DIR:?}/core/templates/tts.jsonnet"

start_demo --no-seed
# maxScale pinned to 1: with --min-scale 5 the service is inverted (the
# parameters themselves are valid, so only the server can see it)
sed "s/'autoscaling.knative.dev\/maxScale': s.maxScale/'autoscaling.knative.dev\/maxScale': '1'/" \
    "$TEMPLATE" >"$TT_TMP/inverted.jsonnet"
# KongIngress names that are not RFC 1123 subdomains
sed "s/local kongIngress = 'route-' + s.name + '-configuration';/local kongIngress = 'Route_' + s.name + '_Configuration';/" \
    "$TEMPLATE" >"$TT_TMP/badname.jsonnet"
check; ! cmp -s "$TEMPLATE" "$TT_TMP/inverted.jsonnet" || fail "template edit (scale) did not apply"
check; ! cmp -s "$TEMPLATE" "$TT_TMP/badname.jsonnet" || fail "template edit (name) did not apply"

run_tt apply $(release_flags inv 1) --yes --wait --timeout 1m
assert_rc 0 "first release"
state_before="$(kc get ksvc,kongingress -n inv -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.resourceVersion} {end}')"

# 400 from the Knative webhook, caught by the dry run
run_tt apply $(release_flags inv 2) --min-scale 5 --template "$TT_TMP/inverted.jsonnet" --yes
assert_rc 4 "apply with an inverted scale"
# the maximums not given are kept as live (said first), then the one error
assert_lines "$ERR" 2 "stderr"
assert_eq "$(head -n 1 <<<"$ERR")" "ttstui apply: scale as live (no flag given): stream maxScale 32, validate maxScale 32" \
    "stderr's first line"
assert_contains "$ERR" "server-side dry run of service.serving.knative.dev/"
assert_contains "$ERR" "admission webhook \"validation.webhook.serving.knative.dev\" denied the request"
assert_contains "$ERR" "max-scale=1 is less than min-scale=5"
assert_contains "$ERR" "spec.template.metadata.annotations.autoscaling.knative.dev/max-scale"
assert_not_contains "$OUT" " configured" "stdout"
assert_contains "$(last_audit)" '"result":"failed"'

# 422 Invalid with its cause (field and reason), caught by the dry run
run_tt apply $(release_flags inv 2) --template "$TT_TMP/badname.jsonnet" --min-scale 0 --max-scale 32 --yes
assert_rc 4 "apply with an invalid name"
assert_lines "$ERR" 1 "stderr"
assert_contains "$ERR" "kongingress.configuration.konghq.com/Route_validate_Configuration"
assert_contains "$ERR" "is invalid: metadata.name: Invalid value: \"Route_validate_Configuration\""
assert_contains "$ERR" "RFC 1123"
assert_contains "$(last_audit)" '"result":"failed"'
state_after="$(kc get ksvc,kongingress -n inv -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.resourceVersion} {end}')"
check; [[ "$state_before" == "$state_after" ]] || fail "a rejected apply changed the cluster: $state_before -> $state_after"

# A new model: no namespace, so no dry run for its objects; the apply stops
# at the first rejected object and says what landed.
run_tt apply $(release_flags fresh 1) --template "$TT_TMP/badname.jsonnet" --yes
assert_rc 4 "apply of a new model with an invalid name"
assert_contains "$ERR" "applying kongingress.configuration.konghq.com/Route_validate_Configuration"
assert_contains "$ERR" "metadata.name: Invalid value"
assert_contains "$ERR" "applied: namespace/fresh, service.serving.knative.dev/validate, service.serving.knative.dev/stream, kongplugin.configuration.konghq.com/route-validate-request-transformer"
assert_contains "$ERR" "not applied: kongingress.configuration.konghq.com/Route_validate_Configuration, ingress.networking.k8s.io/route-validate"
assert_contains "$(last_audit)" '"result":"failed"'
assert_contains "$(last_audit)" "stopped after 4 of 9 objects"
kc get kongplugin -n fresh route-validate-request-transformer >/dev/null || fail "an object listed as applied is missing"
check; ! kc get ingress -n fresh route-validate >/dev/null 2>&1 || fail "an object listed as not applied exists"
check
pass
