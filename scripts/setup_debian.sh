#!/usr/bin/env bash
# Installs what building and testing offload needs on Debian/Ubuntu.
# Used by the README Quickstart, .ci/run and the Linux CI jobs.
# --arm64 adds the arm64 cross compiler and qemu-user for
# scripts/test_arm64.sh.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

PKGS=(
  build-essential python3 cmake pkg-config clang
  libuv1-dev libssl-dev zlib1g-dev libdeflate-dev libzstd-dev liblz4-dev
  libbrotli-dev libxxhash-dev libargon2-dev libgtest-dev
  gzip zstd lz4 brotli
  python3-passlib python3-argon2 python3-bcrypt
)

if [ "${1:-}" = "--arm64" ]; then
  PKGS+=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-user ninja-build)
fi

# Headless Chromium for the dashboard test (test/js/service). Ubuntu's
# chromium package is a snap stub, so only Debian gets it here; elsewhere
# the test is skipped outside CI.
if grep -qs '^ID=debian' /etc/os-release; then
  PKGS+=(chromium)
fi

# A Debian 'nodejs' package keeps its headers in libnode-dev; official
# builds ship them in <prefix>/include/node.
prefix=$(node -p "require('path').resolve(process.execPath, '..', '..')")
if [ ! -f "$prefix/include/node/node_api.h" ]; then
  PKGS+=(libnode-dev)
fi

$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${PKGS[@]}"
