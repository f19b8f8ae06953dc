#!/usr/bin/env bash
# apply --canary: a gradual rollout. Bad step lists and flags, a first
# release refused, a good rollout through every split, and the traffic
# put back when the new revisions never become Ready, stop being Ready or
# restart during a step, or when the command is interrupted. Failures are made by changing the cluster's state
# (kubectl); the failing steps hold for 10 minutes, so only the health
# check can end them: the test waits for states, never for the hold.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

split_of() { # MODEL SERVICE: "rev=percent ..." of spec.traffic ("latest=100" for latestRevision)
    kc get ksvc -n "$1" "$2" -o jsonpath='{range .spec.traffic[*]}{.revisionName}{"="}{.percent}{" "}{end}' |
        sed 's/^=/latest=/'
}
served_by() { # MODEL SERVICE: "rev=percent ..." of status.traffic
    kc get ksvc -n "$1" "$2" -o jsonpath='{range .status.traffic[*]}{.revisionName}{"="}{.percent}{" "}{end}'
}

# ttstui in the background (output in bg.out and bg.err).
start_tt() {
    setsid "$TTSTUI_BIN" --kubeconfig "$KC" "$@" </dev/null >"$TT_TMP/bg.out" 2>"$TT_TMP/bg.err" &
    BG=$!
}
# Until the background ttstui has printed TEXT (bounded: a failure, never a pass).
wait_output() {
    local limit=$(( $(date +%s) + 60 ))
    until grep -qF -- "$1" "$TT_TMP/bg.out"; do
        if ! kill -0 "$BG" 2>/dev/null; then
            cat "$TT_TMP/bg.out" "$TT_TMP/bg.err" >&2
            fail "ttstui ended before printing '$1'"
        fi
        (( $(date +%s) <= limit )) || { kill "$BG"; fail "no '$1' within 60 s"; }
        sleep 0.05
    done
}
# Until the background ttstui has ended; sets RC, OUT and ERR.
wait_tt() {
    local limit=$(( $(date +%s) + 60 ))
    while kill -0 "$BG" 2>/dev/null; do
        (( $(date +%s) <= limit )) || { kill "$BG"; fail "ttstui still running after 60 s"; }
        sleep 0.05
    done
    set +e
    wait "$BG"
    RC=$?
    set -e
    OUT="$(cat "$TT_TMP/bg.out")"
    ERR="$(cat "$TT_TMP/bg.err")"
    cp "$TT_TMP/bg.out" "$TT_TMP/out"
    cp "$TT_TMP/bg.err" "$TT_TMP/err"
}
# Until `served_by MODEL SERVICE` is WANT (the controller routes after the patch; bounded).
wait_served() {
    local limit=$(( $(date +%s) + 60 ))
    until [[ "$(served_by "$1" "$2")" == "$3" ]]; do
        (( $(date +%s) <= limit )) || fail "$2 of $1 serves '$(served_by "$1" "$2")', not '$3'"
        sleep 0.1
    done
    check
}
# The line number of the first line of OUT holding TEXT.
line_of() { grep -nF -- "$1" <<<"$OUT" | head -n 1 | cut -d: -f1; }
# Revision REV of MODEL stops being Ready (as a crashing container makes it).
revision_fails() {
    kc patch revision -n "$1" "$2" --subresource=status --type=merge \
        -p '{"status":{"conditions":[{"type":"Ready","status":"False","reason":"ExitCode1","message":"worker exited: boom"}]}}' >/dev/null
}

# ---- bad flags: exit 2, nothing sent --------------------------------------------
for bad in "10,50|the last step must be 100 (all the traffic on the new revision), not 50" \
           "50,10,100|the steps must increase (10 after 50)" \
           "10,10,100|the steps must increase (10 after 10)" \
           "0,100|0 is not a percentage from 1 to 100" \
           "10,101|101 is not a percentage from 1 to 100" \
           "10,x,100|'x' is not a percentage" \
           "10,50,100,|a step is missing after the last comma" \
           "|give the percentages of the steps"; do
    run_tt apply $(release_flags c1 1) --yes --canary "${bad%%|*}"
    assert_rc 2 "--canary '${bad%%|*}'"
    assert_contains "$ERR" "${bad#*|}" "--canary '${bad%%|*}'"
done
run_tt apply $(release_flags c1 1) --canary 10,100 --dry-run=server
assert_rc 2 "--canary with a dry run"
assert_contains "$ERR" "--canary: a dry run moves no traffic"
run_tt apply $(release_flags c1 1) --yes --step 1s
assert_rc 2 "--step without --canary"
assert_contains "$ERR" "--step: the hold of each step of a gradual rollout goes with --canary"
run_tt apply $(release_flags c1 1) --yes --canary 10,100 --step 0s
assert_rc 2 "--step 0s"
assert_contains "$ERR" "--step"
run_tt diff $(release_flags c1 1) --canary 10,100
assert_rc 2 "--canary is a flag of apply only"
assert_contains "$ERR" "--canary is not a flag of 'ttstui diff'"
assert_eq "$(kc get namespaces -o name | grep -c '^namespace/c1$' || true)" 0 "nothing created"

# ---- a first release has nothing to keep the traffic on: refused ------------------
run_tt apply $(release_flags c1 1) --yes --canary 10,100 --step 1s
assert_rc 3 "a first release with --canary"
assert_contains "$ERR" "model c1 has no Knative service"
assert_contains "$ERR" "a first release has no previous revision to keep the traffic on"
assert_eq "$(kc get namespaces -o name | grep -c '^namespace/c1$' || true)" 0 "nothing created"
assert_contains "$(last_audit)" '"result":"refused"' "audit of the refusal"

run_tt apply $(release_flags c1 1) --yes --wait --timeout 1m
assert_rc 0 "version 1 without --canary"

# ---- a good rollout: every split in order, then the release's own traffic --------
run_tt apply $(release_flags c1 2 "$IMG2") --yes --canary 10,50,100 --step 1s --timeout 1m
assert_rc 0 "a good canary"
assert_contains "$OUT" "stream: all traffic stays on stream-1 while stream-2 starts (0%)"
assert_contains "$OUT" "validate: all traffic stays on validate-1 while validate-2 starts (0%)"
for svc in stream validate; do
    l10=$(line_of "$svc: 10% to $svc-2, 90% to $svc-1")
    l50=$(line_of "$svc: 50% to $svc-2, 50% to $svc-1")
    l100=$(line_of "$svc: 100% to $svc-2")
    [[ -n "$l10" && -n "$l50" && -n "$l100" ]] || fail "$svc: a split is missing"
    assert_le "$l10" "$l50" "$svc: 10% before 50%"
    assert_le "$l50" "$l100" "$svc: 50% before 100%"
done
assert_contains "$OUT" "step 3 of 3, holding 1s:"
assert_contains "$OUT" "gradual rollout done (10%, 50%, 100%): all the traffic on validate-2, stream-2"
assert_eq "$(split_of c1 stream)" "latest=100 " "stream after the canary: the release's traffic"
assert_eq "$(split_of c1 validate)" "latest=100 " "validate after the canary"
wait_served c1 stream "stream-2=100 "
assert_contains "$(last_audit)" '"result":"ok"' "audit of the canary"
assert_contains "$(last_audit)" 'gradual rollout done (10%, 50%, 100%)' "audit of the canary"
# what the canary left is what the release renders: nothing to do
run_tt diff $(release_flags c1 2 "$IMG2")
assert_rc 0 "diff after the canary"

# ---- the new revisions never become Ready: the traffic stays back ------------------
start_tt apply $(release_flags c1 3 "${IMG/speech-api-worker@/speech-api-worker-progressing@}") --yes --canary 50,100 --step 10m --timeout 10m
wait_output "stream-3: progressing" # the revision exists
assert_eq "$(split_of c1 stream)" "stream-2=100 stream-3=0 " "held on the previous revision while stream-3 starts"
wait_output "validate-3: progressing"
revision_fails c1 stream-3
revision_fails c1 validate-3
wait_tt
assert_rc 4 "the new revision failed before any step"
assert_contains "$ERR" "gradual rollout failed: rollout"
assert_contains "$ERR" "rollout failed: validate-3 failed (ExitCode1); stream-3 failed (ExitCode1)"
assert_contains "$ERR" "the traffic is back on the previous revisions: validate 100% to validate-2, stream 100% to stream-2"
assert_not_contains "$OUT" "step 1 of" "no step"
assert_eq "$(split_of c1 stream)" "stream-2=100 " "stream back on stream-2"
assert_eq "$(split_of c1 validate)" "validate-2=100 " "validate back on validate-2"
assert_contains "$(last_audit)" '"result":"failed"' "audit of the failure"
assert_contains "$(last_audit)" 'gradual rollout failed: rollout' "audit of the failure"

# ---- not Ready any more during a step: back to 100% previous at once ------------
start_tt apply $(release_flags c1 4) --yes --canary 10,50,100 --step 10m --timeout 1m
wait_output "stream: 10% to stream-4, 90% to stream-2"
assert_eq "$(split_of c1 stream)" "stream-2=90 stream-4=10 " "stream during step 1"
assert_eq "$(split_of c1 validate)" "validate-2=90 validate-4=10 " "validate during step 1"
revision_fails c1 stream-4
wait_tt
assert_rc 4 "stream-4 stopped being Ready during a step"
assert_contains "$ERR" "gradual rollout failed: at 10%: revision stream-4 is not Ready (Ready False, ExitCode1: worker exited: boom)"
assert_contains "$ERR" "the traffic is back on the previous revisions"
assert_not_contains "$OUT" "50% to stream-4" "no second step"
assert_eq "$(split_of c1 stream)" "stream-2=100 " "stream back on stream-2"
assert_eq "$(split_of c1 validate)" "validate-2=100 " "validate back on validate-2"
assert_contains "$(last_audit)" '"result":"failed"' "audit of the failure"
assert_contains "$(last_audit)" 'at 10%: revision stream-4 is not Ready' "audit says why"

# ---- a container restarts during a step: back as well ----------------------------
start_tt apply $(release_flags c1 5 "$IMG2") --yes --canary 25,100 --step 10m --timeout 1m
wait_output "validate: 25% to validate-5, 75% to validate-2"
assert_eq "$(split_of c1 validate)" "validate-2=75 validate-5=25 " "validate during step 1"
pod=$(kc get pods -n c1 -l serving.knative.dev/revision=validate-5 -o name | head -n 1)
[[ -n "$pod" ]] || fail "no pod of validate-5"
kc patch -n c1 "$pod" --subresource=status --type=json \
    -p '[{"op":"replace","path":"/status/containerStatuses/0/restartCount","value":2}]' >/dev/null
wait_tt
assert_rc 4 "a container restarted during a step"
assert_contains "$ERR" "gradual rollout failed: at 25%: revision validate-5: a container of pod ${pod#pod/} restarted 2 times"
assert_eq "$(split_of c1 stream)" "stream-2=100 " "stream back on stream-2"
assert_eq "$(split_of c1 validate)" "validate-2=100 " "validate back on validate-2"
assert_contains "$(last_audit)" 'restarted 2 times' "audit says why"

# ---- interrupted during a step: the traffic goes back before it ends ---------------
start_tt apply $(release_flags c1 6) --yes --canary 30,100 --step 10m --timeout 1m
wait_output "stream: 30% to stream-6, 70% to stream-2"
assert_eq "$(split_of c1 stream)" "stream-2=70 stream-6=30 " "stream during step 1"
kill -TERM "$BG"
wait_tt
assert_rc 4 "interrupted"
assert_contains "$ERR" "gradual rollout failed: at 30%: interrupted by SIGTERM"
assert_eq "$(split_of c1 stream)" "stream-2=100 " "stream back on stream-2"
assert_eq "$(split_of c1 validate)" "validate-2=100 " "validate back on validate-2"
assert_contains "$(last_audit)" 'interrupted by SIGTERM' "audit says why"

pass
