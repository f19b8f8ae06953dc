#!/usr/bin/env bash
# bench/registry.sh: image tag to digest latency against a local registry
# (docker-registry with token auth, the issuer of tests/registry), next to
# `skopeo inspect --raw` measured in the same run. Prints table rows
# "measure|value|goal|result" on stdout (bench/run.sh adds them to its
# table) or, alone, a small table.
#   bench/registry.sh BUILD-DIR [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: bench/registry.sh BUILD-DIR [RUNS]}
runs=${2:-20}
ttstui="$build/ttstui"
bench="$build/ttstui-registry-bench"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
for tool in docker-registry skopeo openssl curl; do
  command -v "$tool" >/dev/null ||
    { echo "bench/registry.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/ttstui-regbench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export DOCKER_CONFIG="$tmp/docker"
mkdir -p "$DOCKER_CONFIG"

pass="bench-$RANDOM"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=ttstui-test-issuer -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
"$PY" "$root/tests/registry/token_server.py" "$tmp/token.port" "$tmp/key.pem" "$tmp/cert.pem" \
  bench "$pass" "$tmp/token.log" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 600); do [ -s "$tmp/token.port" ] && break; sleep 0.05; done
[ -s "$tmp/token.port" ] || { echo "bench/registry.sh: the token issuer did not start" >&2; exit 1; }
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/data
http:
  addr: 127.0.0.1:$port
auth:
  token:
    realm: http://127.0.0.1:$(cat "$tmp/token.port")/token
    service: ttstui-bench
    issuer: ttstui-test-issuer
    rootcertbundle: $tmp/cert.pem
YAML
docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
  [ "$code" = 401 ] && break
  sleep 0.05
done
[ "$code" = 401 ] || { cat "$tmp/registry.log" >&2; echo "bench/registry.sh: the registry did not start" >&2; exit 1; }
reg="127.0.0.1:$port"
"$PY" "$root/tests/registry/oci.py" "$tmp/layout" v1 bench --multi >/dev/null
skopeo copy -q --all --preserve-digests "oci:$tmp/layout:v1" "docker://$reg/acme/tts:v1" \
  --dest-tls-verify=false --dest-creds "bench:$pass" >/dev/null
printf '{"auths": {"%s": {"auth": "%s"}}}' "$reg" "$(printf 'bench:%s' "$pass" | base64 -w0)" \
  >"$DOCKER_CONFIG/config.json"
img="$reg/acme/tts:v1"

# Both digests must agree before any time counts.
want="$reg/acme/tts@sha256:$(skopeo inspect --raw --tls-verify=false --creds "bench:$pass" "docker://$img" | sha256sum | cut -d' ' -f1)"
got=$("$ttstui" image resolve "$img")
[ "$got" = "$want" ] || { echo "bench/registry.sh: ttstui says $got, skopeo $want" >&2; exit 1; }

median_ms() { # command... : median wall time of $runs runs, in ms
  # The clock is bash's own $EPOCHREALTIME (microseconds): a $(date) would
  # start a process inside every sample, adding the same few ms to both
  # tools and pulling their ratio towards 1.
  local i t0 ts=()
  for ((i = 0; i < runs; i++)); do
    t0=${EPOCHREALTIME/./}
    "$@" >/dev/null
    ts+=($(( ${EPOCHREALTIME/./} - t0 )))
  done
  printf '%s\n' "${ts[@]}" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}
skopeo_ms=$(median_ms skopeo inspect --raw --tls-verify=false --creds "bench:$pass" "docker://$img")
cli_ms=$(median_ms "$ttstui" image resolve "$img")
read -r cold warm rc rw <<<"$("$bench" "$img" "$runs" | sed 's/[a-z_]*=//g')"

ratio=$(awk -v a="$cli_ms" -v b="$skopeo_ms" 'BEGIN{printf "%.2f", a / b}')
res=$(awk -v r="$ratio" 'BEGIN{exit !(r <= 0.7)}' && echo PASS || echo MISS)
rows=(
  "skopeo inspect --raw wall (token + GET, a process; $runs runs, median)|${skopeo_ms} ms|-|-"
  "ttstui image resolve wall (token + HEAD, a process) / skopeo|${cli_ms} ms / ${skopeo_ms} ms = ${ratio}x|<= 0.7x|$res"
  "registry resolve in-process cold (connect, token + HEAD: $rc requests)|${cold} ms|-|-"
  "registry resolve in-process warm (HEAD: $rw request, token cached)|${warm} ms|-|-"
)
printf '%s\n' "${rows[@]}"
