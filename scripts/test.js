'use strict';
// `npm test`: the native suite (CMake + GoogleTest through ctest), then the
// JS suite (node --test). Both print their runner's summary; a failure in
// either fails the command. OFL_SANITIZE=address,undefined|thread builds
// the native suite with sanitizers (into build-<sanitizer>).
const { spawnSync } = require('child_process');
const path = require('path');
const { nodeTestArgs } = require('./test_files');

const root = path.join(__dirname, '..');
const nativeOnly = process.argv.includes('--native-only');
const jsOnly = process.argv.includes('--js-only');

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) {
    console.error(`offload test: cannot run ${cmd}: ${r.error.message}`);
    return 1;
  }
  return r.status === null ? 1 : r.status;
}

let failed = 0;
if (!jsOnly) {
  const san = process.env.OFL_SANITIZE || '';
  const dir = san ? `build-${san.replace(/,/g, '-')}` : 'build-native';
  const cfg = ['-S', '.', '-B', dir, '-DOFL_BUILD_TESTS=ON'];
  if (san) cfg.push(`-DOFL_SANITIZE=${san}`);
  failed |= run('cmake', cfg);
  if (!failed) failed |= run('cmake', ['--build', dir, '-j2']);
  if (!failed) {
    failed |= run('ctest', ['--test-dir', dir, '--output-on-failure', '-j2']);
  }
}
if (!nativeOnly) {
  let args = null;
  try {
    args = nodeTestArgs(process.versions.node);
  } catch (err) {
    console.error(`offload test: ${err.message}`);
    failed = 1;
  }
  if (args !== null) failed |= run(process.execPath, args);
}
process.exit(failed ? 1 : 0);
