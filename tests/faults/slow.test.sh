#!/usr/bin/env bash
# Fault: slow responses (--latency-ms). With a slow but working server the
# CLI completes (status, apply --wait, delete --wait); with a server slower
# than the client's request limit (30 s) it stops with one clear line.
source "$(dirname "$0")/lib.sh"

start_demo --latency-ms 150
run_tt status
assert_rc 0 "status, 150 ms per response"
assert_contains "$OUT" "v10" "status table"

run_tt apply $(release_flags slowmodel 1) --yes --wait --timeout 2m
assert_rc 0 "apply --wait, 150 ms per response"
assert_contains "$OUT" "rollout ready" "apply stdout"

run_tt delete slowmodel --yes --wait --timeout 2m
assert_rc 0 "delete --wait, 150 ms per response"
assert_contains "$OUT" "namespace/slowmodel gone" "delete stdout"
stop_demo

# Slower than the request limit: every answer takes 35 s.
start_demo --no-seed --latency-ms 35000
run_tt status
assert_rc 4 "status against a server slower than 30 s"
assert_lines "$ERR" 1 "stderr"
assert_contains "$ERR" "did not answer within 30 s"
assert_contains "$ERR" "$DEMO_URL"
assert_le "$SECS" 34 "status against a too slow server took (s)"
pass
