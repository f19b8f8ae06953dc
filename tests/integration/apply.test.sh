#!/usr/bin/env bash
# ttstui apply and diff: a new model to Ready, the version rule, diff exit
# statuses, dry runs that leave nothing behind, confirmation without a tty.
source "$(dirname "$0")/lib.sh"
start_demo

# diff of a model that does not exist yet: everything added, exit 1.
run_tt diff $(release_flags m1 1)
assert_rc 1 "diff of a new model"
assert_contains "$OUT" "9 added"

# --dry-run=server leaves nothing behind and says which checks ran.
run_tt apply $(release_flags m1 1) --dry-run=server
assert_rc 0 "apply --dry-run=server"
assert_contains "$OUT" "nothing was stored"
assert_contains "$OUT" "features.knative.dev/podspec-dryrun"
N_CHECKS=$((N_CHECKS + 1))
! kc get namespace m1 >/dev/null 2>&1 || fail "dry run created namespace m1"

# Without a terminal and without --yes: refused, nothing created.
run_tt apply $(release_flags m1 1)
assert_rc 3 "apply without a terminal"
assert_contains "$ERR" "pass --yes"
N_CHECKS=$((N_CHECKS + 1))
! kc get namespace m1 >/dev/null 2>&1 || fail "an unconfirmed apply created namespace m1"

# A new model, applied and followed to Ready; global flags after the subcommand.
run_bare apply $(release_flags m1 1) --yes --wait --timeout 60s --kubeconfig "$KC"
assert_rc 0 "apply --yes --wait"
assert_contains "$OUT" "namespace/m1 created"
assert_contains "$OUT" "service.serving.knative.dev/stream created"
assert_contains "$OUT" "rollout ready"
run_tt status m1 -o json
assert_eq "$(jq -r '.[0].ready' <<<"$OUT")" "true" "m1 ready after apply --wait"

# Same version, same template: nothing to do.
run_tt apply $(release_flags m1 1) --yes
assert_rc 0 "apply of the same release"
assert_contains "$OUT" "nothing to do"
run_tt diff $(release_flags m1 1)
assert_rc 0 "diff without changes"

# Same version, another image: refused with the fields and the next version,
# and the cluster is unchanged.
before_s="$(ksvc_state m1 stream)"; before_v="$(ksvc_state m1 validate)"
run_tt apply $(release_flags m1 1 "$IMG2") --yes
assert_rc 3 "apply of a changed template under the same version"
assert_contains "$ERR" "revision stream-1 already exists with a different template"
assert_contains "$ERR" "image:"
assert_contains "$ERR" "release it as version 2"
assert_eq "$(ksvc_state m1 stream)" "$before_s" "stream after the refusal"
assert_eq "$(ksvc_state m1 validate)" "$before_v" "validate after the refusal"

# diff shows the change (exit 1) and says apply would refuse.
run_tt diff $(release_flags m1 1 "$IMG2")
assert_rc 1 "diff of a changed template"
assert_contains "$ERR" "apply would refuse"

# Nothing would change, but apply would refuse (the environment may not be
# released through this context): 3, not 0.
mkdir -p "$XDG_CONFIG_HOME/ttstui"
cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    contexts: [gke_staging_only]
YAML
run_tt diff $(release_flags m1 1)
assert_rc 3 "diff without changes that apply would refuse"
assert_contains "$ERR" "apply would refuse: environment staging may not be released through kube context 'demo'"
rm "$XDG_CONFIG_HOME/ttstui/config.yaml"
run_tt diff $(release_flags m1 1)
assert_rc 0 "diff without changes, the refusal gone"

# diff errors exit above 1.
run_tt diff $(release_flags m1 1) --bogus
assert_rc 2 "diff with an unknown flag"
sed -E 's#"server": "http://127.0.0.1:[0-9]+"#"server": "http://127.0.0.1:9"#' "$KC" >"$TT_TMP/dead.kubeconfig"
run_bare diff $(release_flags m1 1) --kubeconfig "$TT_TMP/dead.kubeconfig"
N_CHECKS=$((N_CHECKS + 1))
[[ "$RC" -gt 1 ]] || fail "diff against an unreachable cluster exited $RC, expected > 1"

# The next version applies; objects that did not change say so.
run_tt apply $(release_flags m1 2 "$IMG2") --yes --wait --timeout 1m
assert_rc 0 "apply of version 2"
assert_contains "$OUT" "service.serving.knative.dev/stream configured"
assert_contains "$OUT" "kongingress.configuration.konghq.com/route-stream-configuration unchanged"
# What changes beyond the version is said in words.
assert_contains "$OUT" "changes beyond the version:"
assert_contains "$OUT" "  image "
assert_not_contains "$OUT" "hostname " "apply of version 2 (same env)"
assert_eq "$(kc get ksvc -n m1 stream -o jsonpath='{.status.latestReadyRevisionName}')" "stream-2" "stream after version 2"

# --dry-run=server of a further version stores nothing.
before_s="$(ksvc_state m1 stream)"
run_tt apply $(release_flags m1 3) --dry-run=server
assert_rc 0 "dry run of version 3"
assert_eq "$(ksvc_state m1 stream)" "$before_s" "stream after a dry run"
N_CHECKS=$((N_CHECKS + 1))
! kc get revision -n m1 stream-3 >/dev/null 2>&1 || fail "dry run created revision stream-3"

# A move to another environment is a warning, hostname before and after;
# a changed scale shows on its own line.
run_tt apply --env prod --model m1 --version 3 --image "$IMG2" --max-scale 40 --dry-run=server
assert_contains "$OUT" "! hostname staging.tts.wellsaidlabs.com → tts.wellsaidlabs.com"
assert_contains "$ERR" "warning: hostname staging.tts.wellsaidlabs.com → tts.wellsaidlabs.com"
assert_contains "$OUT" "  maxScale 32 → 40"
assert_not_contains "$OUT" "  image " "a dry run with the live image"

# Bad --timeout values are usage errors naming the flag.
run_tt apply $(release_flags m1 3) --yes --wait --timeout soon
assert_rc 2 "--timeout soon"
assert_contains "$ERR" "--timeout: 'soon' is not a duration"

pass
