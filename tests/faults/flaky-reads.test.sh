#!/usr/bin/env bash
# Fault: transient server errors on reads (--fail-rate 0.3 --fail-reads: 30%
# of GETs, lists and discovery answer 500 or 503; --fail-seed fixes which).
# The client retries idempotent requests with backoff, so status and
# apply --wait succeed every time; writes are not failed here (a write is
# never retried: see the unit tests in tests/k8s).
source "$(dirname "$0")/lib.sh"

start_demo --fail-rate 0.3 --fail-reads --fail-seed 7
for i in 1 2 3 4 5 6 7 8 9 10; do
    run_tt status
    assert_rc 0 "status #$i with 30% of reads failing"
    assert_contains "$OUT" "v10" "status #$i table"
done

for v in 1 2 3; do
    run_tt apply $(release_flags flaky "$v") --yes --wait --timeout 2m
    assert_rc 0 "apply --wait of version $v with 30% of reads failing"
    assert_contains "$OUT" "rollout ready" "apply $v stdout"
done
# the injected failures did happen (the server counts what it answered)
injected="$(curl -s "$DEMO_URL/debug/requests" | sed -n 's/.*"injected": *\([0-9]*\).*/\1/p')"
check; (( ${injected:-0} >= 20 )) || fail "only '${injected}' failures were injected"
pass
