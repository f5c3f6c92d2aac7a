'use strict';
// The one loader line. node-gyp-build takes a local build (build/Release)
// when one exists, else the matching prebuilds/<platform>-<arch> binary:
// an install that found a prebuild never compiles, so it never has a
// build/ to shadow it. On failure, one error that says what was tried and
// how to fix it.
const path = require('path');
const { foreignLibnode, foreignLibnodeMessage } = require('./linked_node');

const root = path.join(__dirname, '..');

// Resolves first, so a binary that links a foreign libnode is refused
// before dlopen: loading it would crash the process, not throw.
function open() {
  const gypBuild = require('node-gyp-build');
  if (typeof gypBuild.path !== 'function') return gypBuild(root);
  const file = gypBuild.path(root);
  const lib = foreignLibnode(file);
  if (lib !== null) throw new Error(foreignLibnodeMessage(file, lib));
  const addon = require(file);
  // Where it came from: a pool worker loads this same file directly,
  // without resolving and checking it again (lib/pool/wake.js).
  Object.defineProperty(addon, 'file', { value: file });
  return addon;
}

function load() {
  try {
    return open();
  } catch (cause) {
    const where = `${process.platform}-${process.arch}`;
    const err = new Error(
      `offload: could not load the native addon for ${where} ` +
      `(Node ${process.version}, Node-API ${process.versions.napi}).\n` +
      `Tried: ${path.join(root, 'prebuilds', where)} (prebuilt binaries), ` +
      `${path.join(root, 'build', 'Release')} and ` +
      `${path.join(root, 'build', 'Debug')} (local builds).\n` +
      `Fix: reinstall without --ignore-scripts so it builds from source ` +
      `(needs a C compiler, Python 3 and the codec libraries; see the ` +
      `README's "Building from source"), or run \`npm run build\` in ` +
      `${root}.\nCause: ${cause && cause.message}`);
    err.code = 'ERR_OFFLOAD_LOAD_FAILED';
    err.cause = cause;
    throw err;
  }
}

module.exports = load();
