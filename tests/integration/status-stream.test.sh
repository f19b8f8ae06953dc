#!/usr/bin/env bash
# ttstui status writes each model as soon as the revisions list (paged in
# key order, "namespace/name") is past it. Key order is not name order
# when a name is a prefix of another followed by '-' ("tts-beta/x" <
# "tts/x"): on a cluster seeded with such names, the streamed output must
# be byte for byte what the whole load gives (TTSTUI_STATUS_HOLD=1, the
# diagnostic switch), and each model's object what `status MODEL` gives.
source "$(dirname "$0")/lib.sh"
# 40 revisions a model, 24 models with revisions: 960 revisions, four
# pages of 250. tts-rev, tts-x and b hold only revisions (their Services
# gone), tts-svc only Services, tts-ns and plain are namespaces alone.
# In key order b-a/..., b-c01/... to b-c10/... (400 revisions), then
# b/...: a page passes b-a before any revision of b has come, but b sorts
# before b-a by name, so b-a must wait for b.
extra=tts,tts-beta,tts-beta-2,tts0,tts00,ttsa,tts-svc:services,tts-rev:revisions
extra+=,tts-x:revisions,tts-ns:namespace,plain:namespace,a,a-b,a-b-c,a0,b-a,b:revisions
extra+=,b-c01,b-c02,b-c03,b-c04,b-c05,b-c06,b-c07,b-c08,b-c09,b-c10
start_demo --no-seed --stuck-namespaces --revisions 20 --extra-models "$extra"

# a pinned model and a Terminating one (stuck: a finalizer never clears)
run_tt pin-latest tts-beta --yes
assert_rc 0 "pin-latest tts-beta"
kc delete namespace ttsa --wait=false >/dev/null || fail "kubectl delete namespace ttsa"
for _ in $(seq 1 100); do
    [[ "$(kc get namespace ttsa -o jsonpath='{.status.phase}')" == Terminating ]] && break
    sleep 0.1
done
assert_eq "$(kc get namespace ttsa -o jsonpath='{.status.phase}')" "Terminating" "ttsa phase"

run_tt status -o json
assert_rc 0 "status -o json (streamed)"
cp "$TT_TMP/out" "$TT_TMP/streamed.json"
TTSTUI_STATUS_HOLD=1 run_tt status -o json
assert_rc 0 "status -o json (held)"
cp "$TT_TMP/out" "$TT_TMP/held.json"
check
cmp -s "$TT_TMP/streamed.json" "$TT_TMP/held.json" ||
    fail "streamed status -o json differs from the held one: $(diff "$TT_TMP/held.json" "$TT_TMP/streamed.json" | head -20)"

# what the cluster holds, as the output must show it
S="$TT_TMP/streamed.json"
assert_eq "$(jq -r '[.[].model] | join(" ")' "$S")" \
    "a a-b a-b-c a0 b b-a b-c01 b-c02 b-c03 b-c04 b-c05 b-c06 b-c07 b-c08 b-c09 b-c10 tts tts-beta tts-beta-2 tts-rev tts-svc tts-x tts0 tts00 ttsa" \
    "models in name order (no namespace alone)"
assert_eq "$(jq '[.[].services[].revisions | length] | add' "$S")" \
    "$(kc get revisions -A -o name | wc -l)" "every revision of the cluster"
assert_eq "$(jq -c '.[] | select(.model=="tts-rev") | [.services.stream.present, (.services.stream.revisions | length)]' "$S")" \
    "[false,20]" "tts-rev: revisions without a service"
assert_eq "$(jq -c '.[] | select(.model=="tts-svc") | [.services.stream.present, (.services.stream.revisions | length)]' "$S")" \
    "[true,0]" "tts-svc: a service without revisions"
assert_eq "$(jq -r '[.[] | select(.pinnedLatest) | .model] | join(" ")' "$S")" "tts-beta" "pinned latest"
assert_eq "$(jq -r '[.[] | select(.terminating) | .model] | join(" ")' "$S")" "ttsa" "terminating"
assert_eq "$(jq -r '.[] | select(.model=="tts") | .services.stream.revisions[] | select(.trafficPercent == 100) | .name' "$S")" \
    "stream-20" "the traffic percent on the revision serving"

# each model as `status MODEL` shows it (the held load of one namespace)
for m in $(jq -r '.[].model' "$S"); do
    run_tt status "$m" -o json
    assert_rc 0 "status $m -o json"
    assert_eq "$(jq -c '.[0]' <<<"$OUT")" "$(jq -c --arg m "$m" '.[] | select(.model==$m)' "$S")" \
        "status $m against the streamed output"
done

# the table: rows kept whole, the same rows (AGE aside: the time passes)
no_age() { sed -E 's/ +[0-9]+[smhd]( |$)/ AGE\1/' | tr -s ' '; }
run_tt status
assert_rc 0 "status (streamed)"
streamed_table="$(no_age <<<"$OUT")"
TTSTUI_STATUS_HOLD=1 run_tt status
assert_rc 0 "status (held)"
assert_eq "$streamed_table" "$(no_age <<<"$OUT")" "streamed table against the held one"
assert_eq "$(grep -c . <<<"$streamed_table")" "26" "a header and 25 rows"
pass
