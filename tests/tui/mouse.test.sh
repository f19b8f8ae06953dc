# A click selects a row, a double click opens it, the wheel scrolls.
. "$(dirname "$0")/headless-lib.sh"

# rows: 0 header, 1 summary, 2 column titles, 3 five9-de-de, 4 lincoln, 5 v3
run_script click fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
<Click:5,3>
<Enter>
:wait-for "Model v3"
KEYS
expect click "latest is pinned here"

run_script dbl fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
<DoubleClick:4,10>
:wait-for "Model lincoln"
KEYS
expect dbl "Deploying"

run_script wheel fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
<WheelDown:5,3>
<Enter>
:wait-for "Model v3"
KEYS
expect wheel "Model v3"
