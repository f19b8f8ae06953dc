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

# Long text can be read: w wraps the reasons, conditions and events, the
# lists' cells; logs scroll sideways.
long="Container failed with a very long explanation that goes on well past the edge of any screen END-OF-REASON"
jq --arg m "$long" '
  (.objects[] | select(.kind == "Service" and .metadata.namespace == "five9-de-de" and .metadata.name == "validate")
   | .status.conditions[0].message) = $m
  | .details["five9-de-de"].events[0].message = ("event " + $m)
  | .logs["stream-2-deployment-7d9f-abcde/app"][0] = ("[INFO] " + $m)' \
  "$data/fleet-basic.json" >"$out/long.json"
run_script cut "$out/long.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "InternalError"
KEYS
expect_not cut "END-OF-REASON"
run_script wrapped "$out/long.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "InternalError"
w
KEYS
# both the service's reason and the event's message, whole
[ "$(grep -c 'END-OF-REASON' "$out/wrapped.screen")" -ge 2 ] ||
  { echo "FAIL: w does not show the whole reason and event" >&2; screen wrapped >&2; exit 1; }

run_script dash-wrap fleet-basic.json 60x15 <<'KEYS'
:wait-for "lincoln"
w
KEYS
expect_line dash-wrap '^five9-de '
expect_line dash-wrap '^-de *$'

run_script logs-side "$out/long.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
<Enter>
:wait-for "stream-2-deployment"
l
:wait-for "Listening at"
:expect-not "END-OF-REASON"
<Right><Right><Right><Right><Right><Right><Right><Right><Right><Right>
:expect "END-OF-REASON"
<Left><Left><Left><Left><Left><Left><Left><Left><Left><Left>
:expect-not "END-OF-REASON"
w
KEYS
expect logs-side "END-OF-REASON"
expect logs-side "[INFO] Container failed"

# Enter on an event or a condition shows its whole text: Tab moves the
# cursor from the list to the events (conditions), Enter opens the one
# under it, Esc comes back; the rows are cut at the edge before.
jq --arg m "$long" '
  (.objects[] | select(.kind == "Revision" and .metadata.namespace == "v3" and .metadata.name == "stream-2")
   | .status.conditions[2]) |= (.reason = "ProbeSlow" | .message = ("condition " + $m))
  | .details["five9-de-de"].events[1].message = ("second event " + $m)' \
  "$out/long.json" >"$out/long2.json"
run_script event-detail "$out/long2.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "InternalError"
:expect-not "END-OF-REASON"
<Tab>
<Down>
<Enter>
:wait-for "second event"
KEYS
expect event-detail "five9-de-de > event"
expect event-detail "second event Container failed"
expect event-detail "END-OF-REASON"
expect_line event-detail "^ *Type: +Normal"
run_script event-back "$out/long2.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "InternalError"
<Tab>
<Down>
<Enter>
:wait-for "second event"
<Esc>
:wait-for "Recent events"
<Tab>
<Enter>
:wait-for "CONDITION"
KEYS
# after Tab back to the revisions, Enter opens the revision, not an event
expect_line event-back "^ Revision stream-6"

run_script cond-detail "$out/long2.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
<Enter>
:wait-for "ContainerHealthy"
:expect-not "END-OF-REASON"
<Tab>
<Down>
<Down>
<Enter>
:wait-for "Condition:"
KEYS
expect_line cond-detail "^ *Condition: +ContainerHealthy"
expect_line cond-detail "^ *Reason: +ProbeSlow"
expect cond-detail "END-OF-REASON"

# Wrapped (w), a condition's message keeps its own lines, and no line runs
# past the edge: a traceback's last words are all on the screen.
jq '(.objects[] | select(.kind == "Revision" and .metadata.namespace == "v3" and .metadata.name == "stream-2")
   | .status.conditions[2]) |= (.reason = "ExitCode1" | .message =
     "Container failed with: Traceback (most recent call last):\n  File \"/app/run/deploy/worker.py\", line 12, in <module>\n    import lib.audio\nModuleNotFoundError: No module named lib.audio\n[ERROR] Worker failed to boot WORKER-END")' \
  "$data/fleet-basic.json" >"$out/traceback.json"
run_script cond-lines "$out/traceback.json" 80x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
<Enter>
:wait-for "ContainerHealthy"
w
KEYS
expect_line cond-lines '^ {20,}ModuleNotFoundError: No module named lib\.audio *$'
expect_line cond-lines '^ {20,}\[ERROR\] Worker failed to boot WORKER-END *$'
expect_line cond-lines '^ {20,}import lib\.audio *$'

# serving.knative.dev/rollout-duration (the Service's annotation): shown on
# the line of the service that sets it and in its revisions' view, nowhere
# else; cleaned for the terminal (it comes from the cluster).
jq '(.objects[] | select(.kind == "Service" and .metadata.namespace == "v3" and .metadata.name == "stream")
     | .metadata.annotations["serving.knative.dev/rollout-duration"]) = "380s\u001b[31m"' \
  "$data/fleet-basic.json" >"$out/rollout.json"
run_script rollout "$out/rollout.json" 160x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
KEYS
expect_line rollout '^ stream +✓ Ready +latest ready stream-2 .* rollout-duration 380s\?\[31m'
expect_line rollout '^ validate '
expect_not rollout "validate .*rollout-duration"
[ "$(grep -c 'rollout-duration' "$out/rollout.screen")" -eq 1 ] ||
  { echo "FAIL: rollout-duration shown on more than the stream line" >&2; screen rollout >&2; exit 1; }
run_script rollout-rev "$out/rollout.json" 160x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "stream-2"
<Enter>
:wait-for "CONDITION"
KEYS
expect rollout-rev "Revision stream-2"
expect rollout-rev "Rollout 380s?[31m (serving.knative.dev/rollout-duration"
# a revision of the other service, and a model without it, show nothing
run_script rollout-none "$out/rollout.json" 160x30 <<'KEYS'
:wait-for "lincoln"
/five9<Enter>
<Enter>
:wait-for "Recent events"
KEYS
expect_not rollout-none "rollout-duration"
run_script rollout-validate "$out/rollout.json" 160x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
<Enter>
:wait-for "validate-"
/validate-<Enter>
<Enter>
:wait-for "CONDITION"
KEYS
expect rollout-validate "Revision validate-"
expect_not rollout-validate "Rollout "
