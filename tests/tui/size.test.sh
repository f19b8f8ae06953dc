# Any size works: below the minimum a message says so; resizing back
# shows the dashboard again.
. "$(dirname "$0")/headless-lib.sh"

run_script tiny fleet-basic.json 20x5 <<'KEYS'
:sleep 100
KEYS
expect tiny "Terminal too small:"
expect tiny "need 60x12"

run_script grow fleet-basic.json 20x5 <<'KEYS'
:sleep 100
:resize 100x20
:wait-for "lincoln"
:resize 30x8
:expect "Terminal too small:"
:resize 120x25
KEYS
expect grow "3 models"

run_script narrow fleet-basic.json 60x12 <<'KEYS'
:wait-for "lincoln"
<Enter>
:wait-for "SERVICE"
KEYS
expect narrow "Model five9-de-de"

# At 60x15 the dashboard keeps every column it draws whole: names shrink
# first, then IMAGE, SCALE and AGE go; none is cut in half.
run_script sixty fleet-basic.json 60x15 <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line sixty '^MODEL +LATEST +STREAM +VALIDATE +VERSION +TRAFFIC *$'
expect_not sixty "IMAGE"
expect_not sixty "AGE"
expect_line sixty '^five9-d… '
expect_line sixty '^lincoln '
expect_line sixty '^v3 +● pinned'

# Names shrink (to 10 cells) before any column goes: at 90 columns (92
# with every column at its width) MODEL is cut and IMAGE, SCALE and AGE all
# stay; at 80 AGE and SCALE go and names get their width back.
run_script ninety fleet-basic.json 90x15 <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line ninety '^MODEL +LATEST +STREAM +VALIDATE +VERSION +TRAFFIC +IMAGE +SCALE +AGE *$'
expect_line ninety '^five9-de-… '
run_script eighty fleet-basic.json 80x15 <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line eighty '^MODEL +LATEST +STREAM +VALIDATE +VERSION +TRAFFIC +IMAGE *$'
expect_line eighty '^five9-de-de '
