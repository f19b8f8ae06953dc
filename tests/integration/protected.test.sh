#!/usr/bin/env bash
# System namespaces are never models: apply (dry runs too), delete,
# rollback, traffic and pin-latest refuse kube-system and friends with exit
# 3 and change nothing; the settings add namespaces of their own.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed

for ns in kube-system monitoring; do
    kc get namespace "$ns" >/dev/null 2>&1 ||
        kc create -f - >/dev/null <<<"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$ns\"}}"
done

snapshot() {
    {
        kc get namespaces -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.resourceVersion}{"\n"}{end}'
        kc get ksvc -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.generation} {.spec.traffic}{"\n"}{end}'
        kc get secrets -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}'
        kc get kongclusterplugin latest-pinned-service -o jsonpath='{.config.latest_version}' || true
    } 2>&1
}

refused() { # NAMESPACE COMMAND...
    local ns="$1"; shift
    local before
    before="$(snapshot)"
    run_tt "$@" --yes
    assert_rc 3 "$*"
    assert_contains "$ERR" "namespace $ns is a system namespace" "$*"
    assert_eq "$(snapshot)" "$before" "cluster after $*"
}

for ns in kube-system default knative-serving kong istio-system gke-managed-system cert-manager; do
    refused "$ns" apply $(release_flags "$ns" 1)
done
refused kube-system apply $(release_flags kube-system 1) --dry-run=server
refused kube-system delete kube-system
refused kube-system rollback kube-system --service stream --to-version 1
refused kube-system traffic kube-system 1=100
refused kube-system pin-latest kube-system
check
[[ -z "$(kc get ksvc -n kube-system -o name)" ]] || fail "Knative services in kube-system"

# The settings add their own; a near miss of a built-in pattern is a model.
printf 'protected_namespaces: [monitoring]\n' >"$TT_TMP/settings.yaml"
before="$(snapshot)"
run_tt apply $(release_flags monitoring 1) --yes --settings "$TT_TMP/settings.yaml"
assert_rc 3 "apply to a namespace of protected_namespaces"
assert_contains "$ERR" "protected_namespaces" "the refusal names the setting"
assert_eq "$(snapshot)" "$before" "cluster after the settings refusal"
run_tt delete monitoring --yes --settings "$TT_TMP/settings.yaml"
assert_rc 3 "delete of a namespace of protected_namespaces"
run_tt apply $(release_flags kube 1) --yes --settings "$TT_TMP/settings.yaml"
assert_rc 0 "apply of model kube (not kube-*)"

pass
