#!/usr/bin/env bash
# The real kubectl reads the seeded demo cluster: version, namespaces,
# Knative columns, revisions, get all, errors, logs, and a clean SIGTERM.
source "$(dirname "$0")/lib.sh"
dc_start read --ready-delay-ms 300

out=$($K version 2>&1)
expect_contains "$out" "Server Version: v1.32.0" "kubectl version"
pass "kubectl version reports v1.32.0"

out=$($K get ns)
expect_contains "$out" "NAME" "get ns header"
echo "$out" | grep -Eq '^v10 +Active ' || fail "get ns: v10 Active missing"
pass "get ns lists seeded models as Active"

wait_match 20 '^lincoln +stream .* False +RevisionFailed' $K get ksvc -A || fail "lincoln never failed"
wait_match 20 '^happify +stream .* False +RevisionFailed' $K get ksvc -A || fail "happify never failed"
out=$($K get ksvc -A)
head=$(echo "$out" | head -1)
for col in NAMESPACE NAME URL LATESTCREATED LATESTREADY READY REASON; do
  expect_contains "$head" "$col" "get ksvc -A header"
done
echo "$out" | grep -Eq '^v10 +stream +http://stream\.v10\.svc\.cluster\.local +stream-10 +stream-10 +True' \
  || { echo "$out" >&2; fail "v10 stream not Ready True with revision stream-10"; }
echo "$out" | grep -Eq '^happify +stream .* False +RevisionFailed' || fail "happify stream should be failing"
echo "$out" | grep -Eq '^lincoln +stream .* False +RevisionFailed' || fail "lincoln stream should be failing"
pass "get ksvc -A shows Knative columns, healthy and unhealthy models"

out=$($K get revisions -A)
expect_contains "$(echo "$out" | head -1)" "CONFIG NAME" "get revisions header"
expect_contains "$(echo "$out" | head -1)" "ACTUAL REPLICAS" "get revisions header"
echo "$out" | grep -Eq '^v10 +stream-8 +stream +1 +True' || { echo "$out" | grep '^v10' >&2; fail "v10 history stream-8 missing"; }
n=$(echo "$out" | grep -c '^v10 ')
[ "$n" -eq 6 ] || fail "v10 should have 6 revisions (3 per service), has $n"
pass "get revisions -A shows a 3-version history per service"

out=$($K get all -n v10)
for want in pod/stream-10-deployment- service.serving.knative.dev/stream revision.serving.knative.dev/validate-10 \
            configuration.serving.knative.dev/stream route.serving.knative.dev/validate deployment.apps/stream-10-deployment; do
  expect_contains "$out" "$want" "get all -n v10"
done
pass "get all -n v10 covers pods, deployments and the Knative kinds"

out=$($K get ksvc nope -n v10 2>&1 || true)
expect_contains "$out" 'Error from server (NotFound): services.serving.knative.dev "nope" not found' "not found"
out=$($K get ns nope 2>&1 || true)
expect_contains "$out" 'Error from server (NotFound): namespaces "nope" not found' "ns not found"
pass "NotFound errors use the Kubernetes message form"

pods=$($K get pods -n v10 -o name) # whole, then filtered: no early-exit reader under pipefail
pod=$(grep stream-10 <<<"$pods" | sed -n 1p)
[ -n "$pod" ] || fail "no stream-10 pod in v10"
out=$($K logs -n v10 "$pod" -c app)
expect_contains "$out" "Starting gunicorn" "logs"
expect_contains "$out" "POST /api/text_to_speech/stream" "logs access line"
out=$($K logs -n v10 "$pod" -c app --tail=2 | wc -l)
[ "$out" -eq 2 ] || fail "--tail=2 returned $out lines"
pass "logs return gunicorn startup and access lines; tailLines works"

n0=$($K logs -n v10 "$pod" -c app | wc -l)
n1=$(timeout 3.5 $K logs -f -n v10 "$pod" -c app | wc -l || true)
[ "$n1" -gt "$n0" ] || fail "logs -f streamed no new lines ($n0 then $n1)"
pass "logs -f keeps streaming new lines until the client leaves"

pods=$($K get pods -n happify -o name)
cpod=$(grep stream-4 <<<"$pods" | sed -n 1p)
out=$($K get -n happify "$cpod")
expect_contains "$out" "CrashLoopBackOff" "crashloop pod status"
out=$($K get events -n happify)
expect_contains "$out" "BackOff" "crashloop events"
pass "the crashloop model has a CrashLoopBackOff pod and BackOff events"

out=$($K get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version} {.plugin} {.metadata.labels.global}')
[ "$out" = "v10 latest-version-transformer true" ] || fail "latest pin: $out"
pass "the latest pin names v10"

dc_stop
pass "SIGTERM stops the server cleanly"
