# Helpers for the script tests that drive the ttstui CLI against the demo
# cluster (tests/integration, tests/faults): a private demo cluster per
# script (with the knobs the test passes), private settings and audit log,
# runs of ttstui without a terminal, and assertions. Sourced by those
# folders' lib.sh, which set TT_TMP_PREFIX (the temporary folder's name).
set -euo pipefail

: "${TTSTUI_BIN:?TTSTUI_BIN must point at the ttstui binary}"
: "${TTSTUI_BUILD_DIR:?TTSTUI_BUILD_DIR must point at the build folder}"
source "$(dirname "${BASH_SOURCE[0]}")/demo.sh"
TEST_DATA="${TTSTUI_TEST_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}"

TT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/${TT_TMP_PREFIX:-ttstui-cli}.XXXXXX")"
export XDG_STATE_HOME="$TT_TMP/state"
export XDG_CONFIG_HOME="$TT_TMP/config"
export NO_COLOR=1
unset TTSTUI_CONFIG KUBECONFIG
AUDIT_LOG="$XDG_STATE_HOME/ttstui/audit.log"
KC="$TT_TMP/kubeconfig"
DEMO_PID=""
DEMO_URL=""
N_CHECKS=0
IMG="gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
IMG2="gcr.io/voice-service-2-313121/speech-api-worker@sha256:d9fcfc46c5fec6c096a71c1f185066b182be65a7f5feb838b641f8d92f9c4ec4"

tt_cleanup() {
    local rc=$?
    demo_stop_all
    assert_gone "$TT_TMP" || rc=1
    rm -rf "$TT_TMP"
    exit $rc
}
trap tt_cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    if [[ -f "$TT_TMP/out" ]]; then
        echo "--- last stdout ---" >&2; tail -n 40 "$TT_TMP/out" >&2
        echo "--- last stderr ---" >&2; tail -n 40 "$TT_TMP/err" >&2
    fi
    exit 1
}

# start_demo [demo-cluster flags...]: a cluster on a free port (or the
# --listen given); KC is its kubeconfig, DEMO_URL its address.
start_demo() {
    demo_launch "$TT_TMP/demo" "$KC" 127.0.0.1:0 --ready-delay-ms 300 "$@"
    DEMO_PID=$DEMO_LAST_PID
    DEMO_URL=$DEMO_LAST_URL
}

# start_staging_and_prod: two clusters without models, staging (the one of
# start_demo) and prod, as contexts gke_staging (the current one) and
# gke_prod of KC, and the settings' environments staging and prod on them;
# sets STAGING_URL, PROD_URL and PROD_PID (the cleanup stops both).
start_staging_and_prod() {
    start_demo --no-seed --ready-delay-ms 100
    STAGING_URL=$DEMO_URL
    demo_launch "$TT_TMP/prod" "$TT_TMP/kc-prod" 127.0.0.1:0 --no-seed --ready-delay-ms 100
    PROD_PID=$DEMO_LAST_PID
    PROD_URL=$DEMO_LAST_URL
    write_two_contexts "$KC" gke_staging "$STAGING_URL" gke_prod "$PROD_URL"
    mkdir -p "$XDG_CONFIG_HOME/ttstui"
    cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    hostname: staging.tts.wellsaidlabs.com
    contexts: [gke_staging]
  - name: prod
    hostname: tts.wellsaidlabs.com
    contexts: [gke_prod]
YAML
}

stop_demo() {
    demo_stop "$DEMO_PID"
    DEMO_PID=""
}

# run_tt ARGS...: ttstui with the demo's kubeconfig, no terminal; sets RC,
# OUT, ERR, SECS (wall time) and appends everything to $TT_TMP/all-output.
run_tt() { run_bare --kubeconfig "$KC" "$@"; }

run_bare() {
    local t0 t1
    t0=$(date +%s%N)
    set +e
    setsid -w "$TTSTUI_BIN" "$@" </dev/null >"$TT_TMP/out" 2>"$TT_TMP/err"
    RC=$?
    set -e
    t1=$(date +%s%N)
    SECS=$(( (t1 - t0) / 1000000000 ))
    OUT="$(cat "$TT_TMP/out")"
    ERR="$(cat "$TT_TMP/err")"
    { cat "$TT_TMP/out" "$TT_TMP/err"; } >>"$TT_TMP/all-output"
}

kc() { kubectl --kubeconfig "$KC" --cache-dir "$TT_TMP/kubectl-cache" "$@"; }

release_flags() { # MODEL VERSION [IMAGE]
    echo --env staging --model "$1" --version "$2" --image "${3:-$IMG}"
}

check() { N_CHECKS=$((N_CHECKS + 1)); }
assert_rc() { check; [[ "$RC" == "$1" ]] || fail "${2:-command}: exit status $RC, expected $1"; }
assert_contains() { check; [[ "$1" == *"$2"* ]] || fail "${3:-output} does not contain '$2'"; }
assert_not_contains() { check; [[ "$1" != *"$2"* ]] || fail "${3:-output} contains '$2'"; }
assert_lines() { # TEXT N what: TEXT has exactly N lines
    check
    local n
    n=$(printf '%s\n' "$1" | grep -c .) || true
    [[ "$n" == "$2" ]] || fail "${3:-output}: $n lines, expected $2"
}
assert_eq() { check; [[ "$1" == "$2" ]] || fail "${3:-value}: '$1' != '$2'"; }
assert_le() { check; (( $1 <= $2 )) || fail "${3:-value}: $1 > $2"; }
assert_mode_0600() { # FILE
    check
    [[ -f "$1" ]] || fail "$1 does not exist"
    local m
    m=$(stat -c %a "$1")
    [[ "$m" == 600 ]] || fail "$1 has mode $m, expected 600"
}

# The last audit entry (one JSON line).
last_audit() { tail -n 1 "$AUDIT_LOG"; }

# assert_no_secret FILE SECRET...: none of the secrets appears in FILE,
# plain or base64-encoded at any alignment inside a longer encoded text.
assert_no_secret() {
    local file="$1"; shift
    check
    python3 - "$file" "$@" <<'PY' || fail "a secret leaked into $1"
import base64, sys
text = open(sys.argv[1], "rb").read()
bad = []
for s in sys.argv[2:]:
    raw = s.encode()
    needles = [raw]
    for pad in range(3):
        enc = base64.b64encode(b"\0" * pad + raw)
        start = (pad * 4 + 2) // 3  # drop the characters that depend on neighbours
        end = len(enc) - 3
        if end - start >= 4:
            needles.append(enc[start:end])
    for n in needles:
        if n in text:
            bad.append("secret #%d" % sys.argv[2:].index(s))
if bad:
    print("found:", ", ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

# A model's Knative service as "<latestReadyRevision> <resourceVersion> <image>".
ksvc_state() { # MODEL SERVICE
    kc get ksvc -n "$1" "$2" -o \
        jsonpath='{.status.latestReadyRevisionName} {.metadata.resourceVersion} {.spec.template.spec.containers[0].image}'
}

pass() { echo "ok: $(basename "$0") ($N_CHECKS checks)"; }
