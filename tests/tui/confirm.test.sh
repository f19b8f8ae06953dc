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

# Rollback from the model view and pinning latest from the dashboard.
run_script rollback fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-1"
<Down>
r
:expect "Roll back v3 to version 1: which services?"
:expect "> stream only"
:expect "(unchanged)"
<Down>
:expect "> stream and validate"
<Up>
<Enter>
:expect "Roll back v3/1?"
:expect "Sends 100% of stream traffic to version 1:"
:expect "stream    2:100% → 1:100%"
:expect "validate  2:100% (unchanged)"
<Tab><Enter>
:wait-for "Done"
KEYS
expect_line rollback '✓ done +traffic of stream to version 1'

# Both services, chosen in the same dialog.
run_script rollback-both fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "validate-1"
/validate-1<Enter>
r
:expect "> validate only"
<Down><Enter>
:expect "Sends 100% of stream and validate traffic to version 1:"
<Tab><Enter>
:wait-for "Done"
KEYS
expect_line rollback-both '✓ done +traffic of stream and validate to version 1'

run_script pin fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
<Down>
p
:expect "Pin latest lincoln?"
:expect "Requests for version 'latest' will go to lincoln."
<Right><Enter>
:wait-for "Done"
KEYS
expect pin "KongClusterPlugin latest-pinned-service -> lincoln"

# A rollout that fails says which step and why.
run_script fails fleet-apply-fails.json 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
a
<Tab><Enter>
:wait-for "Failed:"
KEYS
expect_line fails '✓ done +rollout validate-3 +Ready'
expect_line fails '✗ FAILED +rollout stream-3 +ExitCode1: Container failed'
expect fails "Failed: rollout stream-3: ExitCode1"

# Deleting the model `latest` is pinned to warns in words; another does not.
run_script delete-pinned fleet-basic.json 120x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
x
KEYS
expect delete-pinned "Delete v3?"
expect delete-pinned "after the delete, latest leads nowhere"
run_script delete-unpinned fleet-basic.json 120x30 <<'KEYS'
:wait-for "lincoln"
/lincoln<Enter>
x
KEYS
expect delete-unpinned "Delete lincoln?"
expect_not delete-unpinned "latest leads nowhere"
