#!/usr/bin/env bash
# ttstui traffic: splits between Ready revisions, tags, the split before
# and after, and every refusal on its own (nothing changes after one).
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

run_tt apply $(release_flags t1 1) --yes --wait --timeout 1m
assert_rc 0 "apply version 1"
run_tt apply $(release_flags t1 2 "$IMG2") --yes --wait --timeout 1m
assert_rc 0 "apply version 2"

split_of() { # SERVICE: "rev=percent[:tag] ..." of spec.traffic
    kc get ksvc -n t1 "$1" -o jsonpath='{range .spec.traffic[*]}{.revisionName}={.percent}{":"}{.tag}{" "}{end}'
}

# Without a terminal or --yes: shown, refused, nothing changed.
before_s="$(split_of stream)"
run_tt traffic t1 1=90 2=10
assert_rc 3 "traffic without a terminal or --yes"
assert_contains "$OUT" "stream   latest:100% -> 1:90% 2:10%" "split before and after"
assert_contains "$OUT" "validate latest:100% -> 1:90% 2:10%" "split before and after"
assert_contains "$OUT" "revisionName: stream-2" "diff"
assert_eq "$(split_of stream)" "$before_s" "stream traffic after the refusal"

run_tt traffic t1 1=90 2=10 --dry-run=server
assert_rc 0 "traffic --dry-run=server"
assert_contains "$OUT" "nothing was stored"
assert_eq "$(split_of stream)" "$before_s" "stream traffic after the dry run"

run_tt traffic t1 1=90 2=10 --yes
assert_rc 0 "traffic --yes"
assert_eq "$(split_of stream)" "stream-1=90: stream-2=10: " "stream split"
assert_eq "$(split_of validate)" "validate-1=90: validate-2=10: " "validate split"
assert_contains "$(last_audit)" '"action":"traffic"' "audit action"
assert_contains "$(last_audit)" '"version":"1:90% 2:10%"' "audit split"
assert_contains "$(last_audit)" '"result":"ok"' "audit result"

run_tt traffic t1 2=10 1=90 --yes
assert_rc 0 "the same split again (another order)"
assert_contains "$OUT" "nothing to do" "same split"

# One service, with a tag; the other keeps its split.
run_tt traffic t1 1=50 2=50 --service stream --tag 2=canary --yes
assert_rc 0 "traffic --service stream --tag"
assert_eq "$(split_of stream)" "stream-1=50: stream-2=50:canary " "stream split with a tag"
assert_eq "$(split_of validate)" "validate-1=90: validate-2=10: " "validate untouched"
# Only the tag changes: not "nothing to do".
run_tt traffic t1 1=50 2=50 --service stream --yes
assert_rc 0 "the tag removed"
assert_eq "$(split_of stream)" "stream-1=50: stream-2=50: " "stream split without the tag"
# A tag on a revision without traffic.
run_tt traffic t1 1=100 2=0 --service stream --tag 2=next --yes
assert_rc 0 "a tag at 0%"
assert_eq "$(split_of stream)" "stream-1=100: stream-2=0:next " "a tag at 0%"

# Knative's rollout-duration is shown where set.
kc annotate ksvc -n t1 stream serving.knative.dev/rollout-duration=380s >/dev/null
run_tt traffic t1 1=80 2=20 --service stream --dry-run=server
assert_rc 0 "dry run with rollout-duration"
assert_contains "$OUT" "stream has serving.knative.dev/rollout-duration 380s" "rollout-duration"
run_tt traffic t1 1=80 2=20 --service validate --dry-run=server
assert_not_contains "$OUT" "rollout-duration" "validate has none"

# Refusals, each on its own; nothing changes.
before_s="$(split_of stream)"; before_v="$(split_of validate)"
run_tt traffic t1 1=50 2=40 --yes
assert_rc 2 "percentages adding up to 90"
assert_contains "$ERR" "the percentages add up to 90, not 100 (1=50, 2=40)"
run_tt traffic t1 1=60 2=41 --yes
assert_rc 2 "percentages adding up to 101"
assert_contains "$ERR" "add up to 101, not 100"
run_tt traffic t1 1=101 --yes
assert_rc 2 "a percentage over 100"
assert_contains "$ERR" "'1=101': the percentage must be a whole number from 0 to 100"
run_tt traffic t1 1=-5 2=105 --yes
assert_rc 2 "a negative percentage"
run_tt traffic t1 1=100 1=0 --yes
assert_rc 2 "a version twice"
assert_contains "$ERR" "version 1 is named twice"
run_tt traffic t1 1=100 --tag 2=x --yes
assert_rc 2 "a tag on a version outside the split"
assert_contains "$ERR" "version 2 is not in the split"
run_tt traffic t1 1=100 --tag 1=Bad_Tag --yes
assert_rc 2 "a tag that is no DNS label"
run_tt traffic t1 --yes
assert_rc 2 "no split"
assert_contains "$ERR" "traffic needs the split after the MODEL"
run_tt traffic t1 1=90 9=10 --yes
assert_rc 3 "a revision that does not exist"
assert_contains "$ERR" "revision stream-9 does not exist in model t1"
run_tt traffic t1 1=90 2=10 --yes --readonly
assert_rc 3 "--readonly"
assert_contains "$ERR" "read-only"
# A failed revision and one still progressing (Ready=Unknown) cannot take
# traffic.
CRASH="gcr.io/voice-service-2-313121/speech-api-worker-crashloop@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
run_tt apply $(release_flags t1 3 "$CRASH") --yes --wait --timeout 1m
assert_rc 1 "apply of a crashing version"
HOLD="gcr.io/voice-service-2-313121/speech-api-worker-progressing@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
run_tt apply $(release_flags t1 4 "$HOLD") --yes
assert_rc 0 "apply of a version that stays progressing"
before_s="$(split_of stream)"; before_v="$(split_of validate)"
run_tt traffic t1 1=90 3=10 --yes
assert_rc 3 "a failed revision"
assert_contains "$ERR" "revision stream-3 is not Ready (Ready False, ExitCode1)"
run_tt traffic t1 1=90 4=10 --yes
assert_rc 3 "a progressing revision"
assert_contains "$ERR" "revision stream-4 is not Ready (Ready Unknown"
run_tt rollback t1 --service stream --to-version 4 --yes
assert_rc 3 "rollback to a progressing revision"
assert_contains "$ERR" "revision stream-4 is not Ready (Ready Unknown"
assert_eq "$(split_of stream)" "$before_s" "stream traffic after the refusals"
assert_eq "$(split_of validate)" "$before_v" "validate traffic after the refusals"
assert_contains "$(last_audit)" '"result":"refused"' "refusals are audited"

# A namespace whose Knative services are not stream or validate is no
# ttstui model: delete refuses it and leaves it be.
kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: other-app}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: web, namespace: other-app}
spec:
  template:
    spec:
      containers: [{image: "$IMG"}]
YAML
run_tt delete other-app --yes
assert_rc 3 "delete of a namespace that is not a model"
assert_contains "$ERR" "namespace other-app holds no Knative service stream or validate"
assert_eq "$(kc get namespace other-app -o jsonpath='{.status.phase}')" "Active" "other-app after the refusal"

echo "traffic: $N_CHECKS checks passed"
