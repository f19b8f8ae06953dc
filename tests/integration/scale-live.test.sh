#!/usr/bin/env bash
# The scale of a release defaults to what is live: each service's bound not
# given (flag or --config) is what that service runs; a flag wins for its
# bound only (--max-scale: both services' max, --validate-max-scale:
# validate's); a model not live takes the template's defaults; a
# deployment file says its own scales; render reads nothing from the cluster.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed --ready-delay-ms 100

# "min-max" of a live Knative service's template.
live_scale() { # MODEL SERVICE
    kc get ksvc -n "$1" "$2" -o json |
        jq -r '.spec.template.metadata.annotations | "\(.["autoscaling.knative.dev/minScale"])-\(.["autoscaling.knative.dev/maxScale"])"'
}
# The summary's lines about a scale, one per line, sorted.
scale_changes() { grep -E '^  .*(min|max)Scale ' <<<"$OUT" | sed 's/^ *//' | sort || true; }
# The diff's changed lines about a scale.
scale_diff() { grep -E '^[-+] .*autoscaling\.knative\.dev/' <<<"$OUT" || true; }

# A first release without scale flags: the template's defaults, nothing
# said about live.
run_tt apply $(release_flags m0 1) --yes --wait --timeout 60s
assert_rc 0 "first release of m0"
assert_eq "$(live_scale m0 stream)" "0-32" "m0 stream (template default)"
assert_eq "$(live_scale m0 validate)" "0-32" "m0 validate (template default)"
assert_not_contains "$ERR" "scale as live" "first release stderr"

# m1 live with validate 1-8 and stream 1-32.
run_tt apply $(release_flags m1 1) --stream-min-scale 1 --stream-max-scale 32 \
    --validate-min-scale 1 --validate-max-scale 8 --yes --wait --timeout 60s
assert_rc 0 "m1 version 1"
assert_eq "$(live_scale m1 stream)" "1-32" "m1 stream live"
assert_eq "$(live_scale m1 validate)" "1-8" "m1 validate live"

# diff without scale flags: no scale line changes, and it says where the
# scales came from.
run_tt diff $(release_flags m1 2 "$IMG2")
assert_rc 1 "diff of version 2 (image and revision change)"
assert_eq "$(scale_diff)" "" "diff of version 2 without scale flags: scale lines"
assert_contains "$OUT" "$IMG2" "diff of version 2"
assert_contains "$ERR" "ttstui diff: scale as live (no flag given): stream 1-32, validate 1-8"

# apply --dry-run=server without scale flags: no scale among the changes.
run_tt apply $(release_flags m1 2 "$IMG2") --dry-run=server
assert_rc 0 "dry run of version 2"
assert_contains "$OUT" "changes beyond the version:"
assert_contains "$OUT" "  image "
assert_eq "$(scale_changes)" "" "dry run of version 2 without scale flags: scale changes"
assert_contains "$ERR" "ttstui apply: scale as live (no flag given): stream 1-32, validate 1-8"

# --validate-max-scale 10: validate's max only.
run_tt apply $(release_flags m1 2) --validate-max-scale 10 --dry-run=server
assert_rc 0 "dry run with --validate-max-scale 10"
assert_eq "$(scale_changes)" "validate maxScale 8 → 10" "--validate-max-scale 10: scale changes"
assert_contains "$ERR" "scale as live (no flag given): stream 1-32, validate minScale 1"
run_tt diff $(release_flags m1 2) --validate-max-scale 10
assert_eq "$(scale_diff)" $'-        autoscaling.knative.dev/maxScale: "8"\n+        autoscaling.knative.dev/maxScale: "10"' \
    "diff with --validate-max-scale 10: scale lines"

# --stream-min-scale 2: stream's min only.
run_tt apply $(release_flags m1 2) --stream-min-scale 2 --dry-run=server
assert_rc 0 "dry run with --stream-min-scale 2"
assert_eq "$(scale_changes)" "stream minScale 1 → 2" "--stream-min-scale 2: scale changes"

# --max-scale 40: both services' max (the flat flag), the mins as live.
run_tt apply $(release_flags m1 2) --max-scale 40 --dry-run=server
assert_rc 0 "dry run with --max-scale 40"
assert_eq "$(scale_changes)" "$(printf '%s\n' "stream maxScale 32 → 40" "validate maxScale 8 → 40")" \
    "--max-scale 40: scale changes"
assert_contains "$ERR" "scale as live (no flag given): stream minScale 1, validate minScale 1"

# --min-scale 2: both services' min, the maxes as live.
run_tt apply $(release_flags m1 2) --min-scale 2 --dry-run=server
assert_rc 0 "dry run with --min-scale 2"
assert_eq "$(scale_changes)" "minScale 1 → 2" "--min-scale 2: scale changes"

# Every bound given: nothing said about live.
run_tt apply $(release_flags m1 2) --min-scale 1 --max-scale 32 --validate-max-scale 8 --dry-run=server
assert_rc 0 "dry run with every bound given"
assert_eq "$(scale_changes)" "" "every bound given as live: scale changes"
assert_not_contains "$ERR" "scale as live" "every bound given"

# A --config file's scales are given as a flag's are.
echo '{"env": "staging", "model": "m1", "version": "2", "image": "'"$IMG"'", "maxScale": 16}' >"$TT_TMP/flat.json"
run_tt apply --config "$TT_TMP/flat.json" --dry-run=server
assert_rc 0 "dry run with --config maxScale 16"
assert_eq "$(scale_changes)" "$(printf '%s\n' "stream maxScale 32 → 16" "validate maxScale 8 → 16")" \
    "--config maxScale 16: scale changes"

# A bound given against a live one it does not fit: the error says which
# value is live.
run_tt apply $(release_flags m1 2) --validate-min-scale 10 --dry-run=server
assert_rc 2 "--validate-min-scale above validate's live max"
assert_contains "$ERR" "error: --validate-min-scale: validateMinScale 10 is greater than validateMaxScale 8 (as live)"

# A deployment file says its scales: not taken from live.
jq '.model = "m1" | .version = 2 | .validate.minScale = 0 | .validate.maxScale = 4
    | .stream.minScale = 1 | .stream.maxScale = 32 | .traffic = [{"tag": "2", "percent": 100}]
    | .provideApiKeyAuthForLegacyContainerSupport = false' \
    "$TEST_DATA/deployments/good/staging/v6.config.json" >"$TT_TMP/m1.config.json"
run_tt apply --config "$TT_TMP/m1.config.json" --dry-run=server
assert_rc 0 "dry run of a deployment file"
assert_eq "$(scale_changes)" "$(printf '%s\n' "validate maxScale 8 → 4" "validate minScale 1 → 0")" \
    "deployment file: scale changes"
assert_not_contains "$ERR" "scale as live" "deployment file"

# A template without per-service scales (as the operators' older ones):
# services alike live pass as minScale/maxScale and render; services apart
# cannot, and the error says what to give.
python3 - "$(dirname "$0")/../../core/templates/tts.jsonnet" "$TT_TMP/flat.jsonnet" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t = re.sub(r"\n *(stream|validate)(Min|Max)Scale='',", "", t)
t = re.sub(r"orFlat\((stream|validate)(Min|Max)Scale, (\w+)\)", r"\3", t)
assert "streamMinScale" not in t and "validateMaxScale" not in t
open(sys.argv[2], "w").write(t)
PY
run_tt apply $(release_flags m0 2) --template "$TT_TMP/flat.jsonnet" --dry-run=server
assert_rc 0 "a template without per-service scales, services alike"
assert_contains "$ERR" "scale as live (no flag given): stream 0-32, validate 0-32"
run_tt apply $(release_flags m1 2) --template "$TT_TMP/flat.jsonnet" --dry-run=server
assert_rc 2 "a template without per-service scales, services apart"
assert_contains "$ERR" "function has no parameter"
assert_contains "$ERR" "the services run different scales live, which this template cannot take"
run_tt apply $(release_flags m1 2) --template "$TT_TMP/flat.jsonnet" --min-scale 1 --max-scale 32 --dry-run=server
assert_rc 0 "a template without per-service scales, both bounds given"
assert_eq "$(scale_changes)" "validate maxScale 8 → 32" "both bounds given: scale changes"

# render reads nothing from the cluster: the template's defaults.
run_tt render -o json $(release_flags m1 2)
assert_rc 0 "render of m1"
assert_eq "$(jq -r '.[] | select(.kind=="Service" and .metadata.name=="validate") | .spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]' <<<"$OUT")" \
    "32" "render: validate maxScale"

# Version 2 applied without scale flags keeps every scale.
run_tt apply $(release_flags m1 2 "$IMG2") --yes --wait --timeout 60s
assert_rc 0 "m1 version 2"
assert_eq "$(live_scale m1 stream)" "1-32" "m1 stream after version 2"
assert_eq "$(live_scale m1 validate)" "1-8" "m1 validate after version 2"
assert_eq "$(jq -r '.result' <<<"$(last_audit)")" "ok" "audit of version 2"

# The cluster cannot be read: nothing rendered, the apply failed and audited.
sed -E 's#"server": "http://127.0.0.1:[0-9]+"#"server": "http://127.0.0.1:9"#' "$KC" >"$TT_TMP/dead.kubeconfig"
run_bare apply $(release_flags m1 3) --yes --kubeconfig "$TT_TMP/dead.kubeconfig"
assert_rc 4 "apply against an unreachable cluster"
assert_eq "$(jq -r '"\(.action) \(.model) \(.version) \(.result)"' <<<"$(last_audit)")" "apply m1 3 failed" \
    "audit of the unreachable apply"

pass
