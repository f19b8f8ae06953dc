# A cluster whose reads hang (--hold-reads: every GET waits until the test
# releases it): keys are answered while requests are in flight. The help
# opens, and closes again, while the fleet's lists are held (the header
# still says connecting), and likewise while a model's details are held.
# The test holds and releases the reads itself, so nothing races a delay.
. "$(dirname "$0")/lib.sh"
reads() { # hold|release
  curl -sf -X POST "$E2E_URL/debug/$1-reads" >/dev/null || fail "$1-reads failed"
}
start_cluster --hold-reads
start_tui 140 40
wait_for "connecting"
keys '?'
wait_for "Keys of the models view"
assert_screen "connecting"
keys q
wait_gone "Keys of the models view"
assert_screen "connecting"
refute_screen "viacom"   # the lists are still held
reads release
wait_for "viacom" 30
reads hold
open_model v10
wait_for "loading..."
keys '?'
wait_for "Keys of the model view"
keys q
wait_gone "Keys of the model view"
assert_screen "loading..."
reads release
wait_gone "loading..." 30
quit_tui
pass "keys answered while the fleet's lists and a model's details were in flight"
