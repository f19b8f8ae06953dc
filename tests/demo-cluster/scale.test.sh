#!/usr/bin/env bash
# Synthetic scale: 500 models x 2 services x 20 revisions (20,000
# revisions; bench/run.sh goes to 1,000 and 5,000): the cluster-wide revision list, unpaged and in kubectl's
# 500-item pages, is complete and consistent. The times are printed for
# reference only (a loaded or sanitizer build is slower); the goal of well
# under a second per response is measured by bench/run.sh, not asserted.
source "$(dirname "$0")/lib.sh"
DC_START_TRIES=3000 dc_start scale --models 500 --revisions 20

url="$DC_URL/apis/serving.knative.dev/v1/revisions"
curl -s -o "$DC_TMP/all.json" "$url"   # warm-up
t=$(curl -s -o "$DC_TMP/all.json" -w '%{time_total}' "$url")
ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
n=$(grep -o '"kind":"Revision"' "$DC_TMP/all.json" | wc -l)
echo "unpaged list of $n revisions: ${ms} ms ($(stat -c %s "$DC_TMP/all.json") bytes)"
[ "$n" -eq 20000 ] || fail "expected 20000 revisions, got $n"
pass "unpaged cluster-wide revision list holds all 20000 revisions (${ms} ms)"

cont="" pages=0 total=0 worst=0
while :; do
  q="limit=500"
  [ -n "$cont" ] && q="$q&continue=$cont"
  t=$(curl -s -o "$DC_TMP/page.json" -w '%{time_total}' "$url?$q")
  ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
  [ "$ms" -gt "$worst" ] && worst=$ms
  pages=$((pages + 1))
  total=$((total + $(grep -o '"kind":"Revision"' "$DC_TMP/page.json" | wc -l)))
  cont=$(sed -n 's/.*"continue":"\([^"]*\)".*/\1/p' "$DC_TMP/page.json")
  [ -n "$cont" ] || break
done
echo "paged: $pages pages, $total revisions, slowest page ${worst} ms"
[ "$total" -eq 20000 ] || fail "pages held $total revisions"
[ "$pages" -eq 40 ] || fail "expected 40 pages, got $pages"
pass "paged revision list (limit=500): 40 pages, all 20000 revisions (slowest page ${worst} ms)"

dc_stop
