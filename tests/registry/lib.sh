# Helpers for the tests against a real registry (Debian's docker-registry,
# the CNCF distribution registry) filled by skopeo from OCI layouts built
# here (oci.py). Sourced by the *.test.sh of this folder, after which the
# CLI helpers of tests/lib/cli.sh (run_bare, assert_*) are there too.
TT_TMP_PREFIX=ttstui-reg
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
REG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3 # Debian's, with python3-cryptography
for tool in docker-registry skopeo; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
export DOCKER_CONFIG="$TT_TMP/docker" # never the user's credentials
mkdir -p "$DOCKER_CONFIG"
REG_PIDS=()

reg_cleanup() {
    local rc=$? p # the test's status, which tt_cleanup exits with
    for p in "${REG_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    (exit "$rc")
    tt_cleanup
}
trap reg_cleanup EXIT

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port_file FILE PID: until the server wrote its port (or died).
wait_port_file() {
    local i
    for i in $(seq 1 600); do
        [[ -s "$1" ]] && return 0
        kill -0 "$2" 2>/dev/null || fail "server $2 exited before listening"
        sleep 0.05
    done
    fail "server $2 wrote no port to $1"
}

# start_registry NAME [AUTH-YAML]: a registry on a free loopback port,
# answering /v2/ (any status) before this returns. Sets REG (host:port).
start_registry() {
    local name=$1 auth=${2:-} dir="$TT_TMP/reg-$1" attempt pid i code
    mkdir -p "$dir/data"
    for attempt in 1 2 3; do # another process may take the free port first
        local port
        port=$(free_port)
        cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth
YAML
        docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
        pid=$!
        for i in $(seq 1 600); do
            code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
            [[ "$code" == 400 ]] && # speaks TLS
                code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/v2/" || true)
            if [[ "$code" == 200 || "$code" == 401 ]]; then
                REG_PIDS+=("$pid")
                REG="127.0.0.1:$port"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    cat "$dir/log" >&2
    fail "registry $name did not start"
}

# start_fake MODE [ARG]: fake_registry.py on a free port; sets FAKE (host:port).
start_fake() {
    local pf="$TT_TMP/fake-$1-$RANDOM.port"
    "$PY" "$REG_DIR/fake_registry.py" "$1" "$pf" "${2:-}" >/dev/null 2>&1 &
    local pid=$!
    REG_PIDS+=("$pid")
    wait_port_file "$pf" "$pid"
    FAKE="127.0.0.1:$(cat "$pf")"
}

# layout DIR TAG CONTENT [--multi]: add an image to an OCI layout; prints its digest.
layout() { "$PY" "$REG_DIR/oci.py" "$@"; }

# push DIR TAG REPO [skopeo flags]: copy oci:DIR:TAG to $REG/REPO:TAG.
push() {
    local dir=$1 tag=$2 repo=$3
    shift 3
    skopeo copy -q --all --preserve-digests "oci:$dir:$tag" "docker://$REG/$repo:$tag" \
        --dest-tls-verify=false "$@" >"$TT_TMP/skopeo.log" 2>&1 \
        || { cat "$TT_TMP/skopeo.log" >&2; fail "skopeo copy $dir:$tag to $REG/$repo failed"; }
}

# skopeo_digest IMAGE [skopeo flags]: sha256 of the raw manifest, as the registry serves it.
skopeo_digest() {
    local img=$1
    shift
    echo "sha256:$(skopeo inspect --raw --tls-verify=false "$@" "docker://$img" | sha256sum | cut -d' ' -f1)"
}
