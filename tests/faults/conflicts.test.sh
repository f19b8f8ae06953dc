#!/usr/bin/env bash
# Fault: 409 Conflict on server-side apply. The seeded services were written
# by another field manager ("kubectl"); with demo --ssa-conflicts an apply
# that changes fields it owns is refused without force, as a real API server
# does. ttstui shows the conflicting fields and the manager, changes nothing
# and audits the failure; --force-conflicts takes the fields over, so the
# release after it needs no force.
source "$(dirname "$0")/lib.sh"

start_demo --ssa-conflicts
before="$(kc get ksvc -n usp stream -o jsonpath='{.metadata.resourceVersion}')"

# --max-scale 32: validate's maxScale (8 live) changes too, so the
# conflict is over more than one field (listed one per line).
run_tt apply $(release_flags usp 4) --max-scale 32 --yes
assert_rc 4 "apply over fields kubectl owns"
assert_contains "$ERR" "Apply failed with"
assert_contains "$ERR" "with \"kubectl\" using serving.knative.dev/v1"
assert_contains "$ERR" "- .spec.template.spec.containers"
assert_contains "$ERR" "apply with force to take them over"
assert_contains "$ERR" "hint: rerun with --force-conflicts"
check; [[ $(grep -o '\.spec\.template\.spec\.containers' <<<"$ERR" | wc -l) == 1 ]] || fail "a conflicting field is listed twice"
assert_contains "$(last_audit)" '"result":"failed"'
assert_contains "$(last_audit)" 'Apply failed with'
after="$(kc get ksvc -n usp stream -o jsonpath='{.metadata.resourceVersion}')"
check; [[ "$before" == "$after" ]] || fail "a refused apply changed the service ($before -> $after)"

run_tt apply $(release_flags usp 4) --yes --force-conflicts --wait --timeout 1m
assert_rc 0 "apply --force-conflicts"
assert_contains "$OUT" "service.serving.knative.dev/stream configured"
assert_contains "$OUT" "rollout ready"
check
[[ "$(kc get ksvc -n usp stream -o jsonpath='{.spec.template.metadata.name}')" == stream-4 ]] ||
    fail "--force-conflicts did not take over spec.template"

# the fields are ttstui's now: the next release needs no force
run_tt apply $(release_flags usp 5) --yes
assert_rc 0 "the next apply, without force"
assert_contains "$OUT" "service.serving.knative.dev/stream configured"
pass
