'use strict';
// Preloaded (NODE_OPTIONS=--require) into the arm64 Node that
// scripts/test_arm64.sh runs under qemu-user. Without binfmt_misc the host
// kernel cannot exec an arm64 binary, so a child spawned from
// process.execPath (node --test's per-file children, fork(), the tests'
// own subprocesses) would fail with ENOEXEC: point process.execPath at the
// shell wrapper that starts the same Node under qemu. NODE_OPTIONS carries
// this preload to every descendant.
const wrapper = process.env.OFL_QEMU_NODE;
if (!wrapper) throw new Error('qemu_exec_path.js: OFL_QEMU_NODE is not set');
process.execPath = wrapper;
