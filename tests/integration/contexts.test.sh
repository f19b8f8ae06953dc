# status --all-contexts / --contexts: two demo clusters in one kubeconfig
# (staging and prod), one row per model with a column group per context
# and the differences in words; a stopped cluster is named and never holds
# up the other; bad context lists are usage errors.
. "$(dirname "$0")/lib.sh"

start_staging_and_prod

release() { # CONTEXT ENV MODEL VERSION IMAGE
    run_tt apply --context "$1" --env "$2" --model "$3" --version "$4" --image "$5" --yes \
        --wait --timeout 2m
    assert_rc 0 "apply $3 v$4 on $1"
}
# same: version 1 on both, same image. digest: version 1 with different
# images. ahead: staging at 2, prod at 1. only-staging: missing in prod.
release gke_staging staging same 1 "$IMG"
release gke_prod prod same 1 "$IMG"
release gke_staging staging digest 1 "$IMG"
release gke_prod prod digest 1 "$IMG2"
release gke_staging staging ahead 1 "$IMG"
release gke_staging staging ahead 2 "$IMG2"
release gke_prod prod ahead 1 "$IMG"
release gke_staging staging only-staging 1 "$IMG"

row() { printf '%s\n' "$OUT" | awk -v m="$1" '$1 == m'; }

run_tt status --all-contexts
assert_rc 0 "status --all-contexts"
header=$(printf '%s\n' "$OUT" | head -n 1)
assert_contains "$header" "MODEL" "header"
# Environments label the groups (each context maps to its own), in the
# kubeconfig's order.
[[ "$header" =~ ^MODEL\ +staging\ +READY\ +DIGEST\ +prod\ +READY\ +DIGEST\ +NOTES$ ]] \
    || fail "header: '$header'"
assert_lines "$OUT" 5 "status --all-contexts (header and 4 models)"
r=$(row same)
[[ "$r" =~ ^same\ +1\ +Ready\ +sha256:3af2c7a3a888\ +1\ +Ready\ +sha256:3af2c7a3a888$ ]] \
    || fail "same: '$r' (no notes expected)"
assert_contains "$(row digest)" "same version 1 with different digests (staging sha256:3af2c7a3a888…, prod sha256:d9fcfc46c5fe…)" "digest row"
assert_contains "$(row ahead)" "staging ahead of prod (2 > 1)" "ahead row"
assert_not_contains "$(row ahead)" "different digests" "ahead row"
r=$(row only-staging)
assert_contains "$r" "missing in prod" "only-staging row"
[[ "$r" =~ ^only-staging\ +1\ +Ready\ +sha256:[0-9a-f]{12}\ +-\ +-\ +-\ + ]] || fail "only-staging: '$r'"

# --contexts picks and orders: prod first.
run_tt status --contexts gke_prod,gke_staging
assert_rc 0 "status --contexts gke_prod,gke_staging"
header=$(printf '%s\n' "$OUT" | head -n 1)
[[ "$header" =~ ^MODEL\ +prod\ +READY\ +DIGEST\ +staging\ + ]] || fail "header order: '$header'"
assert_contains "$(row ahead)" "staging ahead of prod (2 > 1)" "ahead row (prod first)"
assert_contains "$(row only-staging)" "missing in prod" "only-staging row (prod first)"

# One context only: no notes, one group, labelled by its environment.
run_tt status --contexts gke_prod
assert_rc 0 "status --contexts gke_prod"
assert_lines "$OUT" 4 "status --contexts gke_prod (header and 3 models)"
assert_not_contains "$OUT" "only-staging" "prod-only status"

# The settings' contexts list sets the default set and order.
cat >>"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
contexts: [gke_prod, gke_staging]
YAML
run_tt status --all-contexts
assert_rc 0 "status --all-contexts (settings order)"
[[ "$(printf '%s\n' "$OUT" | head -n 1)" =~ ^MODEL\ +prod\ + ]] || fail "settings order: $OUT"

# A model: only its row.
run_tt status ahead --all-contexts
assert_rc 0 "status ahead --all-contexts"
assert_lines "$OUT" 2 "status ahead --all-contexts"

# JSON: one object per model and context, each carrying context and env.
run_tt status --all-contexts -o json
assert_rc 0 "status --all-contexts -o json"
check
python3 - "$TT_TMP/out" <<'PY' || fail "status --all-contexts -o json"
import json, sys
rows = json.load(open(sys.argv[1]))
got = sorted((r["context"], r["env"], r["model"]) for r in rows)
want = sorted([("gke_prod", "prod", m) for m in ("ahead", "digest", "same")] +
              [("gke_staging", "staging", m) for m in ("ahead", "digest", "only-staging", "same")])
assert got == want, got
assert list(rows[0])[:3] == ["context", "env", "model"], list(rows[0])
ahead = [r for r in rows if r["model"] == "ahead" and r["context"] == "gke_staging"][0]
assert ahead["services"]["stream"]["latestReadyRevision"] == "stream-2", ahead
PY

# A cluster that stops answering (SIGSTOP: connections hang) is named on
# stderr and the other is still shown; the exit status is 4.
kill -STOP "$PROD_PID"
run_tt status --all-contexts --timeout 2s
assert_rc 4 "status with a hung context"
assert_contains "$ERR" "context gke_prod is unreachable: context gke_prod did not answer within 2000 ms" "stderr"
assert_not_contains "$ERR" "gke_staging" "stderr"
header=$(printf '%s\n' "$OUT" | head -n 1)
[[ "$header" =~ ^MODEL\ +staging\ +READY\ +DIGEST\ +NOTES$ ]] || fail "header without prod: '$header'"
assert_lines "$OUT" 5 "the staging rows"
kill -CONT "$PROD_PID"

# A cluster that is down: connection refused, named, exit 4.
kill "$PROD_PID"; wait "$PROD_PID" 2>/dev/null || true; PROD_PID=""
run_tt status --all-contexts -o json
assert_rc 4 "status -o json with a context down"
assert_contains "$ERR" "context gke_prod is unreachable" "stderr (down)"
check
python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert rows and all(r["context"]=="gke_staging" for r in rows), rows' "$TT_TMP/out" \
    || fail "json with prod down"

# Usage errors (exit 2), nothing asked.
run_tt status --contexts gke_staging,nope
assert_rc 2 "unknown context"
assert_contains "$ERR" "context nope is not in the kubeconfig" "unknown context"
run_tt status --contexts gke_staging,,gke_prod
assert_rc 2 "empty context name"
assert_contains "$ERR" "has an empty context name" "empty name"
run_tt status --contexts gke_prod,gke_prod
assert_rc 2 "context twice"
assert_contains "$ERR" "context 'gke_prod' is named twice" "twice"
run_tt status --all-contexts --contexts gke_prod
assert_rc 2 "both flags"
run_tt status --all-contexts --context gke_prod
assert_rc 2 "--context with --all-contexts"
assert_contains "$ERR" "--context names one context" "--context with --all-contexts"

echo "contexts: $N_CHECKS checks passed"
