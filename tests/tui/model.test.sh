# Enter opens a model: both services, their revisions, and events with
# warnings first; Enter on a revision shows conditions and pods; l logs.
. "$(dirname "$0")/headless-lib.sh"

run_script model fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "Recent events"
:wait-for "InternalError"
KEYS
expect model "Models > five9-de-de"
expect_line model '^ stream +✓ Ready +latest ready stream-6'
expect_line model '^ validate +✗ Failed .*RevisionFailed'
expect_line model '^validate +validate-6 +✗ Failed +ExitCode1'
expect_line model '^ Warning .*InternalError'

run_script rev fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
<Enter>
:wait-for "stream-2-deployment"
:expect "ContainerHealthy"
l
:wait-for "Booting worker"
t
:wait-for "queue-proxy started"
KEYS
expect rev "stream-2-deployment-7d9f-abcde > logs"
expect rev "probe ok"
expect rev "following"
