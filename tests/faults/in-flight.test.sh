#!/usr/bin/env bash
# Fault: a change whose answer never comes back in time. The client's
# request limit is short (--request-timeout 2s); the demo cluster holds the
# answer to Ingress writes longer (--stall-kind Ingress). A write whose
# answer is lost may or may not have been made: ttstui reads the object
# back and reports what is live, never "not applied" for a change that was
# stored, and "outcome unknown" (exit 4, audit "unknown") when the object is
# not live as sent, or cannot be read back at all (a paused server).
source "$(dirname "$0")/lib.sh"

# 1. The server stores each Ingress, then holds its answer: both are read
# back as live, the apply goes on and succeeds.
start_demo --stall-kind Ingress --stall-ms 60000
run_tt apply $(release_flags landed 1) --yes --request-timeout 2s
assert_rc 0 "apply whose Ingress answers are lost after they were stored"
assert_contains "$OUT" "ingress.networking.k8s.io/route-validate created (its answer was lost; read back: live as sent)"
assert_contains "$OUT" "ingress.networking.k8s.io/route-stream created (its answer was lost; read back: live as sent)"
assert_not_contains "$ERR" "not applied" "stderr"
assert_contains "$(last_audit)" '"result":"ok"'
check; [[ "$(kc get ingress -n landed route-stream -o jsonpath='{.metadata.name}')" == route-stream ]] ||
    fail "the Ingress reported created is not live"
stop_demo

# 2. The server holds the Ingress write and drops it, storing nothing: the
# read-back finds nothing, so its outcome is unknown; what came before is
# applied, what comes after is not.
start_demo --stall-kind Ingress --stall-ms 8000 --stall-before-store
run_tt apply $(release_flags lost 1) --yes --request-timeout 2s
assert_rc 4 "apply whose Ingress write is held and dropped"
assert_contains "$ERR" "ttstui apply: applying ingress.networking.k8s.io/route-validate:"
assert_contains "$ERR" "outcome unknown: a read right after shows it is not live as sent"
assert_contains "$ERR" "ttstui apply: outcome unknown: ingress.networking.k8s.io/route-validate"
assert_contains "$ERR" "ttstui apply: applied: namespace/lost, service.serving.knative.dev/validate,"
assert_contains "$ERR" "ttstui apply: not applied: kongplugin.configuration.konghq.com/route-stream-request-transformer"
assert_not_contains "$ERR" "not applied: ingress.networking.k8s.io/route-validate" "stderr"
audit="$(last_audit)"
assert_contains "$audit" '"result":"unknown"'
assert_contains "$audit" "outcome unknown"
check; ! kc get ingress -n lost route-stream >/dev/null 2>&1 || fail "an object after the unknown one was sent"
# ttstui audit shows the record as unknown
run_tt audit -n 1
assert_rc 0 "audit"
assert_contains "$OUT" "unknown"
stop_demo

# 3. The whole server pauses (SIGSTOP) once it stored the Ingress: neither
# the write's answer nor the read-back comes. The object is reported as
# outcome unknown (it could not be read back), never as not applied, and
# audited unknown; what came before is applied.
start_demo --stall-kind Ingress --stall-ms 120000
set +e
"$TTSTUI_BIN" --kubeconfig "$KC" apply $(release_flags paused 1) --yes --request-timeout 15s \
    </dev/null >"$TT_TMP/out" 2>"$TT_TMP/err" &
TT_PID=$!
set -e
until kc get ingress -n paused route-validate >/dev/null 2>&1; do # stored, its answer held
    kill -0 "$TT_PID" 2>/dev/null || fail "ttstui ended before the Ingress was stored"
    sleep 0.1
done
kill -STOP "$DEMO_PID"
set +e
wait "$TT_PID"
RC=$?
set -e
kill -CONT "$DEMO_PID"
OUT="$(cat "$TT_TMP/out")" ERR="$(cat "$TT_TMP/err")"
assert_rc 4 "apply against a server paused after it stored the Ingress"
assert_contains "$ERR" "outcome unknown: it could not be read back"
assert_contains "$ERR" "ttstui apply: outcome unknown: ingress.networking.k8s.io/route-validate"
assert_contains "$ERR" "ttstui apply: applied: namespace/paused,"
assert_not_contains "$ERR" "not applied: ingress.networking.k8s.io/route-validate" "stderr"
audit="$(last_audit)"
assert_contains "$audit" '"result":"unknown"'
assert_contains "$audit" "could not be read back"
check; [[ "$(kc get ingress -n paused route-validate -o jsonpath='{.metadata.name}')" == route-validate ]] ||
    fail "the Ingress reported as unknown is not live after all"
pass
