# c lists contexts; Enter switches; the header follows.
. "$(dirname "$0")/headless-lib.sh"

run_script ctx fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
c
:wait-for "demo-prod"
:expect "● current"
<Down><Enter>
:wait-for "ctx demo-prod"
KEYS
expect ctx "env  prod"
expect ctx "0 models"

run_script cmd fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
:nosuch<Enter>
KEYS
expect cmd "Unknown command ':nosuch'"
