#!/usr/bin/env bash
# Fault: a write fails in the middle of an apply (demo --fail-kind
# KongIngress: its writes answer 500 InternalError; dry runs pass). ttstui
# stops at the failed object, says exactly which objects were applied and
# which were not, exits 4, and the audit log records the failure and where.
source "$(dirname "$0")/lib.sh"

start_demo --fail-kind KongIngress
rv() { kc get "$@" -o jsonpath='{.metadata.resourceVersion}'; }
ing_before="$(rv ingress -n usp route-validate)"
svc_before="$(rv ksvc -n usp stream)"

run_tt apply $(release_flags usp 4) --yes
assert_rc 4 "apply with KongIngress writes failing"
assert_contains "$ERR" "ttstui apply: applying kongingress.configuration.konghq.com/route-validate-configuration"
assert_contains "$ERR" "injected failure for KongIngress writes"
assert_contains "$ERR" "ttstui apply: applied: namespace/usp, service.serving.knative.dev/validate, service.serving.knative.dev/stream, kongplugin.configuration.konghq.com/route-validate-request-transformer"
assert_contains "$ERR" "ttstui apply: not applied: kongingress.configuration.konghq.com/route-validate-configuration, ingress.networking.k8s.io/route-validate, kongplugin.configuration.konghq.com/route-stream-request-transformer, kongingress.configuration.konghq.com/route-stream-configuration, ingress.networking.k8s.io/route-stream"
assert_contains "$OUT" "service.serving.knative.dev/stream configured"
assert_not_contains "$OUT" "ingress.networking.k8s.io/route-validate configured" "stdout"
assert_not_contains "$OUT" "kongingress.configuration.konghq.com/route-validate-configuration configured" "stdout"
audit="$(last_audit)"
assert_contains "$audit" '"result":"failed"'
assert_contains "$audit" '"version":"4"'
assert_contains "$audit" "stopped after 4 of 9 objects"
# the cluster matches the report
check; [[ "$(kc get ksvc -n usp stream -o jsonpath='{.spec.template.metadata.name}')" == stream-4 ]] ||
    fail "an object reported applied is not"
check; [[ "$(rv ksvc -n usp stream)" != "$svc_before" ]] || fail "stream unchanged"
check; [[ "$(rv ingress -n usp route-validate)" == "$ing_before" ]] || fail "an object reported not applied changed"
pass
