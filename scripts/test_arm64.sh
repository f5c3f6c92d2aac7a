#!/usr/bin/env bash
# The BLAKE3 (NEON) and CRC32C (ARMv8 CRC) kernels and their runtime
# dispatch, cross-built for arm64 and tested under qemu-user: the test
# runs on qemu's default `max` CPU, then detection and fallback again on a
# plain ARMv8.0 CPU model. Only the kernels are built (OFL_KERNELS_ONLY):
# the other hashes need arm64 builds of OpenSSL/xxHash/libdeflate.
# Needs: sudo bash scripts/setup_debian.sh --arm64 (cross gcc, qemu-user).
# Prints one summary line, "test-arm64: PASS|FAIL ...", and exits non-zero
# on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=${OFL_ARM64_BUILD_DIR:-build-arm64}
sysroot=/usr/aarch64-linux-gnu
start=$(date +%s)

fail() {
  echo "test-arm64: FAIL ($1, $(($(date +%s) - start)) s)"
  exit 1
}

for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ qemu-aarch64 cmake; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found: run sudo bash scripts/setup_debian.sh --arm64"
done

# Ninja compiles GoogleTest and the test file at once (make: one target
# after the other); a build dir keeps the generator it was made with.
gen=()
if command -v ninja >/dev/null && [ ! -f "$dir/CMakeCache.txt" ]; then
  gen=(-G Ninja)
fi
mkdir -p "$dir"
log="$dir/build.log"
cmake -S . -B "$dir" "${gen[@]}" \
  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
  -DOFL_KERNELS_ONLY=ON -DOFL_BUILD_TESTS=ON >"$log" 2>&1 ||
  { cat "$log"; fail "cmake configure"; }
cmake --build "$dir" -j2 >>"$log" 2>&1 || { tail -40 "$log"; fail "cross build"; }

# ctest runs each test through the toolchain's CMAKE_CROSSCOMPILING_EMULATOR.
ctest --test-dir "$dir" --output-on-failure -j2 | tail -n +2 ||
  fail "tests under qemu-aarch64 -cpu max"

bin="$dir/test/native/hash_kernels_tests"
detect='HashKernels.DetectsEveryKernelThisCpuHas:HashKernels.FallsBack*'
kernels=$(qemu-aarch64 -L "$sysroot" "$bin" --gtest_filter="$detect" |
  sed -n 's/^kernels tested: //p')
[ -n "$kernels" ] || fail "no kernel list from $bin"
QEMU_CPU=cortex-a53 qemu-aarch64 -L "$sysroot" "$bin" --gtest_brief=1 \
  --gtest_filter="$detect" || fail "detection under qemu-aarch64 -cpu cortex-a53"

echo "test-arm64: PASS (hash kernels under qemu-aarch64, cpu max and" \
  "cortex-a53; kernels: $kernels; $(($(date +%s) - start)) s)"
