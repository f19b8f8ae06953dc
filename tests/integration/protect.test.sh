#!/usr/bin/env bash
# apply --protect-previous: the revisions that served before the release
# get serving.knative.dev/no-gc=true (Knative's GC never removes them), so
# a rollback to them survives; the new ones are not labelled.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

run_tt apply $(release_flags gc 1) --yes --wait
assert_rc 0 "apply gc/1"
run_tt apply $(release_flags gc 2 "$IMG2") --yes --wait --protect-previous
assert_rc 0 "apply gc/2 --protect-previous"
assert_contains "$OUT" "revision stream-1 protected from garbage collection (serving.knative.dev/no-gc)"
assert_contains "$OUT" "revision validate-1 protected from garbage collection"
label() { kc get revision -n gc "$1" -o jsonpath='{.metadata.labels.serving\.knative\.dev/no-gc}'; }
assert_eq "$(label stream-1)" "true" "stream-1's no-gc label"
assert_eq "$(label validate-1)" "true" "validate-1's no-gc label"
assert_eq "$(label stream-2)" "" "the new revision is not labelled"
# without the flag nothing is labelled
run_tt apply $(release_flags gc 3) --yes --wait
assert_rc 0 "apply gc/3"
assert_eq "$(label stream-2)" "" "stream-2 without --protect-previous"
assert_not_contains "$OUT" "protected from garbage collection"
# a young revision is no GC risk: rolling back to it warns of nothing
run_tt rollback gc --service both --to-version 1 --yes
assert_rc 0 "rollback to gc/1"
assert_not_contains "$ERR" "garbage collection"
pass
