# The man pages render without a single warning: groff with every warning
# on, man(1)'s own check, and mandoc's linter where it is installed.
. "$(dirname "$0")/lib.sh"

for page in "$man1" "$man5"; do
  name=${page##*/}
  out=$(groff -t -man -Tutf8 -ww -z "$page" 2>&1) || fail "$name: groff failed"
  [ -z "$out" ] || fail "$name: groff warnings:
$out"
  out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null) || fail "$name: man -l failed"
  [ -z "$out" ] || fail "$name: man --warnings:
$out"
  if command -v mandoc >/dev/null; then
    out=$(mandoc -Tlint -Wwarning "$page" 2>&1) || fail "$name: mandoc -Tlint:
$out"
  fi
  # The rendered page has its sections (a broken macro swallows them).
  text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
  for sec in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    printf '%s\n' "$text" | grep -qx "$sec" || fail "$name: no section $sec when rendered"
  done
done

text=$(MANWIDTH=80 man -l "$man1" 2>/dev/null)
for sec in COMMANDS "RELEASE PARAMETERS" "GLOBAL OPTIONS" DASHBOARD "KEY BINDINGS" FILES \
           ENVIRONMENT "EXIT STATUS" EXAMPLES; do
  printf '%s\n' "$text" | grep -qx "$sec" || fail "ttstui.1: no section $sec when rendered"
done

finish
