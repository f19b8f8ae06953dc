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
