#!/usr/bin/env bash
# Fault: slow responses (--latency-ms). With a slow but working server the
# CLI completes (status, apply --wait, delete --wait); with a server slower
# than the client's request limit it stops with one clear line.
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

# Slower than the request limit (--request-timeout 2s; the default 30 s
# is the same code): every answer takes 10 s.
start_demo --no-seed --latency-ms 10000
run_tt status --request-timeout 2s
assert_rc 4 "status against a server slower than the request limit"
assert_lines "$ERR" 1 "stderr"
assert_contains "$ERR" "did not answer within 2 s"
assert_contains "$ERR" "$DEMO_URL"
assert_le "$SECS" 9 "status against a too slow server took (s)"
pass
