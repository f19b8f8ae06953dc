# `/` filters live as you type; Esc clears; `s` sorts by the next column.
. "$(dirname "$0")/headless-lib.sh"

run_script filt fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
/FIVE
:expect "filter: FIVE (1 shown)"
:expect-not "lincoln"
<Esc>
:expect "lincoln"
/linc<Enter>
KEYS
expect filt "filter: linc (1 shown)"
expect_line filt '^lincoln'
expect_not filt "five9-de-de"

run_script sort fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
S
KEYS
expect sort "sort: MODEL (reversed)"
# reversed by name: v3 comes first
first=$(grep -E '^(v3|lincoln|five9-de-de) ' "$out/sort.screen" | sed -n 1p)
[[ $first == "v3 "* ]] ||
  { echo "FAIL: v3 is not first when reversed" >&2; screen sort >&2; exit 1; }

# After Enter the filter stays; Esc clears it and does not quit, and a
# further Esc on the plain dashboard does not quit either (q does).
run_script esc fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
/linc<Enter>
:expect "filter: linc (1 shown)"
<Esc>
:expect "five9-de-de"
:expect-not "filter: linc"
<Esc>
:expect "q quits"
KEYS
expect esc "lincoln"
expect esc "v3"
