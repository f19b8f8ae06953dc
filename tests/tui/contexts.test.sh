# c lists contexts; Enter switches; the header follows.
. "$(dirname "$0")/headless-lib.sh"

run_script ctx fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
c
:wait-for "demo-prod"
:expect "● current"
<Down><Enter>
:wait-for "ctx demo-prod"
:wait-for "0 models"
KEYS
expect ctx "env  prod"
expect ctx "0 models"

run_script cmd fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
:nosuch<Enter>
KEYS
expect cmd "Unknown command ':nosuch'"

# A context the settings give no env: the header drops the old one.
jq '.contexts += [{"name": "demo-readonly", "cluster": "demo", "namespace": "default"}]' \
  "$data/fleet-basic.json" >"$out/three-contexts.json"
run_script noenv "$out/three-contexts.json" 100x20 <<'KEYS'
:wait-for "lincoln"
:ctx demo-prod<Enter>
:wait-for "ctx demo-prod"
:expect "env  prod"
:ctx demo-readonly<Enter>
:wait-for "ctx demo-readonly"
KEYS
expect_not noenv "prod"
expect_line noenv 'env -'
