# Opening a model: both services, their revisions (the failed one with its
# reason) and the namespace's events, warnings first.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 160 45
wait_for "viacom"
open_model lincoln
wait_for "Recent events"
wait_for " stream   ✗ Failed"
assert_screen " validate ✓ Ready"
for rev in stream-4 stream-3 stream-2 validate-3 validate-2; do assert_screen "$rev"; done
wait_match '^stream +stream-4 +✗ Failed +ContainerMissing'
capture | grep -E '^stream +stream-3 .*100%' >/dev/null || fail "traffic is not shown on stream-3"
wait_match 'Warning .*Failed .*Pod/stream-4-deployment'
quit_tui
pass "model view shows services, revisions and events"
