# Deployment files in the dashboard (--deployments DIR): the FILES column
# says in sync / drift / no file / file only (a row for a model that has
# only a file), :plan lists every model with what differs, Enter shows one
# in full, `a` applies the models shown that differ after a confirmation
# listing them (each through the rules of a single apply: a version not
# bumped is refused, the others still go), audited; the plan follows; a
# bad file stops everything and names file:line:column.
. "$(dirname "$0")/lib.sh"
start_cluster
D="$E2E_TMP/dep"
"$TTSTUI_BIN" --kubeconfig "$KC" export --to "$D" --env prod >/dev/null 2>&1 || true
[ -f "$D/prod/viacom.config.json" ] || fail "export wrote no files"
edit() { jq "$2" "$D/prod/$1.config.json" >"$E2E_TMP/x" && mv "$E2E_TMP/x" "$D/prod/$1.config.json"; }
edit viacom '.version = "9" | .traffic = [{"tag": "9", "percent": 100}] | .stream.maxScale = 40'
edit five9-de-de '.stream.maxScale = 40' # a change under the live version: refused
jq '.model = "brand-new"' "$D/prod/mitel-de.config.json" >"$D/prod/brand-new.config.json"
rm "$D/prod/studysync.config.json"

start_tui 170 45 --deployments "$D"
wait_for "files: 2 drift, 1 file only (:plan)" 30
wait_match '^viacom .* drift *$'
wait_match '^five9-de-de .* drift *$'
wait_match '^five9-es-co .* in sync *$'
wait_match '^studysync .* no file *$'
wait_match '^brand-new .* file only *$'

keys :
type_text plan
keys Enter
wait_for "Deployment files $D (env prod)"
wait_match '30 in sync +2 drift +1 file only +3 no file'
wait_match '^viacom +drift +9 +version 3 → 9; stream maxScale 32 → 40; traffic 3:100% → 9:100%'
wait_match '^brand-new +file only +3 +new model'
filter_models viacom
keys Enter
wait_for "plan > viacom"
wait_for "What differs, the cluster's value → the file's:"
wait_match '^ +stream maxScale 32 → 40'
keys Escape
keys /
keys Escape # the filter cleared: `a` takes every model shown that differs
wait_match '^five9-de-de +drift'
keys a
wait_for "Apply 3 models from $D?"
wait_match '│ +viacom +version 3 → 9'
wait_match '│ +five9-de-de +stream maxScale 32 → 40'
wait_match '│ +brand-new +new model'
screen_matches "│ +five9-es-co " && fail "a model in sync is in the confirmation"
# prod: the count of models is typed before Apply is enabled
type_text "apply 3"
keys Tab Enter
wait_match '✓ done +model viacom +version 9 applied' 30
wait_match '✓ done +model brand-new +version 3 applied' 30
wait_match '✗ FAILED +model five9-de-de +revision stream-3 already exists with a different template' 30
wait_for "release it as version 4" # the reason wraps under itself: read whole
wait_for "Failed: 1 of 3 models not applied"
got=$(kubectl --kubeconfig "$KC" get ksvc -n viacom stream -o jsonpath='{.spec.template.metadata.name}')
[ "$got" = stream-9 ] || fail "viacom's stream template is '$got'"
kubectl --kubeconfig "$KC" get ns brand-new >/dev/null 2>&1 || fail "brand-new was not created"
got=$(kubectl --kubeconfig "$KC" get ksvc -n five9-de-de stream -o jsonpath='{.spec.template.metadata.annotations.autoscaling\.knative\.dev/maxScale}')
[ "$got" = 32 ] || fail "five9-de-de (refused) has maxScale '$got'"
n=$(grep -F '"action":"apply"' "$AUDIT_LOG" | grep -cF 'apply -f ')
[ "$n" = 3 ] || fail "$n audit entries for the files apply, not 3: $(cat "$AUDIT_LOG")"
grep -F '"model":"five9-de-de"' "$AUDIT_LOG" | grep -qF '"result":"refused"' ||
  fail "the refusal is not audited"
grep -F "\"model\":\"five9-de-de\"" "$AUDIT_LOG" | grep -qF "release it as version 4" ||
  fail "the audit does not say which version to release"
keys Escape
wait_match '32 in sync +1 drift +0 file only +3 no file' 30

# a bad file: nothing compared, its place named
printf '{\n  "env": "prod",\n  "model": "broken",\n' >"$D/prod/broken.config.json"
keys R
wait_for "1 bad file or rule: nothing is compared or applied until fixed" 30
wait_match 'broken\.config\.json:[0-9]+:[0-9]+'
keys a
wait_for "Planning: apply once the plan is shown"
rm "$D/prod/broken.config.json"
keys R
wait_match '32 in sync +1 drift +0 file only +3 no file' 30

# the deploy form writes its release to the model's file (for review), and
# fills itself in from the file
keys Escape
filter_models usp
keys d
wait_for "Deploy a release to demo"
wait_match '^ +Version +4 *$'
keys C-o
wait_for "Wrote $D/prod/usp.config.json: version 4, for review (git diff); nothing applied"
[ "$(jq -r '.version, .traffic[0].tag, .traffic[0].percent, .stream.paths[0]' "$D/prod/usp.config.json" | tr '\n' ' ')" = \
  "4 4 100 /api/text_to_speech/stream " ] || fail "usp's file: $(cat "$D/prod/usp.config.json")"
kubectl --kubeconfig "$KC" get ksvc -n usp stream -o jsonpath='{.spec.template.metadata.name}' |
  grep -qx stream-3 || fail "saving the file applied something"
jq '.stream.maxScale = "40" | .version = "7"' "$D/prod/usp.config.json" >"$E2E_TMP/x" && mv "$E2E_TMP/x" "$D/prod/usp.config.json"
keys C-r
wait_for "Filled in from $D/prod/usp.config.json (version 7)"
wait_match '^ +Version +7 *$'
wait_match '^ +Max scale +40 *$'
# a form with errors writes nothing
keys Escape
wait_for "Discard"
keys Tab Enter
wait_match '^usp '
keys :
type_text deploy
keys Enter
wait_for "Deploy a release to demo"
keys C-o
wait_for "Fix "
screen_has "nothing was written" || fail "a form with errors was written"
# a new model's file starts from another file of its env's folder
type_text fresh
keys Tab Tab
type_text "registry.example/tts/worker@sha256:$(printf 'a%.0s' {1..64})"
wait_for "Ready: Enter shows the preview"
keys C-o
wait_for "No file in the folder of $D/staging/fresh.config.json to start a new one from"
[ ! -e "$D/staging" ] || fail "a folder was made for a file not written"
keys Up Up Up Space
wait_match '^ +Environment +< prod >'
keys C-o
wait_for "Created $D/prod/fresh.config.json: version 1"
[ "$(jq -r '.env, .model, .version, .validate.paths[0]' "$D/prod/fresh.config.json" | tr '\n' ' ')" = \
  "prod fresh 1 /api/text_to_speech/input_validated " ] || fail "fresh's file: $(cat "$D/prod/fresh.config.json")"
keys Escape
wait_for "Discard"
keys Tab Enter
wait_for "filter: usp"
keys Escape # clears the filter
wait_match '^fresh .* file only *$' 30
# a file-only row: nothing to delete; d opens the form for it, C-r fills it
filter_models fresh
keys x
wait_for "fresh has only a file, no namespace yet: nothing to delete"
keys d
wait_for "Deploy a release to demo"
wait_match '^ +Model +fresh *$'
keys C-r
wait_for "Filled in from $D/prod/fresh.config.json (version 1)"
wait_match '^ +Environment +< prod >' # from the file
wait_match '^ +Image +a{40}' # the field shows the end of the digest
keys Escape
wait_for "Discard"
keys Tab Enter
wait_for "filter: fresh"
quit_tui
pass "deployment files: FILES column, :plan, details, apply of those that differ, refusal, bad file"
