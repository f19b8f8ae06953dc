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
# the version is prefilled with the next free one, then edited to the live
# one with the live values: nothing to do, as the CLI says (not an error)
expect form "nothing to do: v3 version 2 is live with these values"
expect form "Ready: Enter shows the preview"

# a taken version with a changed value is refused, naming the next free one
run_script form-changed fleet-basic.json 100x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<S-Tab><C-u>2<Tab><Tab><Tab><Tab><Tab><Tab><C-u>40
KEYS
expect form-changed "version 2 already exists for v3"
expect form-changed "next free: 3"
expect form-changed "1 field to fix before the preview"

run_script typing fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
<C-a>My-Model
KEYS
expect typing 'model "My-Model": must be lowercase alphanumerics'

run_script words fleet-basic.json 100x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
new-model<C-w>x
<Tab><Tab><C-u>gcr.io/x/worker:latest
KEYS
expect words "new-x"
expect words "! image uses a tag, which can move"
expect words "Ready: Enter shows the preview"

# Cross-field rules come from the core's validation, as you type.
run_script cross fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
v9<Tab><Tab><Tab><Tab><Space><Tab><Tab><Tab><C-u>40
KEYS
expect cross "includeImageApiKeys is 'true' but no API-key file was given"
expect cross "minScale 40 is greater than maxScale 32"
expect cross "3 fields to fix before the preview"

# Enter with errors does not open the preview.
run_script blocked fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
:deploy<Enter>
<Enter>
KEYS
expect blocked "Fix 2 fields first"
expect_not blocked "Deploy > "

# The API-key policy: dim and skipped by Tab until API keys are included,
# then a choice (refuse, replace, merge) the release request carries.
run_script policy-off fleet-basic.json 110x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Tab><Tab>
:expect "Include API keys"
<Tab><Tab>x
KEYS
expect_line policy-off 'API-key policy +< refuse >'
expect_line policy-off 'Min scale +0x'

expect policy-off "only with API keys included"

printf '{"SAMS_SPEECH_API_KEY": "formSecretQ4"}\n' >"$out/keys.json"
run_script policy-merge fleet-basic.json 110x40 <<KEYS
:wait-for "lincoln"
/v3<Enter>
d
<Tab><Tab><Space><Tab>$out/keys.json<Tab>m
:expect "< merge >"
<Enter>
:wait-for "kind: Namespace"
a
:expect "API keys included (merge)"
<Tab><Enter>
:wait-for "Done"
KEYS
expect_line policy-merge 'Secret api-keys \(merge\)'
expect_not policy-merge "formSecretQ4"

# Esc on a changed form asks before throwing the changes away.
run_script discard-ask fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<C-u>gcr.io/x/worker@sha256:abc
<Esc>
:expect "Discard changes?"
:expect "1 field changed"
<Esc>
:expect-not "Discard changes?"
:expect "gcr.io/x/worker@sha256:abc"
<Esc>
<Tab><Enter>
KEYS
expect discard-ask "Changes discarded"
expect discard-ask "3 models"
# An unchanged form goes back at once.
run_script discard-none fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Esc>
KEYS
expect_not discard-none "Discard changes?"
expect discard-none "3 models"

# After an apply, the preview is marked applied, refuses a second apply,
# and Esc goes to the model, not back into the form.
run_script applied fleet-basic.json 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
a
<Tab><Enter>
:wait-for "Done"
<Esc>
:expect "applied (Esc: the model)"
a
:expect "already applied"
<Esc>
KEYS
expect applied "Models > v3"
expect_not applied "Deploy a release to"
# Its progress left while the apply still runs: the preview is no release
# to apply again either, and Esc goes to the model.
jq '.step_ms = 600000' "$data/fleet-basic.json" >"$out/slow-apply.json"
run_script applying "$out/slow-apply.json" 110x30 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
a
<Tab><Enter>
:wait-for "running  Namespace v3"
:expect-not "Done"
<Esc>
:expect "apply under way (Esc: the model)"
a
:expect "v3/3 is already being applied"
:expect-not "Apply v3/3?"
<Esc>
KEYS
expect applying "Models > v3"
expect_not applying "Deploy a release to"

# The form starts from the live release: entry point and API keys as the
# live template has them, not the defaults.
jq '(.objects[] | select(.kind == "Service" and .metadata.namespace == "v3")
     | .spec.template.spec.containers[0]) |= (. + {
       "args": ["venv/bin/gunicorn", "src.service.worker:app", "--bind=0.0.0.0:8000"],
       "envFrom": [{"secretRef": {"name": "api-keys"}}]})' \
  "$data/fleet-basic.json" >"$out/live-entry.json"
run_script live-prefill "$out/live-entry.json" 110x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
KEYS
expect_line live-prefill 'Entry point +src\.service\.worker:app'
expect_not live-prefill "run.deploy.worker:app"
expect_line live-prefill 'Include API keys +\[x\] true'

# The apply confirmation lists what changes beyond the version; a move of
# environment (hostname) is a warning. Here: env and maxScale.
run_script changes "$out/live-entry.json" 130x45 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<S-Tab><S-Tab><S-Tab><Space>
<Tab><Tab><Tab><Tab><Tab><Space>
<Tab><Tab><Tab><C-u>40
<Enter>
:wait-for "kind: Namespace"
a
KEYS
expect changes "Changes beyond the version:"
expect changes "! hostname staging.tts.wellsaidlabs.com → tts.wellsaidlabs.com"
expect changes "maxScale 32 → 40"
expect changes "includeImageApiKeys true → false"
expect_not changes "entry point"
expect_not changes "image gcr.io"

# validate's scale apart from stream's: the dashboard shows both, the form
# starts from each service's live bounds, and the confirmation says so.
jq '(.objects[] | select(.metadata.namespace == "v3" and
       ((.kind == "Revision" and .metadata.name == "validate-2") or
        (.kind == "Service" and .metadata.name == "validate"))))
     |= (if .kind == "Revision" then .metadata.annotations["autoscaling.knative.dev/maxScale"] = "8"
         else .spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"] = "8" end)' \
  "$data/fleet-basic.json" >"$out/split-scale.json"
run_script scale-dash "$out/split-scale.json" 140x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line scale-dash '^v3 .* 0-32/0-8 '
run_script scale-form "$out/split-scale.json" 120x45 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:expect "Validate max scale"
<S-Tab><S-Tab><S-Tab><Tab><Tab><Tab><Tab><Tab><Tab><Tab><Tab><Tab><Tab><C-u>4
<Enter>
:wait-for "kind: Namespace"
a
KEYS
expect_line scale-form 'Scale: +0-32 \(validate 0-4\)'
expect scale-form "validate maxScale 8 → 4"
expect_not scale-form "stream maxScale"

# The environment comes from the live Ingress host (the settings'
# hostnames), not the context's, so a scale-only change stays on prod.
jq '.details.v3.ingress_host = "tts.wellsaidlabs.com"' "$data/fleet-basic.json" >"$out/prod-host.json"
run_script env-live "$out/prod-host.json" 110x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:wait-for "< prod >"
<Enter>
:wait-for "kind: Namespace"
a
KEYS
expect_line env-live 'Env: +prod'
expect_not env-live "hostname tts.wellsaidlabs.com → staging"
run_script env-ctx fleet-basic.json 110x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:wait-for "< staging >"
<Enter>
:wait-for "kind: Namespace"
a
KEYS
expect_line env-ctx 'Env: +staging'
expect_not env-ctx "hostname"
# and a move away from the live host is named with the live host
run_script env-move "$out/prod-host.json" 110x40 <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
:wait-for "< prod >"
<S-Tab><S-Tab><S-Tab><Space>
<Enter>
:wait-for "kind: Namespace"
a
KEYS
expect env-move "! hostname tts.wellsaidlabs.com → staging.tts.wellsaidlabs.com"
