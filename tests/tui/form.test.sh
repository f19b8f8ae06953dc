# The deploy form: prefilled, Tab/Shift-Tab move, readline editing,
# checked as you type.
. "$(dirname "$0")/headless-lib.sh"

run_script form fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:expect "Deploy a release to demo-staging"
:expect "run.deploy.worker:app"
<S-Tab><S-Tab><C-e>!

<Backspace><Tab><C-u>2
KEYS
# the version is prefilled with the next free one, then edited to a taken one
expect form "version 2 already exists for v3"
expect form "next free: 3"
expect form "1 field to fix before the preview"

run_script typing fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
<C-a>My-Model
KEYS
expect typing "model may only hold lowercase letters, digits and '-' (not 'M')"

run_script words fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
new-model<C-w>x
<Tab><Tab><C-u>gcr.io/x/worker:latest
KEYS
expect words "new-x"
expect words "not a digest: a tag can move"
expect words "Ready: Enter shows the preview"
