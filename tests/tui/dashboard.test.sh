# The dashboard lists models with readiness as symbol + word, the pin
# marker, and a header with context, env and connection state.
. "$(dirname "$0")/headless-lib.sh"

run_script dash fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect dash "ctx demo-staging"
expect dash "env  staging"
expect dash "● connected"
expect dash "3 models  1 ready  1 failing"
expect_line dash '^v3 +● pinned +✓ Ready +✓ Ready +2 '
expect_line dash '^five9-de-de +✓ Ready +✗ Failed +6 \(split\)'
expect_line dash '^lincoln +… Pending +… Pending +3 '
expect_line dash '^v3 .* 3af2c7a3a888 0-32 '
expect dash "q quit"
# a screen may hold revealed secrets: the dump is written 0600
[ "$(stat -c %a "$out/dash.screen")" = 600 ] || { echo "FAIL: screen dump mode $(stat -c %a "$out/dash.screen")" >&2; exit 1; }

# Without --fake-backend it is the cluster backend: with no usable
# kubeconfig the dashboard still opens and the header says why in one line.
run_script nokube "" 160x20 --kubeconfig /nonexistent/kc.yaml <<'KEYS'
:wait-for "connection failed"
KEYS
expect nokube "✗ connection failed: "
expect nokube "/nonexistent/kc.yaml"
expect nokube "0 models"

# Before any revision object has arrived (they load after the services) the
# dashboard is already complete: image and scale of a settled service come
# from its template; lincoln is rolling out (its template is not what
# serves), so its image waits for the revision. The deploy form is
# prefilled from the template and knows the taken versions from the
# services' own revision names.
jq '.objects |= map(select(.kind != "Revision"))' "$data/fleet-basic.json" >"$out/services-only.json"
run_script early "$out/services-only.json" 120x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect early "3 models  1 ready  1 failing"
expect_line early '^v3 .* 3af2c7a3a888 0-32 '
expect_line early '^lincoln +… Pending +… Pending +3 +.* - +- '
run_script early-form "$out/services-only.json" 100x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:expect "Deploy a release to demo-staging"
<S-Tab><C-u>2<Tab><Tab><Tab><Tab><Tab><Tab><C-u>40
KEYS
expect early-form "version 2 already exists for v3"
expect early-form "next free: 3"
expect early-form "speech-api-worker@sha256:3af2"
