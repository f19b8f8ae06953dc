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
"$TTSTUI_BIN" --kubeconfig "$KC" export --to "$D" --env staging >/dev/null 2>&1 || true
[ -f "$D/staging/viacom.config.json" ] || fail "export wrote no files"
edit() { jq "$2" "$D/staging/$1.config.json" >"$E2E_TMP/x" && mv "$E2E_TMP/x" "$D/staging/$1.config.json"; }
edit viacom '.version = "9" | .traffic = [{"tag": "9", "percent": 100}] | .stream.maxScale = 40'
edit five9-de-de '.stream.maxScale = 40' # a change under the live version: refused
jq '.model = "brand-new"' "$D/staging/mitel-de.config.json" >"$D/staging/brand-new.config.json"
rm "$D/staging/studysync.config.json"

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
wait_for "Deployment files $D (env staging)"
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
keys Tab Enter
wait_match '✓ done +model viacom +version 9 applied' 30
wait_match '✓ done +model brand-new +version 3 applied' 30
wait_match '✗ FAILED +model five9-de-de +revision stream-3 already exists with a different template' 30
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
printf '{\n  "env": "staging",\n  "model": "broken",\n' >"$D/staging/broken.config.json"
keys R
wait_for "1 bad file or rule: nothing is compared or applied until fixed" 30
wait_match 'broken\.config\.json:[0-9]+:[0-9]+'
keys a
wait_for "Planning: apply once the plan is shown"
quit_tui
pass "deployment files: FILES column, :plan, details, apply of those that differ, refusal, bad file"
