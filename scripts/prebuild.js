'use strict';
// `npm run prebuild`: prebuildify for this machine's platform/arch/libc,
// offline against the running Node's headers when it ships them
// (npm_config_nodedir is set for this command only, never in ~/.npmrc).
const { spawnSync } = require('child_process');
const path = require('path');
const { localNodeDir } = require('./build');

const root = path.join(__dirname, '..');
const env = { ...process.env };
const nodedir = env.npm_config_nodedir || localNodeDir();
if (nodedir) env.npm_config_nodedir = nodedir;

// Shipped binaries are built with clang where it is installed: gcc 12
// compiles xxHash's XXH64 loop ~30% slower (docs/benchmarks.md).
if (!env.CC && spawnSync('clang', ['--version']).status === 0) {
  env.CC = 'clang';
  env.CXX = 'clang++';
  env.LINK = 'clang'; // a C link: no libstdc++ dependency
}

const args = ['--napi', '--strip'];
if (process.platform === 'linux') args.push('--tag-libc');
const bin = require.resolve('prebuildify/bin.js');
const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status || 1);
const check = spawnSync(process.execPath, [path.join(__dirname, 'check_binary.js')],
  { cwd: root, stdio: 'inherit' });
process.exit(check.status === null ? 1 : check.status);
