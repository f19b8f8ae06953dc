# Preview, then the confirm dialog: Cancel is the default; confirming runs
# the apply with progress per object until done. Prod needs typing.
. "$(dirname "$0")/headless-lib.sh"

run_script cancel fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
:expect "secrets masked"
:expect "SAMS_SPEECH_API_KEY: '***'"
a
:expect "Apply v3/3?"
:expect "[ Cancel ]"
<Enter>
KEYS
expect cancel "Cancelled: nothing was changed"
expect cancel "Deploy > v3/3 > preview"

run_script reveal fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
v
KEYS
expect reveal "SECRETS SHOWN"
expect reveal "SAMS_SPEECH_API_KEY: WFhYLXNlY3JldA=="

run_script apply fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
d
:wait-for "+      name: stream-3"
t
:wait-for "Dry-run accepted"
a
<Tab><Enter>
:wait-for "Done"
KEYS
expect_line apply '✓ done +Namespace v3 +applied'
expect_line apply '✓ done +rollout stream-3 +Ready'

run_script prod fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<S-Tab><S-Tab><S-Tab><Space>
<Enter>
:wait-for "kind: Namespace"
a
:expect "PRODUCTION"
:expect "Type v3/3 to confirm"
<Tab><Enter>
:expect "Type the text shown to enable Apply"
v3/3<Enter>
:wait-for "Done"
KEYS
expect prod "Apply v3/3 on demo-staging (prod)"

run_script delete fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/lincoln<Enter>
x
:expect "Type lincoln to confirm"
:expect "Deletes namespace lincoln"
lincoln<Tab><Enter>
:wait-for "Done"
KEYS
expect_line delete 'Namespace lincoln'
