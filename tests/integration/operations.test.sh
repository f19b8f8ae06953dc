#!/usr/bin/env bash
# rollback, pin-latest, delete, audit and the review report.
source "$(dirname "$0")/lib.sh"
start_demo

run_tt apply $(release_flags o1 1) --yes --wait --timeout 1m
assert_rc 0 "apply version 1"
run_tt apply $(release_flags o1 2 "$IMG2") --yes --wait --timeout 1m
assert_rc 0 "apply version 2"

# rollback: 100% of traffic to an earlier Ready revision.
run_tt rollback o1 --service both --to-version 1
assert_rc 3 "rollback without a terminal or --yes"
assert_contains "$OUT" "revisionName: stream-1" "rollback diff"
assert_eq "$(kc get ksvc -n o1 stream -o jsonpath='{.spec.traffic[0].latestRevision}')" "true" "traffic before rollback"
run_tt rollback o1 --service both --to-version 1 --yes
assert_rc 0 "rollback --yes"
assert_eq "$(kc get ksvc -n o1 stream -o jsonpath='{.spec.traffic[0].revisionName}={.spec.traffic[0].percent}')" "stream-1=100" "stream traffic"
assert_eq "$(kc get ksvc -n o1 validate -o jsonpath='{.spec.traffic[0].revisionName}={.spec.traffic[0].percent}')" "validate-1=100" "validate traffic"
run_tt rollback o1 --service stream --to-version 1 --yes
assert_rc 0 "rollback to where traffic already goes"
assert_contains "$OUT" "nothing to do"
# status flags a split: validate back on 2 while stream stays on 1.
run_tt rollback o1 --service validate --to-revision validate-2 --yes
assert_rc 0 "rollback of validate alone"
run_tt status o1
assert_contains "$OUT" "stream and validate serve different versions" "status notes"
assert_contains "$OUT" "s:1 v:2" "status traffic column"
run_tt rollback o1 --service stream --to-revision validate-2 --yes
assert_rc 3 "rollback to another service's revision"
run_tt rollback o1 --service stream --to-version 9 --yes
assert_rc 3 "rollback to a missing revision"
assert_contains "$ERR" "stream-9 does not exist"
run_tt rollback o1 --service stream --yes
assert_rc 2 "rollback without a target"
# A revision that is not Ready is refused; nothing changes.
CRASH="gcr.io/voice-service-2-313121/speech-api-worker-crashloop@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
run_tt apply $(release_flags o1 3 "$CRASH") --yes --wait --timeout 1m
assert_rc 1 "apply of a crashing version"
before="$(kc get ksvc -n o1 stream -o jsonpath='{.spec.traffic}')"
run_tt rollback o1 --service stream --to-version 3 --yes
assert_rc 3 "rollback to a failed revision"
assert_contains "$ERR" "not Ready"
assert_eq "$(kc get ksvc -n o1 stream -o jsonpath='{.spec.traffic}')" "$before" "traffic after the refusal"
run_tt status o1
assert_contains "$OUT" "o1" "status after rollback"

# pin-latest: show, set (confirmed with --yes), show again.
run_tt pin-latest
assert_rc 0 "pin-latest (show)"
assert_contains "$OUT" "pinned to model v10"
run_tt pin-latest o1
assert_rc 3 "pin-latest without --yes"
assert_eq "$(kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version}')" "v10" "pin after refusal"
run_tt pin-latest o1 --yes
assert_rc 0 "pin-latest o1 --yes"
assert_eq "$(kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version}')" "o1" "pin after set"
run_tt pin-latest
assert_contains "$OUT" "pinned to model o1"
run_tt pin-latest no-such-model --yes
assert_rc 3 "pin-latest of a missing model"
run_tt status o1 -o json
assert_eq "$(jq -r '.[0].pinnedLatest' <<<"$OUT")" "true" "status shows the pin"

# A review report is deterministic, masked and 0600.
echo '{"NEIL_SPEECH_API_KEY": "report-secret-1", "SAMS_SPEECH_API_KEY": "report-secret-2"}' >"$TT_TMP/keys.json"
R=(--env staging --model o2 --version 1 --image "$IMG" --include-image-api-keys true --api-keys "$TT_TMP/keys.json")
run_tt apply "${R[@]}" --yes
assert_rc 0 "apply o2 with keys"
run_tt apply --env staging --model o2 --version 2 --image "$IMG2" --include-image-api-keys true \
    --api-keys "$TT_TMP/keys.json" --dry-run=server --report "$TT_TMP/r1.txt"
assert_rc 0 "apply --dry-run=server --report"
run_tt apply --env staging --model o2 --version 2 --image "$IMG2" --include-image-api-keys true \
    --api-keys "$TT_TMP/keys.json" --dry-run=server --report "$TT_TMP/r2.txt"
N_CHECKS=$((N_CHECKS + 1))
cmp -s "$TT_TMP/r1.txt" "$TT_TMP/r2.txt" || fail "two reports of the same dry run differ"
assert_eq "$(stat -c %a "$TT_TMP/r1.txt")" "600" "report mode"
assert_contains "$(cat "$TT_TMP/r1.txt")" "parameters"
assert_contains "$(cat "$TT_TMP/r1.txt")" "image: $IMG2"
assert_contains "$(cat "$TT_TMP/r1.txt")" "stringData keys: request-transformer-config; values not shown"
assert_contains "$(cat "$TT_TMP/r1.txt")" "-      name: stream-1"
run_tt diff --env staging --model o2 --version 2 --image "$IMG2" --include-image-api-keys true \
    --api-keys "$TT_TMP/keys.json" --report "$TT_TMP/r3.txt"
assert_rc 1 "diff --report"
assert_no_secret "$TT_TMP/r1.txt" report-secret-1 report-secret-2
assert_no_secret "$TT_TMP/r3.txt" report-secret-1 report-secret-2

# delete: needs the typed name or --yes; --wait until gone.
run_tt delete o2
assert_rc 3 "delete without a terminal or --yes"
assert_not_contains "$ERR" "latest leads nowhere" "delete of a model latest is not pinned to"
# Deleting the model `latest` is pinned to says so in words.
run_tt delete o1 --dry-run=server
assert_rc 0 "delete --dry-run of the pinned model"
assert_contains "$ERR" "\`Accept-Version: latest\` is pinned to this model: after the delete, latest leads nowhere" "delete of the pinned model"
kc get namespace o2 >/dev/null
run_tt delete o2 --yes --wait --timeout 1m
assert_rc 0 "delete --yes --wait"
assert_contains "$OUT" "namespace/o2 gone"
N_CHECKS=$((N_CHECKS + 1))
! kc get namespace o2 >/dev/null 2>&1 || fail "namespace o2 still exists"
echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"plain"}}' | kc create -f - >/dev/null
run_tt delete plain --yes
assert_rc 3 "delete of a namespace that is not a model"
kc get namespace plain >/dev/null
run_tt delete gone-model --yes
assert_rc 4 "delete of a missing model"

# audit: entries for every kind of change, file 0600, -n limits.
run_tt audit -n 100
assert_rc 0 "audit"
for action in apply rollback pin delete; do
    assert_contains "$OUT" " $action" "audit table"
done
assert_contains "$OUT" "refused"
assert_contains "$OUT" "(dry run)"
assert_eq "$(stat -c %a "$AUDIT_LOG")" "600" "audit log mode"
run_tt audit -n 2
assert_eq "$(($(wc -l <<<"$OUT") - 1))" "2" "audit -n 2 rows"
assert_no_secret "$AUDIT_LOG" report-secret-1 report-secret-2

pass
