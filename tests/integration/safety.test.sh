#!/usr/bin/env bash
# The environment guard and read-only mode: every refusal changes nothing.
source "$(dirname "$0")/lib.sh"
start_demo

snapshot() { # what a refused command could have changed (spec, not status)
    {
        kc get namespaces -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'
        kc get ksvc -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.generation} {.spec.template.metadata.name} {.spec.traffic}{"\n"}{end}'
        kc get secrets -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.resourceVersion}{"\n"}{end}'
        kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version} {.metadata.resourceVersion}'
    } 2>&1
}

# staging may only use gke_*_staging contexts; the demo context is "demo".
cat >"$TT_TMP/settings.yaml" <<'YAML'
environments:
  - name: staging
    contexts: ["gke_*_staging"]
  - name: prod
    contexts: ["demo"]
YAML
before="$(snapshot)"
run_tt apply $(release_flags s1 1) --yes --settings "$TT_TMP/settings.yaml"
assert_rc 3 "apply to a context the env does not allow"
assert_contains "$ERR" "staging"
assert_contains "$ERR" "demo"
assert_eq "$(snapshot)" "$before" "cluster after the env refusal"
# The same through $TTSTUI_CONFIG.
TTSTUI_CONFIG="$TT_TMP/settings.yaml" run_tt apply $(release_flags s1 1) --yes
assert_rc 3 "apply with TTSTUI_CONFIG"
# prod is allowed on demo.
run_tt apply --env prod --model s1 --version 1 --image "$IMG" --yes --settings "$TT_TMP/settings.yaml"
assert_rc 0 "apply to an allowed context"

# --readonly: nothing that changes the cluster runs; diff and dry runs do.
before="$(snapshot)"
run_tt --readonly apply --env prod --model s1 --version 2 --image "$IMG" --yes
assert_rc 3 "apply --readonly"
assert_contains "$ERR" "read-only"
run_tt delete s1 --yes --readonly
assert_rc 3 "delete --readonly"
run_tt rollback s1 --service stream --to-version 1 --yes --readonly
assert_rc 3 "rollback --readonly"
run_tt pin-latest s1 --yes --readonly
assert_rc 3 "pin-latest --readonly"
run_tt diff --env prod --model s1 --version 2 --image "$IMG" --readonly
assert_rc 1 "diff --readonly"
run_tt apply --env prod --model s1 --version 2 --image "$IMG" --readonly --dry-run=server
assert_rc 0 "apply --dry-run=server --readonly"
assert_eq "$(snapshot)" "$before" "cluster after read-only refusals"

# Read-only from the settings: a context pattern, and an env.
cat >"$TT_TMP/ro.yaml" <<'YAML'
readonly_contexts: ["dem*"]
YAML
run_tt apply --env prod --model s1 --version 2 --image "$IMG" --yes --settings "$TT_TMP/ro.yaml"
assert_rc 3 "apply on a read-only context"
cat >"$TT_TMP/ro-env.yaml" <<'YAML'
environments:
  - name: prod
    readonly: true
YAML
run_tt apply --env prod --model s1 --version 2 --image "$IMG" --yes --settings "$TT_TMP/ro-env.yaml"
assert_rc 3 "apply to a read-only env"
assert_eq "$(snapshot)" "$before" "cluster after settings refusals"

# Refusals are audited.
N_CHECKS=$((N_CHECKS + 1))
[[ "$(grep -c '"result":"refused"' "$AUDIT_LOG")" -ge 7 ]] || fail "refusals missing from the audit log"

# A malformed settings file is a usage error naming it.
printf 'environments: [\n' >"$TT_TMP/bad.yaml"
run_tt status --settings "$TT_TMP/bad.yaml"
assert_rc 2 "malformed settings"
assert_contains "$ERR" "bad.yaml"

pass
