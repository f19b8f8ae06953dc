# The dashboard on a screen taller than the first page of models: rows may
# still come below the last one drawn, so no frame is complete (no
# first-paint report) until the held pages go; then it is.
. "$(dirname "$0")/lib.sh"
start_cluster --models 300 --revisions 1 --hold-list-pages
export TTSTUI_REPORT_FIRST_PAINT="$E2E_TMP/first-paint" TTSTUI_REPORT_ALL_LISTED="$E2E_TMP/all-listed"

# 60 lines: 56 rows of models, the first page has 50.
start_tui 160 60
wait_for "loading 50 of ~300 models"
wait_match "^model-0050 "
# Frames after that one (the report follows its frame): open a model, back.
keys Down Enter
wait_for "Models > model-0002"
keys Escape
wait_for "loading 50 of ~300 models"
[ ! -e "$TTSTUI_REPORT_FIRST_PAINT" ] || fail "first paint reported with room for rows still to come"

curl -sf -X POST "$E2E_URL/debug/release-lists" >/dev/null || fail "release-lists failed"
wait_for "300 models"
wait_match "^model-0056 "
end=$(( $(date +%s%N) / 1000000 + 15000 * E2E_SLOW ))
until [ -s "$TTSTUI_REPORT_FIRST_PAINT" ]; do
  [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ] || fail "no first-paint report once the rows fill the screen"
  sleep 0.1
done
quit_tui
pass "no first-paint report while rows may come below the first page; one once they fill the screen"
