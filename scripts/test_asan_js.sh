#!/usr/bin/env bash
# The JS suite against an ASan+UBSan build of the addon (RELIABILITY.md
# #37): Node itself is not instrumented, the addon is, and gcc's libasan
# and libubsan are preloaded so they own malloc. Built in a temporary copy,
# so the tree's own build/ is untouched. Prints node --test's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root"/lib "$root"/src "$root"/scripts "$root"/test "$root"/examples \
  "$root"/binding.gyp "$root"/package.json "$root"/index.d.ts "$work"/
ln -s "$root"/node_modules "$work"/node_modules
cd "$work"
CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  LDFLAGS="-fsanitize=address,undefined" node scripts/build.js >build.log 2>&1 ||
  { tail -30 build.log; exit 1; }
preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
# Leak checking is off: Node's own allocations are not ours to judge.
# Every JS test but the packaging ones (an instrumented binary depends on
# libasan by design; the workflow files, docs and bench/ are not copied,
# and the tree checks need nothing native).
tests=$(node scripts/test_files.js | grep -v -e /install -e /workflows -e /layout -e /doc_examples)
# One file at a time where the runner can (Node >= 20.10), as npm test.
conc=""
if node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)'; then
  conc="--test-concurrency=1"
fi
# shellcheck disable=SC2086
LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 OFL_UNDER_ASAN=1 \
  node --test $conc $tests
