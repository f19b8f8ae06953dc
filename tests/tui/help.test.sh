# `?` lists every key of the current view, from the keymap table.
. "$(dirname "$0")/headless-lib.sh"

run_script helpdash fleet-basic.json 100x40 <<'KEYS'
:wait-for "lincoln"
?
KEYS
expect helpdash "Keys of the models view"
expect_line helpdash '^ +s +Sort by the next column'
expect_line helpdash '^ +d +Deploy a release'
expect_line helpdash '^ +c +Switch Kubernetes context'
expect_not helpdash "Roll traffic back"

run_script helpmodel fleet-basic.json 100x40 <<'KEYS'
:wait-for "lincoln"
<Enter>
?
KEYS
expect helpmodel "Keys of the model view"
expect_line helpmodel '^ +r +Roll traffic back'
expect_not helpmodel "Sort by the next column"

# --readonly hides the keys that change the cluster.
run_script helpro fleet-basic.json 100x40 --readonly <<'KEYS'
:wait-for "lincoln"
?
KEYS
expect helpro "Read-only mode"
expect_not helpro "Deploy a release"
