#!/usr/bin/env bash
# Installs whatever ttstui needs to build, test and run its demo cluster on
# Debian 12 / Ubuntu, and nothing that is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libncurses-dev libcurl4-openssl-dev libjansson-dev libyaml-dev libyajl-dev
  libcmocka-dev libjsonnet-dev libmicrohttpd-dev libgnutls28-dev
  jsonnet tmux valgrind clang libclang-rt-14-dev openssl ca-certificates
  groff-base man-db mandoc zsh dpkg-dev time jq curl python3
  docker-registry skopeo apache2-utils python3-cryptography
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "install ok installed" >/dev/null; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
