# The demo cluster for every test script (sourced, not a test): one way to
# start it, wait until it serves, stop it, and check that nothing a test
# started outlives it. Sourced by tests/lib/cli.sh (integration, faults),
# tests/e2e/lib.sh and tests/demo-cluster/lib.sh; the caller defines fail.
#
#   demo_launch OUT KUBECONFIG LISTEN [flags...]
#       starts ttstui-demo-cluster --listen LISTEN --kubeconfig-out
#       KUBECONFIG [flags...], its stdout in OUT.out and stderr appended to
#       OUT.err, and waits (bounded by DEMO_START_WAIT_S, default 30 s) until
#       it says "listening on" and has written KUBECONFIG; sets
#       DEMO_LAST_PID and DEMO_LAST_URL
#   demo_stop PID        SIGCONT, SIGTERM and wait (no-op for "")
#   demo_stop_all        every cluster demo_launch started here
#   assert_gone PATTERN  waits (bounded) until no process's command line
#                        holds PATTERN (the test's temporary folder): a
#                        test leaves nothing behind; fails naming them
#   write_two_contexts KUBECONFIG CTX1 URL1 CTX2 URL2
#                        a kubeconfig of two clusters side by side: CTX1
#                        (the current one) on URL1, CTX2 on URL2; one
#                        context a line, for a test to add more

DEMO_BIN="${TTSTUI_DEMO_BIN:-${TTSTUI_BUILD_DIR:?TTSTUI_BUILD_DIR is not set}/ttstui-demo-cluster}"
DEMO_PIDS=()

demo_launch() {
    local out=$1 kc=$2 listen=$3
    shift 3
    rm -f "$kc" "$out.out"
    "$DEMO_BIN" --listen "$listen" --kubeconfig-out "$kc" "$@" >"$out.out" 2>>"$out.err" &
    DEMO_LAST_PID=$!
    DEMO_PIDS+=("$DEMO_LAST_PID")
    local limit=$(( $(date +%s) + ${DEMO_START_WAIT_S:-30} ))
    while :; do
        if grep -q '^listening on ' "$out.out" 2>/dev/null && [[ -s "$kc" ]]; then
            DEMO_LAST_URL="$(sed -n 's/^listening on //p' "$out.out")"
            return 0
        fi
        if ! kill -0 "$DEMO_LAST_PID" 2>/dev/null; then
            cat "$out.err" >&2
            fail "demo cluster exited at start ($*)"
        fi
        (( $(date +%s) <= limit )) || fail "demo cluster did not start within ${DEMO_START_WAIT_S:-30} s"
        sleep 0.05
    done
}

demo_stop() {
    [[ -n "${1:-}" ]] || return 0
    kill -CONT "$1" 2>/dev/null || true # a test may have paused it
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

demo_stop_all() {
    local pid
    for pid in "${DEMO_PIDS[@]}"; do
        demo_stop "$pid"
    done
    DEMO_PIDS=()
}

assert_gone() {
    local pattern=$1 left="" limit=$(( $(date +%s) + 20 ))
    while :; do
        left="$(pgrep -af -- "$pattern" | grep -v -e "pgrep" -e "^$$ " || true)"
        [[ -z "$left" ]] && return 0
        (( $(date +%s) <= limit )) || break
        sleep 0.1
    done
    echo "FAIL: processes left behind by the test:" >&2
    echo "$left" >&2
    local pid
    for pid in $(awk '{print $1}' <<<"$left"); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    return 1
}

write_two_contexts() {
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- {name: demo, cluster: {server: "$3"}}
- {name: second, cluster: {server: "$5"}}
users: [{name: demo, user: {}}]
contexts:
- {name: $2, context: {cluster: demo, user: demo, namespace: default}}
- {name: $4, context: {cluster: second, user: demo, namespace: default}}
current-context: $2
EOF
    chmod 600 "$1"
}
