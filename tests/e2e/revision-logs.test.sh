# A revision's conditions and pods, then the pod's logs: following shows
# new lines as they are written.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 150 40
wait_for "viacom"
open_model v10
wait_for "stream-10"
keys Enter
wait_for "Revision stream-10"
wait_for "Running"
for c in Active ContainerHealthy Ready ResourcesAvailable; do assert_screen "$c"; done
# what it runs (Knative's imageDigest), under what it was asked to run
wait_match '^ Image +gcr\.io/.*@sha256:[0-9a-f]{64}'
wait_match '^ Runs +gcr\.io/.*@sha256:[0-9a-f]{64}'
capture | grep -E '^stream-10-deployment-[a-z0-9-]+ +Running +2/2' >/dev/null ||
  fail "the pod of stream-10 is not listed Running 2/2"
keys l
wait_for "following"
wait_for "POST /api/text_to_speech/stream"
count() { capture | sed -n '2p' | grep -oE '[0-9]+ lines' | grep -oE '[0-9]+'; }
first=$(count)
[ -n "$first" ] || fail "no line count in the logs view"
for _ in $(seq 1 $((150 * E2E_SLOW))); do
  now=$(count)
  [ "${now:-0}" -gt "$first" ] && break
  sleep 0.1
done
[ "${now:-0}" -gt "$first" ] || fail "no new log lines while following ($first lines)"
quit_tui
pass "revision conditions, pods and followed logs ($first -> $now lines)"
