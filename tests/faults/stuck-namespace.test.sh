#!/usr/bin/env bash
# Fault: a namespace stuck Terminating (demo --stuck-namespaces: content
# with a finalizer that never clears). delete --wait prints the phase and
# what holds it (the namespace's conditions: the finalizer first), stops
# at --timeout with a message naming both, exits 1 (timed out), and the
# audit log records it; a second delete says it is already being deleted.
source "$(dirname "$0")/lib.sh"

start_demo --stuck-namespaces
run_tt delete usp --yes --wait --timeout 3s
assert_rc 1 "delete --wait on a namespace that never goes"
assert_contains "$OUT" "namespace/usp deleted"
assert_contains "$OUT" "namespace/usp phase Terminating"
assert_lines "$ERR" 1 "stderr"
assert_contains "$OUT" "namespace/usp waiting: Some content in the namespace has finalizers remaining: demo.example.com/never in 1 resource instances; Some resources are remaining: configmaps."
assert_contains "$ERR" "ttstui delete: timed out after 3s waiting for namespace usp to go (still Terminating: Some content in the namespace has finalizers remaining: demo.example.com/never in 1 resource instances;"
assert_le "$SECS" 6 "delete --wait --timeout 3s took (s)"
assert_contains "$(last_audit)" '"action":"delete"'
assert_contains "$(last_audit)" '"result":"failed"'
assert_contains "$(last_audit)" "timed out"

check; [[ "$(kc get ns usp -o jsonpath='{.status.phase}')" == Terminating ]] || fail "namespace not Terminating"

run_tt delete usp --yes
assert_rc 0 "delete again"
assert_contains "$OUT" "namespace/usp is already being deleted"

run_tt status usp
assert_rc 0 "status of a terminating model"
assert_contains "$OUT" "Terminating"
pass
