'use strict';
// Builds the addon with node-gyp. Offline first: when the running Node
// ships its headers (<prefix>/include/node: official builds, and Debian's
// libnode-dev), node-gyp uses them instead of downloading. Otherwise the
// normal node-gyp path (download) runs, which needs internet.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { installHint } = require('./libs');
const {
  foreignLibnode, foreignLibnodeMessage,
} = require('../lib/linked_node');

const root = path.join(__dirname, '..');

function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const hdr = path.join(prefix, 'include', 'node');
  if (fs.existsSync(path.join(hdr, 'node_api.h')) &&
      fs.existsSync(path.join(hdr, 'common.gypi'))) return prefix;
  return null;
}

function nodeGypCommand() {
  // The project's own pinned node-gyp first (a devDependency: present in a
  // clone after `npm ci`), then the one bundled with the npm running us.
  // Which node-gyp builds must not decide what the addon links: Debian's
  // adds -lnode (binding.gyp removes it again, and checkBuilt() verifies).
  try {
    return [process.execPath,
      require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] })];
  } catch {}
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) return [process.execPath, fromNpm];
  // Run directly (not from npm): use the node-gyp bundled with the npm on
  // PATH, or next to this Node.
  const dirs = (process.env.PATH || '').split(path.delimiter);
  dirs.push(path.dirname(process.execPath));
  for (const dir of dirs) {
    for (const name of ['npm', 'npm.cmd']) {
      let npmBin;
      try {
        npmBin = fs.realpathSync(path.join(dir, name));
      } catch {
        continue;
      }
      const gyp = path.join(path.dirname(npmBin), '..', 'node_modules',
        'node-gyp', 'bin', 'node-gyp.js');
      if (fs.existsSync(gyp)) return [process.execPath, gyp];
    }
  }
  return [process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp'];
}

// Checks the codec libraries before node-gyp runs, so a missing -dev
// package gives one clear message (from libs.js) instead of a failed build.
function checkLibraries() {
  for (const what of ['cflags', 'libs']) {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'libs.js'), what],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) process.exit(1);
  }
}

// node-gyp-build loads build/{Release,Debug}/*.node whenever one exists:
// after a failed node-gyp run nothing may be left there. (A failed library
// check stops before node-gyp, whose `rebuild` starts by cleaning build/.)
function removeBuildOutput() {
  for (const dir of ['Release', 'Debug']) {
    fs.rmSync(path.join(root, 'build', dir), { recursive: true, force: true });
  }
}

// A binary that links a libnode other than this Node's crashes at load:
// never leave one behind.
function checkBuilt() {
  const file = path.join(root, 'build', 'Release', 'offload.node');
  if (!fs.existsSync(file)) return;
  const lib = foreignLibnode(file);
  if (lib === null) return;
  removeBuildOutput();
  console.error(`\noffload: the native build failed: ` +
    `${foreignLibnodeMessage(file, lib)}`);
  process.exit(1);
}

function build(extra = []) {
  checkLibraries();
  const args = ['rebuild', ...extra];
  const nodedir = process.env.npm_config_nodedir || localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  const [cmd, ...pre] = nodeGypCommand();
  const r = spawnSync(cmd, [...pre, ...args], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.error) console.error(`offload: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    removeBuildOutput();
    console.error(`\noffload: the native build failed (node-gyp ${args.join(' ')}).\n` +
      `${installHint()}\nFor a Debian 'nodejs' package, also its headers: apt-get install libnode-dev.`);
    process.exit(r.status || 1);
  }
  checkBuilt();
}

module.exports = { build, localNodeDir };
if (require.main === module) build(process.argv.slice(2));
