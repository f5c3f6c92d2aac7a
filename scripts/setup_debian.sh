#!/usr/bin/env bash
# Installs what building and testing offload needs on Debian/Ubuntu.
# Used by the README Quickstart, .ci/run and the Linux CI jobs.
# --arm64 adds the arm64 cross compiler, qemu-user and the arm64 codec
# archives (multiarch) for the arm64 prebuild and scripts/test_arm64.sh
# (Debian only: its mirror serves every arch; Ubuntu's arm64 packages live
# on ports.ubuntu.com, so there --arm64 installs just the toolchain).
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

# The arm64 prebuild links the arm64 builds of the same static archives
# (Debian multiarch: headers shared, archives in /usr/lib/aarch64-linux-gnu).
ARM64_LIBS=(libzstd-dev:arm64 liblz4-dev:arm64 libbrotli-dev:arm64
  libdeflate-dev:arm64 libxxhash-dev:arm64 libargon2-dev:arm64)
if [ "${1:-}" = "--arm64" ]; then
  PKGS+=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-user ninja-build)
  if grep -qs '^ID=debian' /etc/os-release; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      $SUDO dpkg --add-architecture arm64
    fi
    PKGS+=("${ARM64_LIBS[@]}")
  else
    echo "setup_debian: not Debian: no arm64 codec archives (the arm64" \
      "prebuild needs them; the kernel tests do not)" >&2
  fi
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
