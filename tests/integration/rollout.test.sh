#!/usr/bin/env bash
# apply --wait follows the exact revisions of the release: fails fast with
# the reason on a crashing or missing image, and reports a partial result.
source "$(dirname "$0")/lib.sh"
start_demo --ready-delay-ms 2000  # slow enough to see a rollout in progress
CRASH="gcr.io/voice-service-2-313121/speech-api-worker-crashloop@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
MISSING="gcr.io/voice-service-2-313121/speech-api-worker-missing@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

# A good version 1 first, so version 2's failure cannot be confused with it.
run_tt apply $(release_flags r1 1) --yes --wait --timeout 1m
assert_rc 0 "apply of a good version"

start=$SECONDS
run_tt apply $(release_flags r1 2 "$CRASH") --yes --wait --timeout 5m
assert_rc 1 "apply --wait of a crashing image"
N_CHECKS=$((N_CHECKS + 1))
((SECONDS - start < 60)) || fail "a crashing rollout took $((SECONDS - start))s to fail (no fail-fast)"
assert_contains "$OUT" "stream-2: failed"
assert_contains "$OUT" "BackOff"
assert_contains "$ERR" "rollout failed"
# The earlier Ready revision 1 never made the rollout of 2 pass.
assert_not_contains "$OUT" "rollout ready"
run_tt audit -n 1
assert_contains "$OUT" "failed"

run_tt apply $(release_flags r2 1 "$MISSING") --yes --wait --timeout 5m
assert_rc 1 "apply --wait of a missing image"
assert_contains "$OUT" "ImagePullBackOff"
assert_contains "$ERR" "rollout failed"

# Partial: the fixture template crashes only the stream service.
run_tt apply $(release_flags r3 1) --template "$TEST_DATA/cli/partial-stream-crashloop.jsonnet" \
    --yes --wait --timeout 5m
assert_rc 1 "apply --wait of a half-broken release"
assert_contains "$ERR" "rollout partial"
assert_contains "$ERR" "validate-1 ready"
assert_contains "$ERR" "stream-1 failed"

# A --timeout shorter than the rollout ends the wait as "timed out".
run_tt apply $(release_flags r1 3) --yes --wait --timeout 500ms
assert_rc 1 "apply --wait --timeout 500ms"
assert_contains "$ERR" "rollout timed out"
pass
