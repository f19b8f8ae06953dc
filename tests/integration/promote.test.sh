#!/usr/bin/env bash
# ttstui promote: the release a model runs in staging (image by digest,
# entry point, API-key setting, per-service scales) released in prod under
# prod's hostnames and prod's next free version, through prod's rules;
# refused when staging's release is not Ready or runs a tag, when prod is
# read-only; a stopped prod is a clear failure.
source "$(dirname "$0")/lib.sh"

start_staging_and_prod
pk() { kubectl --kubeconfig "$KC" --context gke_prod "$@"; }

# staging runs m1 version 3 with its own entry point and scales
run_tt apply --context gke_staging --env staging --model m1 --version 3 --image "$IMG" \
    --image-entrypoint src.service.worker:app --stream-max-scale 20 --validate-max-scale 4 \
    --yes --wait --timeout 2m
assert_rc 0 "release m1 in staging"

run_tt promote m1 --from-context gke_staging --to-context gke_prod --yes --wait --timeout 2m
assert_rc 0 "promote m1 to prod"
assert_contains "$OUT" "Promoting m1 version 3 from context gke_staging to context gke_prod as version 3 (env prod)"
assert_contains "$OUT" "rollout"
assert_eq "$(pk get ksvc -n m1 stream -o jsonpath='{.spec.template.metadata.name}')" "stream-3" "prod's revision"
assert_eq "$(pk get ksvc -n m1 stream -o jsonpath='{.spec.template.spec.containers[0].image}')" "$IMG" "prod's image"
assert_contains "$(pk get ksvc -n m1 stream -o jsonpath='{.spec.template.spec.containers[0].args}')" \
    "src.service.worker:app" "prod's entry point"
assert_eq "$(pk get ksvc -n m1 stream -o jsonpath='{.spec.template.metadata.annotations.autoscaling\.knative\.dev/maxScale}')" \
    "20" "stream's maxScale"
assert_eq "$(pk get ksvc -n m1 validate -o jsonpath='{.spec.template.metadata.annotations.autoscaling\.knative\.dev/maxScale}')" \
    "4" "validate's maxScale"
hosts="$(pk get ingress -n m1 -o jsonpath='{.items[*].spec.rules[*].host}')"
assert_contains "$hosts" "tts.wellsaidlabs.com" "prod's hostnames"
assert_not_contains "$hosts" "staging." "prod's hostnames"
audit="$(last_audit)"
assert_contains "$audit" '"action":"promote"'
assert_contains "$audit" '"context":"gke_prod"'
assert_contains "$audit" '"result":"ok"'

# again: prod has version 3, so the next free one is 4 (a dry run)
run_tt promote m1 --from-context gke_staging --to-context gke_prod --dry-run=server
assert_rc 0 "promote m1 again, dry run"
assert_contains "$OUT" "as version 4 (env prod)"
# a flag given wins over what staging runs
run_tt promote m1 --from-context gke_staging --to-context gke_prod --version 9 --stream-max-scale 7 \
    --dry-run=server
assert_rc 0 "promote with overrides, dry run"
assert_contains "$OUT" "as version 9 (env prod)"
assert_contains "$OUT" "maxScale 20 → 7"
# a flag for both services wins over each service's scale in staging
run_tt promote m1 --from-context gke_staging --to-context gke_prod --version 9 --max-scale 40 \
    --dry-run=server
assert_rc 0 "promote with --max-scale, dry run"
assert_contains "$OUT" "maxScale 20 → 40"
assert_contains "$OUT" "maxScale 4 → 40"
# ... and a service's own flag over that
run_tt promote m1 --from-context gke_staging --to-context gke_prod --version 9 --max-scale 40 \
    --validate-max-scale 6 --dry-run=server
assert_rc 0 "promote with --max-scale and --validate-max-scale, dry run"
assert_contains "$OUT" "maxScale 20 → 40"
assert_contains "$OUT" "maxScale 4 → 6"

# refused: staging runs a tag
run_tt apply --context gke_staging --env staging --model bytag --version 1 \
    --image gcr.io/voice-service-2-313121/speech-api-worker:v12 --no-resolve --yes --wait --timeout 2m
assert_rc 0 "release bytag in staging"
run_tt promote bytag --from-context gke_staging --to-context gke_prod --yes
assert_rc 3 "promote of a tag"
assert_contains "$ERR" "by tag, not by digest"
check; ! pk get ns bytag >/dev/null 2>&1 || fail "a refused promote created the model in prod"
assert_contains "$(last_audit)" '"result":"refused"'

# refused: staging's release is not Ready (the demo keeps "progressing" images Unknown)
prog="gcr.io/voice-service-2-313121/speech-api-worker-progressing@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
run_tt apply --context gke_staging --env staging --model slow --version 1 --image "$prog" --yes
assert_rc 0 "release slow in staging"
run_tt promote slow --from-context gke_staging --to-context gke_prod --yes
assert_rc 3 "promote of a release that is not Ready"
assert_contains "$ERR" "is not Ready"

# refused: prod is read-only
cat >"$TT_TMP/readonly.yaml" <<'YAML'
environments:
  - name: staging
    contexts: [gke_staging]
  - name: prod
    contexts: [gke_prod]
    readonly: true
YAML
run_tt promote m1 --from-context gke_staging --to-context gke_prod --yes --settings "$TT_TMP/readonly.yaml"
assert_rc 3 "promote to a read-only environment"
assert_contains "$ERR" "read-only"

# no environment for the target context: say so (and --env fixes it)
printf 'contexts: [gke_staging, gke_prod]\n' >"$TT_TMP/noenv.yaml"
run_tt promote m1 --from-context gke_staging --to-context gke_prod --yes --settings "$TT_TMP/noenv.yaml"
assert_rc 2 "promote to a context of no environment"
assert_contains "$ERR" "pass --env"

# two environments name the target context: neither is taken (not the
# first listed), both are said, nothing is sent
cat >"$TT_TMP/twoenvs.yaml" <<'YAML'
environments:
  - name: staging
    contexts: [gke_staging, "gke_*"]
  - name: prod
    contexts: [gke_prod]
YAML
run_tt promote m1 --from-context gke_staging --to-context gke_prod --yes --settings "$TT_TMP/twoenvs.yaml"
assert_rc 2 "promote to a context two environments name"
assert_contains "$ERR" "context gke_prod matches environments staging and prod (environments[].contexts in $TT_TMP/twoenvs.yaml): pass --env"
assert_eq "$(pk get ksvc -n m1 stream -o jsonpath='{.spec.template.metadata.name}')" "stream-3" "prod's revision after the refusal"

# usage
run_tt promote m1 --from-context gke_staging --to-context gke_staging
assert_rc 2 "the same context twice"

# prod stopped: a clear failure, exit 4
demo_stop "$PROD_PID"
run_tt promote m1 --from-context gke_staging --to-context gke_prod --yes
assert_rc 4 "promote to a stopped cluster"
assert_contains "$ERR" "$PROD_URL"
pass
