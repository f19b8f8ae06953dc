# The deploy form opened while the fleet's lists are still coming proposes
# no version the model already has: model-0084's namespace and its first
# two revisions (stream-1, stream-2) are on the first pages, its services
# and stream-3 are not (--hold-list-pages holds every page after a list's
# first: 100 services, 500 revisions of 6 per model). The form waits for
# them, then proposes 4.
. "$(dirname "$0")/lib.sh"
start_cluster --models 300 --revisions 3 --hold-list-pages

start_tui 160 50
wait_for "loading 50 of ~300 models"
keys :
type_text "deploy model-0084"
keys Enter
wait_for "Deploy > model-0084"
wait_for "loading the model's revisions"
refute_screen "already exists"
screen_matches "Version +[0-9]" && fail "a version proposed before the model's revisions are in"

curl -sf -X POST "$E2E_URL/debug/release-lists" >/dev/null || fail "release-lists failed"
wait_match "Version +4( |$)"
refute_screen "already exists"
refute_screen "loading the model's revisions"
# Filled in as prefilled, not as a change: Esc leaves without asking.
keys Escape
wait_gone "Deploy > model-0084"
quit_tui
pass "the form waits for the model's lists before it proposes a version"
