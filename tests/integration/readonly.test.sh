#!/usr/bin/env bash
# Read-only settings refuse every mutating command, with or without an env
# of its own: readonly_contexts, and an environment marked readonly: true
# whose contexts name the current one (each on its own); a writable env on
# the same setup is allowed. Every refusal changes nothing.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

run_tt apply $(release_flags r1 1) --yes --wait --timeout 1m
assert_rc 0 "apply version 1"
run_tt apply $(release_flags r1 2 "$IMG2") --yes --wait --timeout 1m
assert_rc 0 "apply version 2"

snapshot() {
    {
        kc get namespaces -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'
        kc get ksvc -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.generation} {.spec.traffic}{"\n"}{end}'
        kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version} {.metadata.resourceVersion}' || true
    } 2>&1
}

cat >"$TT_TMP/ro-ctx.yaml" <<'YAML'
readonly_contexts: ["dem*"]
YAML
# The demo context belongs to prod, which is read-only; staging is not.
cat >"$TT_TMP/ro-env.yaml" <<'YAML'
environments:
  - name: staging
  - name: prod
    contexts: ["demo"]
    readonly: true
YAML
# Control: the same setup with the demo context in a writable env.
cat >"$TT_TMP/rw-env.yaml" <<'YAML'
environments:
  - name: staging
    contexts: ["demo"]
  - name: prod
    contexts: ["gke_*_prod"]
    readonly: true
YAML

refused() { # SETTINGS WHY COMMAND...
    local settings="$1" why="$2"; shift 2
    local before
    before="$(snapshot)"
    run_tt "$@" --yes --settings "$TT_TMP/$settings"
    assert_rc 3 "$* with $settings"
    assert_contains "$ERR" "$why" "$* with $settings"
    assert_eq "$(snapshot)" "$before" "cluster after $* with $settings"
}

for s in ro-ctx.yaml:"kube context 'demo' is read-only" \
         ro-env.yaml:"environment prod is read-only"; do
    settings="${s%%:*}" why="${s#*:}"
    refused "$settings" "$why" delete r1
    refused "$settings" "$why" rollback r1 --service stream --to-version 1
    refused "$settings" "$why" traffic r1 1=50 2=50
    refused "$settings" "$why" pin-latest r1
done
# apply naming the writable env staging: the context's env still decides.
refused ro-env.yaml "environment prod is read-only" apply $(release_flags r1 3)
refused ro-env.yaml "environment prod is read-only" apply $(release_flags r1 3) --canary 10,100

# apply -f: a staging file of r1 (version 3) and a model not in the files
# (r2) that --prune --keep-going would delete; both refused on each setup.
run_tt apply $(release_flags r2 1) --yes
assert_rc 0 "apply r2"
run_tt export r1 --to "$TT_TMP/files" --env staging
assert_rc 0 "export r1"
jq '.version = "3"' "$TT_TMP/files/staging/r1.config.json" >"$TT_TMP/r1.json"
mv "$TT_TMP/r1.json" "$TT_TMP/files/staging/r1.config.json"
for s in ro-ctx.yaml:"kube context 'demo' is read-only" \
         ro-env.yaml:"environment prod is read-only"; do
    settings="${s%%:*}" why="${s#*:}"
    before="$(snapshot)"
    run_tt apply -f "$TT_TMP/files" --env staging --prune --keep-going --yes --settings "$TT_TMP/$settings"
    assert_contains "$OUT" "[1/1] r1 refused: $why" "apply -f with $settings"
    assert_contains "$OUT" "prune r2 refused: apply -f --prune: $why" "apply -f --prune with $settings"
    assert_contains "$OUT" "0 applied" "apply -f with $settings"
    assert_eq "$(snapshot)" "$before" "cluster after apply -f with $settings"
done

# Control: every command runs with a writable env.
run_tt traffic r1 1=50 2=50 --yes --settings "$TT_TMP/rw-env.yaml"
assert_rc 0 "traffic with a writable env"
run_tt rollback r1 --service stream --to-version 1 --yes --settings "$TT_TMP/rw-env.yaml"
assert_rc 0 "rollback with a writable env"
run_tt pin-latest r1 --yes --settings "$TT_TMP/rw-env.yaml"
assert_rc 0 "pin-latest with a writable env"
assert_eq "$(kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version}')" "r1" "pin"
run_tt delete r1 --yes --settings "$TT_TMP/rw-env.yaml"
assert_rc 0 "delete with a writable env"

pass
