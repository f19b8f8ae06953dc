#!/usr/bin/env bash
# Fault: 403 Forbidden on cluster-wide lists (a user with RoleBindings per
# namespace only; demo --forbid-cluster-list). ttstui status says so once
# and falls back to one list per namespace, showing the same models.
source "$(dirname "$0")/lib.sh"

start_demo
run_tt status -o json
assert_rc 0 "status on an unrestricted cluster"
models_all="$(python3 -c 'import json,sys; print(" ".join(sorted(m["model"] for m in json.load(sys.stdin))))' <"$TT_TMP/out")"
check; [[ -n "$models_all" ]] || fail "no models listed"
stop_demo

start_demo --forbid-cluster-list
# the knob answers like a real API server
code=$(curl -s -o "$TT_TMP/body" -w '%{http_code}' "$DEMO_URL/apis/serving.knative.dev/v1/services")
check; [[ "$code" == 403 ]] || fail "cluster-wide list answered $code"
assert_contains "$(cat "$TT_TMP/body")" 'services.serving.knative.dev is forbidden: User \"demo\" cannot list resource \"services\" in API group \"serving.knative.dev\" at the cluster scope'
code=$(curl -s -o /dev/null -w '%{http_code}' "$DEMO_URL/apis/serving.knative.dev/v1/namespaces/v10/services")
check; [[ "$code" == 200 ]] || fail "per-namespace list answered $code"

run_tt status -o json
assert_rc 0 "status with cluster-wide lists forbidden"
assert_lines "$ERR" 1 "stderr"
assert_contains "$ERR" "ttstui status: warning: listing Knative services across all namespaces is forbidden"
assert_contains "$ERR" "listing per namespace instead"
models_ns="$(python3 -c 'import json,sys; print(" ".join(sorted(m["model"] for m in json.load(sys.stdin))))' <"$TT_TMP/out")"
check; [[ "$models_ns" == "$models_all" ]] || fail "per-namespace fallback shows other models: '$models_ns' vs '$models_all'"

run_tt status
assert_rc 0 "status table with cluster-wide lists forbidden"
assert_contains "$OUT" "latest" "pin column"

# one model needs no cluster-wide list at all
run_tt status v10
assert_rc 0 "status MODEL"
check; [[ -z "$ERR" ]] || fail "status MODEL warned: $ERR"
pass
