# Models across two clusters side by side (:contexts): one row per model,
# per context its version, readiness and digest, and how they differ; a
# cluster that stops answering shows as unreachable while the other keeps
# its data; R loads every context again.
. "$(dirname "$0")/lib.sh"
start_cluster
start_second_cluster dc2 --no-seed
DC2=$PID2
write_two_contexts "$KC" stage-ctx "$E2E_URL" prod-ctx "$URL2"
mkdir -p "$XDG_CONFIG_HOME/ttstui"
cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    contexts: [stage-ctx]
  - name: prod
    contexts: [prod-ctx]
contexts: [stage-ctx, prod-ctx]
YAML
# prod has usp at version 2 (staging's 3 is ahead) and v8 at staging's
# version but another image (so another digest)
usp_img=$(kubectl --kubeconfig "$KC" --context stage-ctx get ksvc -n usp stream -o jsonpath='{.spec.template.spec.containers[0].image}')
"$TTSTUI_BIN" --kubeconfig "$KC" --context prod-ctx apply --env prod --model usp --version 2 \
  --image "$usp_img" --yes --wait >/dev/null 2>"$E2E_TMP/apply1.err" ||
  fail "apply usp to prod-ctx: $(cat "$E2E_TMP/apply1.err")"
v3_ver=$(kubectl --kubeconfig "$KC" --context stage-ctx get ksvc -n v8 stream -o jsonpath='{.status.latestReadyRevisionName}')
v3_ver=${v3_ver#stream-}
"$TTSTUI_BIN" --kubeconfig "$KC" --context prod-ctx apply --env prod --model v8 --version "$v3_ver" \
  --image "gcr.io/voice-service-2-313121/speech-api-worker@sha256:1111111111111111111111111111111111111111111111111111111111111111" \
  --yes --wait >/dev/null 2>"$E2E_TMP/apply2.err" || fail "apply v8 to prod-ctx: $(cat "$E2E_TMP/apply2.err")"

start_tui 200 45
wait_for "viacom"
keys :
type_text contexts
keys Enter
wait_match '^ staging +stage-ctx +35 models'
wait_match '^ prod +prod-ctx +2 models'
wait_match '^MODEL +STAGING +READY +DIGEST +PROD +READY +DIGEST +DIFFERENCES'
wait_match '^usp .*staging ahead of prod'
wait_match '^v8 .*same version [0-9]+ with different digests'
wait_match '^viacom .*missing in prod'
# the second cluster goes away: it shows as unreachable, staging stays
demo_stop "$DC2"
keys R
wait_match '^ prod +prod-ctx +(unreachable|no answer)' 40
assert_screen "35 models"
wait_match '^usp .*staging ahead of prod'
keys Escape
wait_for "35 models"
quit_tui
pass "contexts side by side: differences in words; an unreachable context does not hide the other"
