# The deployment files' parts of the dashboard where there is nothing to
# plan with: :plan and the form's C-o/C-r without --deployments say how to
# get them; with a folder but a backend that cannot plan (the fake one), the
# FILES column says "?" and :plan says why, never "planning..." for ever.
. "$(dirname "$0")/headless-lib.sh"

run_script nodir fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
:plan<Enter>
KEYS
expect nodir "No deployment files to plan: start ttstui with --deployments DIR"
expect_not nodir "FILES"

run_script formnodir fleet-basic.json 120x30 <<'KEYS'
:wait-for "lincoln"
d
:wait-for "Deploy a release"
<C-o>
KEYS
expect formnodir "No deployment files: start ttstui with --deployments DIR"

mkdir -p "$out/dep/prod"
run_script fake fleet-basic.json 140x20 --deployments "$out/dep" <<'KEYS'
:wait-for "lincoln"
:expect "FILES"
:plan<Enter>
:wait-for "The plan failed: the fake backend cannot plan deployment files"
KEYS
expect_not fake "planning..."
