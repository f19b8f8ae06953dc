# q leaves the terminal clean: alternate screen off, the shell prompt back,
# the exit status 0 and the terminal modes as they were (stty -a).
. "$(dirname "$0")/lib.sh"
start_cluster
start_shell 120 40
keys "stty -a > $E2E_TMP/stty.before" Enter
keys clear Enter
keys "$TTSTUI_BIN --kubeconfig $KC 2>$E2E_TMP/tui.err; echo \"exit=\$?\"" Enter
wait_for "viacom"
[ "$(tm display-message -p -t "$E2E_SESSION" '#{alternate_on}')" = 1 ] ||
  fail "the dashboard is not on the alternate screen"
keys q
wait_for "exit=0"
[ "$(tm display-message -p -t "$E2E_SESSION" '#{alternate_on}')" = 0 ] ||
  fail "the alternate screen is still on after q"
wait_match 'e2e\$ *$'
keys "stty -a > $E2E_TMP/stty.after" Enter
for _ in $(seq 1 50); do [ -s "$E2E_TMP/stty.after" ] && break; sleep 0.1; done
diff "$E2E_TMP/stty.before" "$E2E_TMP/stty.after" >&2 || fail "stty -a differs after quitting"
grep -q ' echo ' "$E2E_TMP/stty.after" && grep -q ' icanon ' "$E2E_TMP/stty.after" ||
  fail "echo/icanon are off after quitting"
pass "q restores the terminal"
