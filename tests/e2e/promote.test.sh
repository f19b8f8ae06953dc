# P on the contexts side by side (:contexts) promotes a model as `ttstui
# promote` does: from the context ahead (staging has it, prod not) to the
# other, the summary and the diff against prod with a typed confirmation,
# then its steps; prod gets the new revision with staging's digest,
# audited as promote. A source that runs a tag is refused with the reason
# and prod is left alone (audited as refused).
. "$(dirname "$0")/lib.sh"
start_cluster
start_second_cluster dc2 --no-seed
write_two_contexts "$KC" stage-ctx "$E2E_URL" prod-ctx "$URL2"
mkdir -p "$XDG_CONFIG_HOME/ttstui"
cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    hostname: staging.tts.wellsaidlabs.com
    contexts: [stage-ctx]
  - name: prod
    hostname: tts.wellsaidlabs.com
    contexts: [prod-ctx]
contexts: [stage-ctx, prod-ctx]
YAML
sk() { kubectl --kubeconfig "$KC" --context stage-ctx "$@"; }
pk() { kubectl --kubeconfig "$KC" --context prod-ctx "$@"; }

# staging runs bytag by tag (not by digest): it may not be promoted
"$TTSTUI_BIN" --kubeconfig "$KC" --context stage-ctx apply --env staging --model bytag --version 1 \
  --image gcr.io/voice-service-2-313121/speech-api-worker:v12 --no-resolve --yes --wait \
  >/dev/null 2>"$E2E_TMP/apply.err" || fail "apply bytag to stage-ctx: $(cat "$E2E_TMP/apply.err")"
usp_ver=$(sk get ksvc -n usp stream -o jsonpath='{.status.latestReadyRevisionName}')
usp_ver=${usp_ver#stream-}
usp_img=$(sk get ksvc -n usp stream -o jsonpath='{.spec.template.spec.containers[0].image}')
[[ "$usp_img" == *@sha256:* ]] || fail "usp in staging is not by digest: $usp_img"

start_tui 200 50
wait_for "viacom"
keys :
type_text contexts
keys Enter
wait_match '^ prod +prod-ctx +0 models'
wait_match '^ staging +stage-ctx +36 models'

# refused: the source runs a tag
keys /
type_text bytag
keys Enter
wait_match '^bytag .*missing in prod'
keys P
wait_for "by tag, not by digest" 30
wait_for "Nothing was changed."
refute_screen "PRODUCTION"
! pk get ns bytag >/dev/null 2>&1 || fail "a refused promotion created bytag in prod"
tail -n 1 "$AUDIT_LOG" | grep -F '"action":"promote"' | grep -F '"model":"bytag"' |
  grep -F '"context":"prod-ctx"' | grep -qF '"result":"refused"' ||
  fail "the refusal is not audited: $(tail -n 1 "$AUDIT_LOG" 2>&1)"
keys Escape
wait_for "Cancelled: nothing was changed"

# promoted: usp from staging (ahead: prod lacks it) to prod
keys /
type_text usp
keys Enter
wait_match '^usp .*missing in prod'
keys P
wait_for "Promote usp/$usp_ver to prod-ctx?" 30
assert_screen "Promote usp version $usp_ver from stage-ctx (staging) to prod-ctx (prod) as version $usp_ver"
assert_screen "PRODUCTION"
assert_screen "namespace/usp would be created"
assert_screen "service.serving.knative.dev/stream would be created"
assert_screen "Image: $usp_img"
# the diff against prod's (empty) live state, object by object
assert_screen "+++ release/Namespace/usp"
wait_match '^\+kind: Namespace'
assert_screen "+++ release/Service/usp/validate"
# Promote is refused until the typed confirmation matches
keys Tab Enter
wait_for "Type the text shown to enable Promote"
keys Tab
type_text "usp/$usp_ver"
keys Tab Enter
wait_match "✓ done +source stage-ctx +version $usp_ver, Ready, by digest" 30
wait_match "✓ done +rollout stream-$usp_ver +Ready" 120
wait_for "✓ Promoted" 60
# prod runs the new revision with staging's digest
[ "$(pk get ksvc -n usp stream -o jsonpath='{.status.latestReadyRevisionName}')" = "stream-$usp_ver" ] ||
  fail "prod's latest ready revision is not stream-$usp_ver"
got=$(pk get revision -n usp "stream-$usp_ver" -o jsonpath='{.spec.containers[0].image}')
[ "$got" = "$usp_img" ] || fail "prod's revision runs '$got', not staging's '$usp_img'"
got=$(pk get revision -n usp "validate-$usp_ver" -o jsonpath='{.spec.containers[0].image}')
[ "$got" = "$usp_img" ] || fail "prod's validate revision runs '$got', not staging's '$usp_img'"
hosts=$(pk get ingress -n usp -o jsonpath='{.items[*].spec.rules[*].host}')
[[ "$hosts" == *tts.wellsaidlabs.com* && "$hosts" != *staging.* ]] || fail "prod's hostnames are '$hosts'"
tail -n 1 "$AUDIT_LOG" | grep -F '"action":"promote"' | grep -F '"model":"usp"' |
  grep -F '"context":"prod-ctx"' | grep -F "\"version\":\"$usp_ver\"" | grep -qF '"result":"ok"' ||
  fail "the promotion is not audited: $(tail -n 1 "$AUDIT_LOG" 2>&1)"
# back on the side by side: prod has it now
keys Escape
wait_match '^ prod +prod-ctx +1 models' 30
wait_gone "missing in prod" 30

# Three contexts: the user picks from and to among the contexts that have
# the model; a target context of no environment is refused, nothing made.
# (The kubeconfig is read again for each context the view loads.)
sed -i 's/^- {name: prod-ctx, context: .*}$/&\n- {name: dr-ctx, context: {cluster: second, user: demo, namespace: default}}/' "$KC"
grep -q '^- {name: dr-ctx' "$KC" || fail "kubeconfig: dr-ctx not added"
n_audit=$(wc -l <"$AUDIT_LOG")
keys :
type_text "contexts stage-ctx,prod-ctx,dr-ctx"
keys Enter
wait_match '^ dr-ctx +[0-9]+ models'
keys /
type_text viacom
keys Enter
wait_match '^viacom .*missing in prod'
keys P
wait_for "Promote viacom: from which context to which?"
wait_match '^ +from stage-ctx \(staging\) to prod-ctx \(prod\)'
wait_match '^ +from stage-ctx \(staging\) to dr-ctx \(dr-ctx\)'
refute_screen "from prod-ctx"
refute_screen "from dr-ctx"
[ "$(wc -l <"$AUDIT_LOG")" -eq "$n_audit" ] || fail "choosing audited something"
keys Down Enter
wait_for "context dr-ctx belongs to no environment of the settings" 30
wait_for "Nothing was changed."
! pk get ns viacom >/dev/null 2>&1 || fail "a refused promotion created viacom"
tail -n 1 "$AUDIT_LOG" | grep -F '"action":"promote"' | grep -F '"model":"viacom"' |
  grep -F '"context":"dr-ctx"' | grep -qF '"result":"failed"' ||
  fail "the refusal is not audited: $(tail -n 1 "$AUDIT_LOG" 2>&1)"
keys Escape
wait_for "Cancelled: nothing was changed"
quit_tui
tm kill-server

# prod read-only (readonly: true; prod-ctx is one of its contexts): the
# dashboard runs on the writable stage-ctx, and the promotion to prod-ctx
# is refused by the target's environment, nothing made, audited refused.
sed -i 's/^    contexts: \[prod-ctx\]$/&\n    readonly: true/' "$XDG_CONFIG_HOME/ttstui/config.yaml"
grep -q '^    readonly: true' "$XDG_CONFIG_HOME/ttstui/config.yaml" || fail "settings: prod not read-only"
start_tui 200 50
wait_for "viacom"
refute_screen "[read-only]"
keys :
type_text "contexts stage-ctx,prod-ctx"
keys Enter
wait_match '^ prod +prod-ctx +[0-9]+ models'
keys /
type_text viacom
keys Enter
wait_match '^viacom .*missing in prod'
keys P
wait_for "environment prod is read-only" 30
wait_for "Nothing was changed."
! pk get ns viacom >/dev/null 2>&1 || fail "a promotion to a read-only environment created viacom"
tail -n 1 "$AUDIT_LOG" | grep -F '"action":"promote"' | grep -F '"model":"viacom"' |
  grep -F '"context":"prod-ctx"' | grep -qF '"result":"refused"' ||
  fail "the read-only refusal is not audited: $(tail -n 1 "$AUDIT_LOG" 2>&1)"
keys Escape
wait_for "Cancelled: nothing was changed"
quit_tui
pass "promote from the contexts side by side: refused for a tag; promoted with the diff, typed confirmation, audited; from and to picked among three; refused to a read-only environment"
