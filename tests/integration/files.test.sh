#!/usr/bin/env bash
# The fleet as files on the demo cluster: plan of the 79 shared deployment
# files and of broken copies (each fault on its own: bad JSON, an unknown
# field, env not matching its folder, two files for one model), export →
# plan in sync, apply -f in waves with the version rule, --keep-going,
# --prune behind a typed confirmation, and a bad file stopping everything.
source "$(dirname "$0")/lib.sh"
TTY="$(dirname "$0")/confirm-tty.py"
GOOD="$TEST_DATA/deployments/good"
start_demo

state_of() { # JSON MODEL → state
    jq -r --arg m "$2" '.[] | select(.model == $m) | .state' <<<"$1"
}
ver() { kc get ksvc -n "$1" stream -o jsonpath='{.spec.template.metadata.name}'; }

# ---- plan of the shared files -----------------------------------------------
cp -r "$GOOD" "$TT_TMP/shared"
run_tt plan "$TT_TMP/shared" --env prod -o json
assert_rc 1 "plan of the shared files (drift: the demo has no API keys)"
assert_eq "$(jq length <<<"$OUT")" 35 "prod files planned"
assert_eq "$(jq -r '[.[].env] | unique | join(",")' <<<"$OUT")" "prod" "env of every line"
assert_eq "$(jq -r '[.[].context] | unique | join(",")' <<<"$OUT")" "demo" "context of every line"
assert_eq "$(state_of "$OUT" five9-de-de)" "changes" "five9-de-de"
assert_eq "$(jq -r '.[] | select(.model=="five9-de-de") | .changes | join(";")' <<<"$OUT")" \
    "legacy API-key auth false → true" "five9-de-de in words"
assert_eq "$(jq -r '.[] | select(.model=="v10") | .file' <<<"$OUT")" "$TT_TMP/shared/prod/v10.config.json" "file of v10"
assert_contains "$ERR" "44 files of other environments left out"
# staging files against this cluster: the staging-only models are not deployed
run_tt plan "$TT_TMP/shared/staging" --env staging -o json
assert_rc 1 "plan of the staging files"
assert_eq "$(state_of "$OUT" v11)" "not-deployed" "v11 (staging only)"
assert_eq "$(jq -r '.[] | select(.model=="v11") | .changes | length' <<<"$OUT")" 0 "no changes for a model not deployed"
# the table form: one line per model and a count
run_tt plan "$TT_TMP/shared/prod"
assert_rc 1 "plan (table)"
assert_lines "$OUT" 37 "header, 35 models, count"
assert_contains "$OUT" "0 in sync, 35 with changes, 0 not deployed, 0 not in files (env prod)"
# no --env and files of two environments: a usage error naming them
run_tt plan "$TT_TMP/shared"
assert_rc 2 "plan of two environments without --env"
assert_contains "$ERR" "prod, staging"

# ---- broken copies: each fault alone, exit 2, nothing compared -----------------
broken() { # NAME: a fresh copy of the prod files in $TT_TMP/b-NAME
    rm -rf "$TT_TMP/b-$1"
    cp -r "$GOOD/prod" "$TT_TMP/b-$1"
    mkdir -p "$TT_TMP/b-$1-root"
    rm -rf "$TT_TMP/b-$1-root/prod"
    mv "$TT_TMP/b-$1" "$TT_TMP/b-$1-root/prod"
    B="$TT_TMP/b-$1-root"
}
expect_bad() { # WHAT TEXT...
    local what="$1"; shift
    run_tt plan "$B" --env prod
    assert_rc 2 "plan with $what"
    assert_eq "$OUT" "" "stdout of plan with $what"
    for t in "$@"; do assert_contains "$ERR" "$t" "plan with $what"; done
    assert_contains "$ERR" "nothing was compared"
}
broken badjson
printf '{\n  "env": "prod",\n  "model": "usp",,\n}\n' >"$B/prod/usp.config.json"
expect_bad "bad JSON" "$B/prod/usp.config.json:3:"
broken unknown
jq '.stream.replicas = 3' "$GOOD/prod/usp.config.json" >"$B/prod/usp.config.json"
expect_bad "an unknown field" "$B/prod/usp.config.json:" "replicas"
broken envfolder
jq '.env = "staging"' "$GOOD/prod/usp.config.json" >"$B/prod/usp.config.json"
expect_bad "env not matching its folder" "$B/prod/usp.config.json" 'does not match its folder "prod"'
broken twice
cp "$GOOD/prod/usp.config.json" "$B/prod/usp-copy.config.json"
expect_bad "two files for one model" "two files for model usp"
# two bad files: both reported
broken two
echo '{' >"$B/prod/usp.config.json"
jq '.imageEntrypoint = 7' "$GOOD/prod/v9.config.json" >"$B/prod/v9.config.json"
expect_bad "two bad files" "$B/prod/usp.config.json:" "$B/prod/v9.config.json:" "2 bad files"

# ---- export → plan in sync --------------------------------------------------------
run_tt export five9-de-de usp v9 viacom mitel-de --to "$TT_TMP/exp" --env prod
assert_rc 0 "export of five models"
assert_contains "$OUT" "5 models exported"
assert_eq "$(jq -r .model "$TT_TMP/exp/prod/usp.config.json")" "usp" "exported model"
assert_eq "$(jq -r .env "$TT_TMP/exp/prod/usp.config.json")" "prod" "exported env"
run_tt plan "$TT_TMP/exp" -o json
assert_rc 1 "plan after export (other live models are not in the files)"
assert_eq "$(jq -r '[.[] | select(.file != null) | .state] | unique | join(",")' <<<"$OUT")" "in-sync" "every exported file"
assert_eq "$(jq '[.[] | select(.file != null)] | length' <<<"$OUT")" 5 "exported files planned"
# all models: the ones whose services run different versions are named, exit 4
run_tt export --to "$TT_TMP/all" --env prod
assert_rc 4 "export of every model"
assert_contains "$ERR" "happify: stream and validate differ in version"
run_tt plan "$TT_TMP/all" -o json
assert_eq "$(jq -r '[.[] | select(.file != null) | .state] | unique | join(",")' <<<"$OUT")" "in-sync" "every exported file (all)"
assert_eq "$(state_of "$OUT" happify)" "not-in-files" "happify (not exported)"
run_tt export nosuchmodel --to "$TT_TMP/none" --env prod
assert_rc 2 "export of a model that does not exist"
assert_contains "$ERR" "no model nosuchmodel"

# ---- apply -f ------------------------------------------------------------------------
T="$TT_TMP/apply"
mkdir -p "$T"
cp -r "$TT_TMP/exp/prod" "$T/prod"
bump() { # MODEL VERSION: bump the file's version and its traffic
    jq --arg v "$2" '.version = $v | .traffic = [{"tag": $v, "percent": 100}] | .stream.maxScale = "40"' \
        "$T/prod/$1.config.json" >"$T/x" && mv "$T/x" "$T/prod/$1.config.json"
}
# a version not bumped: refused with the next free version, nothing changed
jq '.stream.maxScale = "40"' "$T/prod/five9-de-de.config.json" >"$T/x" && mv "$T/x" "$T/prod/five9-de-de.config.json"
bump usp 4
rv_before="$(ksvc_state five9-de-de stream)"
usp_before="$(ksvc_state usp stream)"
run_tt apply -f "$T" --yes --concurrency 1
assert_rc 3 "apply -f with a version not bumped"
assert_contains "$OUT" "five9-de-de refused"
assert_contains "$OUT" "release it as version 4"
assert_contains "$OUT" "usp skipped"
assert_contains "$OUT" "0 applied, 0 unchanged, 1 refused, 0 failed, 1 skipped"
assert_eq "$(ksvc_state five9-de-de stream)" "$rv_before" "five9-de-de untouched"
assert_eq "$(ksvc_state usp stream)" "$usp_before" "usp not started"
assert_eq "$(grep -c '"model":"usp".*not started' "$AUDIT_LOG")" 1 "skipped model audited"
# --keep-going: the rest still goes
usp_prev="$(kc get ksvc stream -n usp -o jsonpath='{.status.latestReadyRevisionName}')"
run_tt apply -f "$T" --yes --concurrency 1 --keep-going --wait
assert_rc 3 "apply -f --keep-going"
assert_contains "$OUT" "usp applied"
assert_eq "$(ver usp)" "stream-4" "usp released"
assert_contains "$OUT" "1 applied, 0 unchanged, 1 refused, 0 failed, 0 skipped"
# waves: four models bumped, two at a time, each followed to Ready
cp "$TT_TMP/exp/prod/five9-de-de.config.json" "$T/prod/"
bump v9 7; bump viacom 4; bump mitel-de 4; bump five9-de-de 4
n_audit=$(wc -l <"$AUDIT_LOG")
no_gc() { kc get revision "$2" -n "$1" -o jsonpath='{.metadata.labels.serving\.knative\.dev/no-gc}'; }
v9_prev="$(kc get ksvc validate -n v9 -o jsonpath='{.status.latestReadyRevisionName}')"
[[ -n $v9_prev && -n $usp_prev ]] || fail "no previous revisions to protect"
run_tt apply -f "$T" --yes --concurrency 2 --wait --protect-previous
assert_rc 0 "apply -f in waves"
# --protect-previous: each model's revision that served before is kept from GC
assert_eq "$(no_gc v9 "$v9_prev")" "true" "v9's previous validate revision protected"
assert_eq "$(no_gc usp "$usp_prev")" "" "usp (applied without --protect-previous) not protected"
assert_eq "$(grep -c '^\[[1-4]/4\] .* applied: version' <<<"$OUT")" 4 "progress lines"
assert_contains "$OUT" "4 applied, 0 unchanged, 0 refused, 0 failed, 0 skipped"
for m in v9:7 viacom:4 mitel-de:4 five9-de-de:4; do
    assert_eq "$(ver "${m%%:*}")" "stream-${m##*:}" "${m%%:*} released"
done
assert_eq "$(( $(wc -l <"$AUDIT_LOG") - n_audit ))" 4 "one audit entry per model"
run_tt plan "$T" -o json
assert_eq "$(jq -r '[.[] | select(.file != null) | .state] | unique | join(",")' <<<"$OUT")" "in-sync" "in sync after apply -f"
# nothing to do: nothing asked, exit 0
run_tt apply -f "$T"
assert_rc 0 "apply -f with everything in sync"
assert_contains "$OUT" "nothing to do"
# without --yes and no terminal: refused, nothing changed
bump usp 5
run_tt apply -f "$T"
assert_rc 3 "apply -f without a terminal to confirm on"
assert_eq "$(ver usp)" "stream-4" "usp unchanged without confirmation"
# a bad file anywhere: nothing applied
echo '{"env": ' >"$T/prod/zz-broken.config.json"
run_tt apply -f "$T" --yes
assert_rc 2 "apply -f with a bad file"
assert_contains "$ERR" "zz-broken.config.json:"
assert_contains "$ERR" "nothing was applied"
assert_eq "$(ver usp)" "stream-4" "usp unchanged with a bad file in the tree"
rm "$T/prod/zz-broken.config.json"
cp "$TT_TMP/exp/prod/usp.config.json" "$T/prod/usp.config.json"
bump usp 4

# ---- --prune ------------------------------------------------------------------------------
# files of another environment only: --prune would delete everything, refused
run_tt apply -f "$TT_TMP/shared/staging" --env prod --prune --yes
assert_rc 2 "--prune with no file of the env"
assert_contains "$ERR" "every model would be deleted"
kc get namespace v9 >/dev/null || fail "v9 deleted by a prune with no files of the env"
P="$TT_TMP/prune"
mkdir -p "$P/prod"
cp "$TT_TMP/all/prod/"*.json "$P/prod/"
cp "$T/prod/"*.json "$P/prod/"
rm "$P/prod/usp.config.json" "$P/prod/v8.config.json"
# happify and lincoln (not exportable) are not in the files either
run_tt apply -f "$P" --prune
assert_rc 3 "--prune without a terminal"
assert_contains "$OUT" "  - usp: not in the files, deleted by --prune"
kc get namespace usp >/dev/null || fail "usp deleted without confirmation"
check
out="$(python3 "$TTY" "Type 'delete 4'" "delete 3" "$TTSTUI_BIN" --kubeconfig "$KC" apply -f "$P" --prune)" && fail "wrong typed answer accepted"
assert_contains "$out" "happify"
assert_contains "$out" "v8"
kc get namespace v8 >/dev/null || fail "v8 deleted after a wrong answer"
check
out="$(python3 "$TTY" "Type 'delete 4'" "delete 4" "$TTSTUI_BIN" --kubeconfig "$KC" apply -f "$P" --prune)" || fail "prune with the typed answer failed: $out"
assert_contains "$out" "4 deleted"
for m in usp v8 happify lincoln; do
    phase="$(kc get namespace "$m" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    check
    [[ -z "$phase" || "$phase" == Terminating ]] || fail "$m not deleted (phase $phase)"
    assert_contains "$(grep "\"model\":\"$m\"" "$AUDIT_LOG" | tail -1)" '"action":"delete"'
done
kc get namespace v9 >/dev/null || fail "v9 (in the files) deleted"

pass
