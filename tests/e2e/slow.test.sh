# A slow cluster (every response 2 s late, more under sanitizers): keys
# are answered while requests hang. The help opens, and closes again, while
# the fleet's lists are still in flight (the header still says connecting),
# and likewise while a model's details are still loading.
. "$(dirname "$0")/lib.sh"
start_cluster --latency-ms $((2000 * E2E_SLOW))
start_tui 140 40
wait_for "connecting"
keys '?'
wait_for "Keys of the models view"
assert_screen "connecting"
keys q
wait_gone "Keys of the models view"
assert_screen "connecting"
refute_screen "viacom"   # the list is still in flight
wait_for "viacom" 30
open_model v10
wait_for "loading..."
keys '?'
wait_for "Keys of the model view"
keys q
wait_gone "Keys of the model view"
assert_screen "loading..."
wait_for "Recent events" 30
quit_tui
pass "keys answered while the fleet's lists and a model's details were in flight"
