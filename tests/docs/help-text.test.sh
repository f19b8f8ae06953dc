# `ttstui --help` is one text, not the CLI's usage followed by the
# dashboard's: one usage, each section once and in order (commands, the
# dashboard's flags, the flags both take, exit statuses), each flag defined
# once; -h and `ttstui help` print the same text.
. "$(dirname "$0")/lib.sh"

# problems TEXT: one line a way TEXT is not one coherent help text
problems() {
  local text=$1 n prev=0 section line
  n=$(printf '%s\n' "$text" | grep -c '^Usage: ' || true)
  [ "$n" -eq 1 ] || echo "$n usage lines"
  for section in 'Commands:' 'Dashboard flags (no COMMAND):' \
                 'Flags of the dashboard and of every command' 'Exit status:'; do
    n=$(printf '%s\n' "$text" | grep -c -F -- "$section" || true)
    [ "$n" -eq 1 ] || echo "section '$section' $n times"
    line=$(printf '%s\n' "$text" | grep -n -F -m1 -- "$section" | cut -d: -f1)
    [ -n "$line" ] && [ "$line" -gt "$prev" ] || echo "section '$section' out of order"
    prev=${line:-$prev}
  done
  # each flag in the left column of one option line only
  printf '%s\n' "$text" |
    awk '/^ +-/ { sub(/^ +/, ""); n = index($0, "  "); print (n ? substr($0, 1, n - 1) : $0) }' |
    grep -o -- '--[a-z][a-z0-9-]*' | sort | uniq -d | sed 's/^/defined twice: /'
}

help=$("$TTSTUI_BIN" --help 2>"${TMPDIR:-/tmp}/ttstui-help-err.$$") || fail "ttstui --help exited non-zero"
err=$(cat "${TMPDIR:-/tmp}/ttstui-help-err.$$"); rm -f "${TMPDIR:-/tmp}/ttstui-help-err.$$"
[ -z "$err" ] || fail "ttstui --help wrote to stderr: $err"
out=$(problems "$help")
[ -z "$out" ] || fail "ttstui --help is not one text: $out"
for flag in --theme --ascii --deployments --kubeconfig --context --readonly --request-timeout; do
  printf '%s\n' "$help" | long_flags | grep -qx -- "$flag" || fail "ttstui --help does not define $flag"
done
[ "$("$TTSTUI_BIN" -h)" = "$help" ] || fail "ttstui -h differs from ttstui --help"
[ "$("$TTSTUI_BIN" help)" = "$help" ] || fail "ttstui help differs from ttstui --help"

# the check bites: the CLI's usage followed by a dashboard usage
dash=$(printf 'Usage: ttstui [flags]\n\nDashboard flags (no COMMAND):\n  --theme NAME  a theme\n  --kubeconfig FILE  kubeconfig\n')
out=$(problems "$help"$'\n'"$dash")
case "$out" in *"2 usage lines"*) ;; *) fail "the check misses a second usage: $out" ;; esac
case "$out" in *"defined twice: --kubeconfig"*) ;; *) fail "the check misses a flag defined twice: $out" ;; esac
case "$out" in *"section 'Dashboard flags (no COMMAND):' 2 times"*) ;; *) fail "the check misses a section twice: $out" ;; esac
out=$(problems "$(printf '%s\n' "$help" | sed 's/^Commands:/Cmds:/')"$'\n'"Commands:")
[ -z "$out" ] && fail "the check misses a section out of order"
finish
