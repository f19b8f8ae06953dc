#!/usr/bin/env bash
# Quick start: installs what is missing, builds ttstui, starts a local demo
# cluster seeded with realistic models, opens ttstui on it, and stops the
# cluster when ttstui exits.
#   scripts/demo.sh [demo-cluster flags] [-- ttstui flags]
# e.g. scripts/demo.sh --models 1000 --revisions 20 -- --theme light
set -euo pipefail
cd "$(dirname "$0")/.."

cluster_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cluster_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target ttstui ttstui-demo-cluster

tmp=$(mktemp -d)
cleanup() {
  if [ -n "${cluster_pid:-}" ]; then
    kill "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

build/ttstui-demo-cluster --listen 127.0.0.1:0 --kubeconfig-out "$tmp/kubeconfig" \
  ${cluster_args[@]+"${cluster_args[@]}"} >"$tmp/cluster.out" 2>"$tmp/cluster.err" &
cluster_pid=$!

for _ in $(seq 1 100); do
  grep -q '^listening on ' "$tmp/cluster.out" 2>/dev/null && break
  if ! kill -0 "$cluster_pid" 2>/dev/null; then
    echo "demo: the demo cluster did not start:" >&2
    cat "$tmp/cluster.err" >&2
    exit 1
  fi
  sleep 0.1
done
if ! grep -q '^listening on ' "$tmp/cluster.out"; then
  echo "demo: the demo cluster did not report 'listening on' within 10 s" >&2
  exit 1
fi
echo "demo: $(head -n1 "$tmp/cluster.out") (kubeconfig $tmp/kubeconfig)"

build/ttstui --kubeconfig "$tmp/kubeconfig" "$@"
