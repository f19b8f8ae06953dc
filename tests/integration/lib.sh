# Shared helpers for the integration tests: a private demo cluster per test
# script, a private audit log and settings, and assertions. Source it first.
set -euo pipefail

: "${TTSTUI_BIN:?TTSTUI_BIN must point at the ttstui binary}"
: "${TTSTUI_BUILD_DIR:?TTSTUI_BUILD_DIR must point at the build folder}"
DEMO_BIN="${TTSTUI_DEMO_BIN:-$TTSTUI_BUILD_DIR/ttstui-demo-cluster}"
TEST_DATA="${TTSTUI_TEST_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}"

TT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ttstui-it.XXXXXX")"
export XDG_STATE_HOME="$TT_TMP/state"
export XDG_CONFIG_HOME="$TT_TMP/config"
export NO_COLOR=1
unset TTSTUI_CONFIG KUBECONFIG
AUDIT_LOG="$XDG_STATE_HOME/ttstui/audit.log"
DEMO_PID=""
KC="$TT_TMP/kubeconfig"
# An image by digest, as the README asks for.
IMG="gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
IMG2="gcr.io/voice-service-2-313121/speech-api-worker@sha256:d9fcfc46c5fec6c096a71c1f185066b182be65a7f5feb838b641f8d92f9c4ec4"
N_CHECKS=0

tt_cleanup() {
    if [[ -n "$DEMO_PID" ]]; then
        kill "$DEMO_PID" 2>/dev/null || true
        wait "$DEMO_PID" 2>/dev/null || true
    fi
    rm -rf "$TT_TMP"
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

# start_demo [demo-cluster flags...]: a cluster on a free port; KC is its kubeconfig.
start_demo() {
    "$DEMO_BIN" --listen 127.0.0.1:0 --kubeconfig-out "$KC" --ready-delay-ms 300 "$@" \
        >"$TT_TMP/demo.out" 2>"$TT_TMP/demo.err" &
    DEMO_PID=$!
    for _ in $(seq 1 100); do
        if grep -q "listening on" "$TT_TMP/demo.out" 2>/dev/null && [[ -s "$KC" ]]; then
            return 0
        fi
        kill -0 "$DEMO_PID" 2>/dev/null || { cat "$TT_TMP/demo.err" >&2; fail "demo cluster exited"; }
        sleep 0.1
    done
    fail "demo cluster did not start"
}

# run_tt ARGS...: runs ttstui against the demo cluster without a controlling
# terminal (so confirmation prompts cannot be answered); sets RC, OUT, ERR
# and appends everything to $TT_TMP/all-output for the secret scans.
run_tt() {
    set +e
    setsid -w "$TTSTUI_BIN" --kubeconfig "$KC" "$@" </dev/null >"$TT_TMP/out" 2>"$TT_TMP/err"
    RC=$?
    set -e
    OUT="$(cat "$TT_TMP/out")"
    ERR="$(cat "$TT_TMP/err")"
    { cat "$TT_TMP/out" "$TT_TMP/err"; } >>"$TT_TMP/all-output"
}

# run_bare ARGS...: like run_tt without --kubeconfig.
run_bare() {
    set +e
    setsid -w "$TTSTUI_BIN" "$@" </dev/null >"$TT_TMP/out" 2>"$TT_TMP/err"
    RC=$?
    set -e
    OUT="$(cat "$TT_TMP/out")"
    ERR="$(cat "$TT_TMP/err")"
    { cat "$TT_TMP/out" "$TT_TMP/err"; } >>"$TT_TMP/all-output"
}

kc() { kubectl --kubeconfig "$KC" --cache-dir "$TT_TMP/kubectl-cache" "$@"; }

release_flags() { # MODEL VERSION [IMAGE]
    echo --env staging --model "$1" --version "$2" --image "${3:-$IMG}"
}

assert_rc() {
    N_CHECKS=$((N_CHECKS + 1))
    [[ "$RC" == "$1" ]] || fail "${2:-command}: exit status $RC, expected $1"
}
assert_contains() { # TEXT NEEDLE [what]
    N_CHECKS=$((N_CHECKS + 1))
    [[ "$1" == *"$2"* ]] || fail "${3:-output} does not contain '$2'"
}
assert_not_contains() {
    N_CHECKS=$((N_CHECKS + 1))
    [[ "$1" != *"$2"* ]] || fail "${3:-output} contains '$2'"
}
assert_eq() {
    N_CHECKS=$((N_CHECKS + 1))
    [[ "$1" == "$2" ]] || fail "${3:-value}: '$1' != '$2'"
}

# assert_no_secret FILE SECRET...: none of the secrets appears in FILE,
# plain or base64-encoded at any alignment inside a longer encoded text.
assert_no_secret() {
    local file="$1"; shift
    N_CHECKS=$((N_CHECKS + 1))
    python3 - "$file" "$@" <<'PY' || fail "a secret leaked into $1"
import base64, sys
text = open(sys.argv[1], "rb").read()
bad = []
for s in sys.argv[2:]:
    raw = s.encode()
    needles = [raw]
    for pad in range(3):
        enc = base64.b64encode(b"\0" * pad + raw)
        # drop the characters that depend on the neighbouring bytes
        start = (pad * 4 + 2) // 3
        end = len(enc) - 3
        if end - start >= 4:
            needles.append(enc[start:end])
    for n in needles:
        if n in text:
            bad.append("%s (as %r...)" % ("*" * 3, n[:4]))
if bad:
    print("secret found:", ", ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

# A model's Knative service as "<latestReadyRevision> <resourceVersion> <image>".
ksvc_state() { # MODEL SERVICE
    kc get ksvc -n "$1" "$2" -o \
        jsonpath='{.status.latestReadyRevisionName} {.metadata.resourceVersion} {.spec.template.spec.containers[0].image}'
}

pass() { echo "ok: $(basename "$0") ($N_CHECKS checks)"; }
