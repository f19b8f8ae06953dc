#!/usr/bin/env bash
# Watches (events, bookmarks, 410 Gone) and the fault knobs: latency,
# fail rate, dropped watches.
source "$(dirname "$0")/lib.sh"

apply_ns() { echo "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$1\"}}" | $K apply --server-side -f - >/dev/null; }
cm() { # name value
  echo "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"$1\",\"namespace\":\"w\"},\"data\":{\"v\":\"$2\"}}" \
    | $K apply --server-side -f - >/dev/null
}

dc_start watch --no-seed --rv-window 5 --bookmark-interval 1
apply_ns w
rv=$(curl -s "$DC_URL/api/v1/namespaces/w/configmaps" | sed -n 's/.*"resourceVersion":"\([0-9]*\)".*/\1/p')
[ -n "$rv" ] || fail "no list resourceVersion"
curl -sN --max-time 4 "$DC_URL/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=$rv&allowWatchBookmarks=true" >"$DC_TMP/watch1" &
cpid=$!
sleep 0.5
cm a 1
wait "$cpid" || true
grep -q '"type":"ADDED".*"name":"a"' "$DC_TMP/watch1" || { cat "$DC_TMP/watch1" >&2; fail "watch missed ADDED"; }
grep -q '"type":"BOOKMARK"' "$DC_TMP/watch1" || fail "no BOOKMARK with allowWatchBookmarks"
pass "watch streams ADDED events and periodic BOOKMARKs"

out=$(curl -sN --max-time 3 "$DC_URL/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=0" || true)
expect_contains "$out" '"type":"ADDED"' "watch from 0 starts with ADDED for existing objects"
pass "watch with resourceVersion=0 starts with synthetic ADDED events"

for i in 1 2 3 4 5 6 7; do cm "c$i" "$i"; done
out=$(curl -sN --max-time 3 "$DC_URL/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=$rv" || true)
expect_contains "$out" '"type":"ERROR"' "old rv"
expect_contains "$out" '"code":410' "old rv"
expect_contains "$out" '"reason":"Expired"' "old rv"
expect_contains "$out" "too old resource version: $rv (" "old rv message"
pass "--rv-window: a watch from an old resourceVersion gets a 410 Expired ERROR event"

$K get configmaps -n w -w --output-watch-events >"$DC_TMP/kwatch" 2>&1 &
kpid=$!
# kubectl lists first (ADDED lines), then watches: change c1 only once the
# list is out, then wait for the MODIFIED line (states, not durations)
for _ in $(seq 1 600); do grep -q 'ADDED' "$DC_TMP/kwatch" && break; sleep 0.05; done
grep -q 'ADDED' "$DC_TMP/kwatch" || { cat "$DC_TMP/kwatch" >&2; fail "kubectl get -w listed nothing"; }
cm c1 changed
for _ in $(seq 1 600); do grep -q 'MODIFIED' "$DC_TMP/kwatch" && break; sleep 0.05; done
kill $kpid 2>/dev/null || true
wait $kpid 2>/dev/null || true
grep -q 'MODIFIED' "$DC_TMP/kwatch" || { cat "$DC_TMP/kwatch" >&2; fail "kubectl get -w saw no change"; }
pass "kubectl get -w sees a change"
dc_stop

dc_start latency --no-seed --latency-ms 400
t0=$(date +%s%N)
curl -s -o /dev/null "$DC_URL/version"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 400 ] || fail "--latency-ms 400 answered in ${ms}ms"
pass "--latency-ms delays responses (${ms}ms)"
dc_stop

dc_start fail --no-seed --fail-rate 1.0
for i in 1 2 3 4; do
  code=$(curl -s -o "$DC_TMP/fbody" -w '%{http_code}' "$DC_URL/api/v1/namespaces")
  case "$code" in 500|503) ;; *) fail "--fail-rate 1.0 gave $code" ;; esac
  grep -q '"kind":"Status"' "$DC_TMP/fbody" || fail "injected failure is not a Status"
done
pass "--fail-rate 1.0 answers 5xx Status objects"
dc_stop

dc_start drop --no-seed --drop-watches-every 1
start=$(date +%s)
curl -sN --max-time 10 "$DC_URL/api/v1/namespaces?watch=1" >/dev/null || true
took=$(( $(date +%s) - start ))
[ "$took" -le 3 ] || fail "--drop-watches-every 1 kept the watch open ${took}s"
pass "--drop-watches-every closes watch streams"
dc_stop
