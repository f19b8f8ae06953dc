#!/usr/bin/env bash
# ttstui status: the table and the JSON schema over the seeded models.
source "$(dirname "$0")/lib.sh"
start_demo

run_tt status
assert_rc 0 "status"
header="$(head -n 1 <<<"$OUT")"
for col in MODEL READY STREAM VALIDATE TRAFFIC IMAGE SCALE AGE PIN NOTES; do
    assert_contains "$header" "$col" "status header"
done
# Seeded models with their readiness and latest ready versions.
assert_contains "$(grep '^synthesia ' <<<"$OUT")" "Ready" "synthesia row"
assert_contains "$(grep '^v10 ' <<<"$OUT")" "latest" "v10 row (pinned latest)"
n_rows=$(($(wc -l <<<"$OUT") - 1))
n_models=$(kc get ksvc -A -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u | wc -l)
assert_eq "$n_rows" "$n_models" "one row per namespace with Knative services (kubectl)"
for m in $(kc get ksvc -A -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u); do
    grep -q "^$m " <<<"$OUT" || fail "model $m missing from the status table"
done

run_tt status -o json
assert_rc 0 "status -o json"
echo "$OUT" >"$TT_TMP/status.json"
N_CHECKS=$((N_CHECKS + 1))
jq -e 'type == "array" and length > 0' "$TT_TMP/status.json" >/dev/null || fail "status -o json is not a non-empty array"
N_CHECKS=$((N_CHECKS + 1))
jq -e 'all(.[]; has("model") and has("ready") and has("pinnedLatest") and has("terminating")
           and (.services | has("stream") and has("validate"))
           and all(.services[]; has("present") and has("ready") and has("latestReadyRevision")
                   and has("traffic") and has("revisions")))' "$TT_TMP/status.json" >/dev/null ||
    fail "status -o json lacks schema keys"
assert_eq "$(jq -r '.[] | select(.model=="v10") | .pinnedLatest' "$TT_TMP/status.json")" "true" "v10 pinnedLatest"
assert_eq "$(jq -r '.[] | select(.model=="synthesia") | .ready' "$TT_TMP/status.json")" "true" "synthesia ready"
assert_eq "$(jq -r '.[] | select(.model=="synthesia") | .services.stream.latestReadyRevision' "$TT_TMP/status.json")" \
    "stream-8" "synthesia stream latest ready"

# serving.knative.dev/rollout-duration: nowhere while no Service sets it;
# set on one service of one model, only that row and service show it
# (NOTES, rolloutDuration); from the cluster, so cleaned for the terminal.
assert_eq "$(jq '[.[].services[] | select(.rolloutDuration != null)] | length' "$TT_TMP/status.json")" \
    "0" "rolloutDuration null everywhere"
run_tt status
assert_not_contains "$OUT" "rollout-duration" "no rollout-duration in NOTES"
kc annotate ksvc stream -n synthesia serving.knative.dev/rollout-duration=380s >/dev/null ||
    fail "kubectl annotate"
run_tt status
assert_rc 0 "status with a rollout-duration"
assert_contains "$(grep '^synthesia ' <<<"$OUT")" "stream rollout-duration 380s" "rollout-duration in NOTES"
assert_eq "$(grep -c 'rollout-duration' <<<"$OUT")" "1" "only the annotated model's row"
assert_not_contains "$OUT" "validate rollout-duration" "validate has none"
run_tt status -o json
assert_eq "$(jq -r '.[] | select(.model=="synthesia") | .services.stream.rolloutDuration' <<<"$OUT")" \
    "380s" "rolloutDuration"
assert_eq "$(jq -r '.[] | select(.model=="synthesia") | .services.validate.rolloutDuration' <<<"$OUT")" \
    "null" "validate rolloutDuration"
assert_eq "$(jq '[.[].services[] | select(.rolloutDuration != null)] | length' <<<"$OUT")" \
    "1" "one service has a rolloutDuration"
kc patch ksvc validate -n synthesia --type merge \
    -p '{"metadata":{"annotations":{"serving.knative.dev/rollout-duration":"9s\u001b]0;owned\u0007\nEVIL"}}}' \
    >/dev/null || fail "kubectl patch"
run_tt status synthesia
assert_rc 0 "status with a hostile rollout-duration"
assert_contains "$OUT" "validate rollout-duration 9s?]0;owned??EVIL" "hostile value cleaned, on one line"
assert_eq "$(wc -l <<<"$OUT")" "2" "header and one row"
N_CHECKS=$((N_CHECKS + 1))
! grep -q $'\e' <<<"$OUT" || fail "escape reached the terminal"
kc annotate ksvc stream validate -n synthesia serving.knative.dev/rollout-duration- >/dev/null ||
    fail "kubectl annotate (remove)"
run_tt status
assert_not_contains "$OUT" "rollout-duration" "removed annotation, nothing shown"

# One model; global flags after the subcommand work too.
run_bare status synthesia --kubeconfig "$KC" -o json
assert_rc 0 "status MODEL"
assert_eq "$(jq -r 'length' <<<"$OUT")" "1" "status MODEL -o json length"
run_tt status no-such-model
assert_rc 4 "status of a missing model"
assert_contains "$ERR" "model no-such-model not found"

# Bad output format and unknown flags are usage errors.
run_tt status -o yaml
assert_rc 2 "status -o yaml"
run_tt status --bogus
assert_rc 2 "status --bogus"
assert_contains "$ERR" "unknown flag --bogus"

# An unreachable cluster is a failure with a reason, not a crash.
sed -E 's#"server": "http://127.0.0.1:[0-9]+"#"server": "http://127.0.0.1:9"#' "$KC" >"$TT_TMP/dead.kubeconfig"
run_bare status --kubeconfig "$TT_TMP/dead.kubeconfig"
assert_rc 4 "status on an unreachable cluster"
assert_contains "$ERR" "ttstui status:"

pass
