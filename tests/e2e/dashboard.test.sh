# The dashboard against the demo cluster: every seeded model with its
# readiness words, the connection in the header, and the first-paint report.
. "$(dirname "$0")/lib.sh"
start_cluster
export TTSTUI_REPORT_FIRST_PAINT="$E2E_TMP/first-paint"
start_tui 160 50
wait_for "● connected"
wait_for "viacom"
wait_for "2 failing"
line=$(model_line v10)
case "$line" in *"✓ Ready"*"✓ Ready"*) ;; *) fail "v10 is not shown Ready on both services: $line" ;; esac
case "$(model_line lincoln)" in *"✗ Failed"*) ;; *) fail "lincoln (missing image) is not shown Failed" ;; esac
case "$(model_line happify)" in *"✗ Failed"*) ;; *) fail "happify (crash loop) is not shown Failed" ;; esac
wait_match "^v10 +● pinned"
n=$(capture | grep -cE '✓ Ready +✓ Ready')
[ "$n" -ge 30 ] || fail "only $n models Ready on both services"
assert_screen "35 models"
assert_screen "2 failing"
for _ in $(seq 1 50); do [ -s "$TTSTUI_REPORT_FIRST_PAINT" ] && break; sleep 0.1; done
ms=$(cat "$TTSTUI_REPORT_FIRST_PAINT" 2>/dev/null || true)
[[ "$ms" =~ ^[0-9]+$ ]] || fail "first-paint report is not a number of milliseconds: '$ms'"
[ "$ms" -lt 30000 ] || fail "first complete dashboard took $ms ms"
quit_tui
pass "dashboard lists 35 seeded models with readiness; first complete frame after $ms ms"
