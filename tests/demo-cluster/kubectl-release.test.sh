#!/usr/bin/env bash
# Releasing with the real kubectl: server-side apply (dry-run and real),
# client-side apply, wait for Ready, revision name reuse refused, a crashing
# image never Ready, namespace deletion.
source "$(dirname "$0")/lib.sh"
dc_start release --no-seed --ready-delay-ms 300

render() { # model version image [minscale]
  sed -e "s/MODEL/$1/g; s/VERSION/$2/g; s#IMAGE#$3#g; s/MINSCALE/${4:-0}/g; s/MAXSCALE/4/g" \
    "$TTSTUI_TEST_DATA/demo-seed/release-template.yaml" > "$DC_TMP/$1-$2.yaml"
  echo "$DC_TMP/$1-$2.yaml"
}
IMG1=gcr.io/demo/worker@sha256:1111111111111111111111111111111111111111111111111111111111111111
IMG2=gcr.io/demo/worker@sha256:2222222222222222222222222222222222222222222222222222222222222222

# (kubectl create namespace sends protobuf, which the demo cluster does not decode)
echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"m1"}}' | $K apply --server-side -f - >/dev/null
f=$(render m1 1 "$IMG1")
out=$($K apply --server-side --dry-run=server -f "$f")
expect_contains "$out" "service.serving.knative.dev/stream serverside-applied (server dry run)" "dry run"
out=$($K get ksvc -n m1 2>&1)
expect_contains "$out" "No resources found" "dry run stores nothing"
[ -z "$($K get revisions -n m1 -o name)" ] || fail "dry run created revisions"
pass "apply --server-side --dry-run=server stores nothing"

out=$($K apply --server-side -f "$f")
expect_contains "$out" "service.serving.knative.dev/validate serverside-applied" "apply"
expect_contains "$out" "ingress.networking.k8s.io/route-stream serverside-applied" "apply"
$K wait --for=condition=Ready ksvc/stream -n m1 --timeout=30s >/dev/null
$K wait --for=condition=Ready ksvc/validate -n m1 --timeout=30s >/dev/null
out=$($K get ksvc stream -n m1 -o jsonpath='{.status.latestReadyRevisionName} {.status.traffic[0].percent} {.status.url}')
[ "$out" = "stream-1 100 http://stream.m1.svc.cluster.local" ] || fail "status after apply: $out"
out=$($K get ksvc stream -n m1 -o jsonpath='{.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}')
[ "$out" = "kubectl Apply" ] || fail "managedFields: $out"
pass "apply --server-side creates services that become Ready (wait --for=condition=Ready)"

f2=$(render m1 2 "$IMG2")
$K apply --server-side -f "$f2" >/dev/null
$K wait --for=condition=Ready ksvc/stream -n m1 --timeout=30s >/dev/null
wait_match 10 'stream-2 +True' $K get ksvc stream -n m1 -o 'custom-columns=R:.status.latestReadyRevisionName,S:.status.conditions[?(@.type=="Ready")].status' \
  || fail "stream-2 not ready"
out=$($K get rev -n m1 -l serving.knative.dev/service=stream -o 'custom-columns=N:.metadata.name,S:.metadata.labels.serving\.knative\.dev/routingState' --no-headers)
expect_contains "$out" "stream-1   reserve" "old revision routing"
expect_contains "$out" "stream-2   active" "new revision routing"
pass "a new version rolls out: new revision active, old one reserve"

bad=$(render m1 2 "$IMG1")
out=$($K apply --server-side -f "$bad" 2>&1 || true)
expect_contains "$out" "Saw the following changes without a name change" "name reuse"
expect_contains "$out" "Containers[0].Image" "name reuse diff"
pass "reusing a revision name with a changed image is refused by the webhook"

# client-side apply (GET, then POST or a merge patch with last-applied)
f=$(render m2 1 "$IMG1")
out=$($K apply -f "$f")
expect_contains "$out" "service.serving.knative.dev/stream created" "client-side apply create"
f2=$(render m2 2 "$IMG2")
out=$($K apply -f "$f2")
expect_contains "$out" "service.serving.knative.dev/stream configured" "client-side apply update"
$K wait --for=condition=Ready ksvc/stream -n m2 --timeout=30s >/dev/null
out=$($K get ksvc stream -n m2 -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].args[3]}')
[ "$out" = "$IMG2 --timeout=3600" ] || fail "client-side apply result: $out"
pass "client-side kubectl apply creates and updates"

f=$(render m3 1 gcr.io/demo/worker-crashloop:1)
$K apply --server-side -f "$f" >/dev/null
if $K wait --for=condition=Ready ksvc/stream -n m3 --timeout=4s >/dev/null 2>&1; then
  fail "a crashloop image became Ready"
fi
out=$($K get ksvc stream -n m3)
expect_contains "$out" "RevisionFailed" "crashloop reason"
out=$($K get rev stream-1 -n m3 -o jsonpath='{.status.conditions[?(@.type=="ContainerHealthy")].reason}')
[ "$out" = "ExitCode1" ] || fail "ContainerHealthy reason: $out"
pass "a crashloop image never becomes Ready and says why"

f=$(render m4 1 gcr.io/demo/worker-missing:1)
$K apply --server-side -f "$f" >/dev/null
wait_match 10 'ContainerMissing' $K get rev stream-1 -n m4 || fail "missing image: no ContainerMissing"
wait_match 10 'ImagePullBackOff' $K get pods -n m4 || fail "missing image: no ImagePullBackOff pod"
pass "a missing image gives ContainerMissing and ImagePullBackOff"

out=$($K apply --server-side -f - 2>&1 <<'YAML' || true
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: stream, namespace: m1}
spec:
  template:
    metadata: {name: other-9}
    spec: {containers: [{image: x}]}
YAML
)
expect_contains "$out" 'must have prefix "stream-"' "prefix rule"
pass "a template name without the service prefix is refused"

out=$($K delete ns m2 2>&1)
expect_contains "$out" 'namespace "m2" deleted' "delete ns"
out=$($K get ns m2 2>&1 || true)
expect_contains "$out" 'namespaces "m2" not found' "namespace gone"
[ -z "$($K get rev -n m2 -o name 2>/dev/null)" ] || fail "revisions left in m2"
pass "delete ns completes and removes everything inside"

dc_stop
