# The dashboard while its lists are still coming: the first page of
# services and namespaces on screen with the loading line, the first-paint
# report written then (its rows are final) and the all-listed one not,
# keys working (cursor, filter, opening a model), and the count at the full
# number once the held pages go (--hold-list-pages holds every page after a
# list's first until POST /debug/release-lists).
. "$(dirname "$0")/lib.sh"
start_cluster --models 300 --revisions 1 --hold-list-pages
export TTSTUI_REPORT_FIRST_PAINT="$E2E_TMP/first-paint" TTSTUI_REPORT_ALL_LISTED="$E2E_TMP/all-listed"

held() { curl -sf "$E2E_URL/debug/requests" | sed -n 's/.*"held": *\([0-9]*\).*/\1/p'; }
wait_file() { # wait_file FILE: until it has content
  local end=$(( $(date +%s%N) / 1000000 + 15000 * E2E_SLOW ))
  until [ -s "$1" ]; do
    [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ] || fail "$1 was not written"
    sleep 0.1
  done
}

start_tui 160 50
# The first page: 100 services (50 models), 500 left: ~300 expected.
wait_for "loading 50 of ~300 models"
# The server answers: connected, while the loading line says how far.
assert_screen "● connected"
[ "$(held)" = 2 ] || fail "expected the services' and namespaces' second pages held, not $(held)"
wait_match "^model-0001 +● pinned"
wait_match "^model-0046 "
refute_screen "model-0051"
# Those 46 rows cannot change any more: the report is written, and the
# one for every model listed is not.
wait_file "$TTSTUI_REPORT_FIRST_PAINT"
ms=$(cat "$TTSTUI_REPORT_FIRST_PAINT")
[[ "$ms" =~ ^[0-9]+$ ]] || fail "first-paint report is not a number of milliseconds: '$ms'"
[ ! -e "$TTSTUI_REPORT_ALL_LISTED" ] || fail "all-listed reported while pages are held"

# Keys while loading: the cursor, a model whose services are in, the filter.
keys Down Down Down Enter
wait_for "Models > model-0004"
keys Escape
wait_for "loading 50 of ~300 models"
keys /
type_text model-00
keys Enter
wait_for "filter: model-00 (50 shown)"

# The rest: the filter takes in the new rows, the count ends at 300.
curl -sf -X POST "$E2E_URL/debug/release-lists" >/dev/null || fail "release-lists failed"
wait_for "filter: model-00 (99 shown)"
keys Escape
wait_for "300 models"
refute_screen "loading"
wait_file "$TTSTUI_REPORT_ALL_LISTED"
all=$(cat "$TTSTUI_REPORT_ALL_LISTED")
[[ "$all" =~ ^[0-9]+$ ]] || fail "all-listed report is not a number: '$all'"
[ "$all" -ge "$ms" ] || fail "every model listed ($all ms) before the first rows were final ($ms ms)"
quit_tui
pass "first page shown while later pages are held (first paint $ms ms, all listed $all ms); keys work while loading"
