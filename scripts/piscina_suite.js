'use strict';
// `npm run test:piscina`: piscina's own test suite, taken from the
// installed `piscina` devDependency, run against offload's WorkerPool.
// The suite's TypeScript (tests and fixtures) is transpiled with the
// `typescript` devDependency into a scratch copy of the package whose
// entry points are test/piscina/adapter.js, a name mapping. Nothing is
// fetched. Prints per-file and total counts; exits 1 below the target.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const TARGET = 0.9;
// Unit tests of piscina's internal FixedQueue and ArrayTaskQueue classes,
// not of the pool: queues.test.ts, and the first tests of
// fixed-queue.test.ts (its last two run a pool and are counted).
const LEFT_OUT = ['queues.test.ts'];
const LEFT_OUT_TESTS = new Set(['queue length',
  'queue length should not become negative', 'queue remove',
  'remove not queued task should not lead to errors',
  'removing elements from intermediate CircularBuffer should not lead to issues',
  'removing elements from first CircularBuffer should not lead to issues',
  'removing elements from last CircularBuffer should not lead to issues']);

const root = path.join(__dirname, '..');
const adapter = path.join(root, 'test', 'piscina', 'adapter.js');
// piscina's exports hide its package.json: walk up from its entry.
let pkgDir = path.dirname(require.resolve('piscina', { paths: [root] }));
while (!fs.existsSync(path.join(pkgDir, 'package.json'))) {
  pkgDir = path.dirname(pkgDir);
}
const ts = require(require.resolve('typescript', { paths: [root] }));
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json')));

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-piscina-'));
const write = (file, text) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const reexport = (file) => write(path.join(out, file),
  `module.exports = require(${JSON.stringify(adapter)});\n`);

// The package the suite sees as `..`, `../dist` and `piscina`.
// offload under piscina's name: offload's version.
const ownVersion = require(path.join(root, 'package.json')).version;
write(path.join(out, 'package.json'), JSON.stringify({
  name: 'piscina', version: ownVersion, main: 'index.js',
  exports: { import: './dist/esm-wrapper.mjs', require: './index.js' },
}, null, 2));
for (const f of ['index.js', 'dist/index.js', 'dist/main.js',
  'dist/common.js', 'dist/symbols.js']) reexport(f);
// The ESM face: every own name of the CommonJS one, as piscina's has.
const names = Object.getOwnPropertyNames(require(adapter))
  .filter((n) => !['prototype', 'length', 'name', 'default'].includes(n));
write(path.join(out, 'dist', 'esm-wrapper.mjs'),
  `import P from ${JSON.stringify(adapter)};\nexport default P;\n` +
  names.map((n) => `export const ${n} = P[${JSON.stringify(n)}];\n`)
    .join(''));
fs.mkdirSync(path.join(out, 'node_modules'));
fs.symlinkSync(out, path.join(out, 'node_modules', 'piscina'), 'dir');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022,
  esModuleInterop: true, resolveJsonModule: true,
};

// Tests become .js; fixtures keep their .ts names (the tests ask for them
// by name) with CommonJS inside, which require() loads.
const tests = [];
function copy(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'jest') copy(src, path.join(to, e.name));
      continue;
    }
    let dst = path.join(to, e.name);
    let text = fs.readFileSync(src, 'utf8');
    if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      text = ts.transpileModule(text, { compilerOptions, fileName: src })
        .outputText;
      if (e.name.endsWith('.test.ts')) {
        dst = dst.replace(/\.ts$/, '.js');
        if (!LEFT_OUT.includes(e.name)) tests.push(dst);
      }
    }
    write(dst, text);
  }
}
copy(path.join(pkgDir, 'test'), path.join(out, 'test'));

// One file per child, each under a deadline: a test that hangs costs its
// file, not the run.
const FILE_TIMEOUT_MS = 120000;
const verbose = process.argv.includes('--verbose');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const perFile = [];
for (const file of tests.sort()) {
  const base = path.basename(file);
  if (only.length > 0 && !only.some((o) => base.startsWith(o))) continue;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap',
    '--test-timeout=20000', file], {
    cwd: out, encoding: 'utf8', maxBuffer: 64 << 20, timeout: FILE_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    // The suite's own test dependencies (concat-stream, @napi-rs/nice) are
    // offload's devDependencies.
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
  });
  const tap = r.stdout || '';
  if (verbose) process.stdout.write(tap + (r.stderr || ''));
  const f = { file: base, pass: 0, fail: [], timedOut: r.error !== undefined };
  // A test whose assertion fails after it ended (an un-awaited
  // assert.rejects) is reported as passing, with a diagnostic: it fails.
  const late = new Set();
  for (const m of tap.matchAll(/^# Error: Test "(.*?)" at .* would have caused the test to fail/gm)) {
    late.add(m[1]);
  }
  for (const line of tap.split('\n')) {
    // Top-level tests only: subtests are indented.
    const res = /^(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO).*)?$/.exec(line);
    if (!res || LEFT_OUT_TESTS.has(res[2])) continue;
    if (res[1] === 'ok' && !late.has(res[2])) f.pass++;
    else f.fail.push(res[1] === 'ok' ? `${res[2]} (failed after it ended)` : res[2]);
  }
  // A file that dies before its tests report counts them all as failed.
  const src = fs.readFileSync(file, 'utf8');
  const declared = (src.match(
    /^\s*(?:\(0, node_test_1\.(?:default|test)\)|test)\(/gm) || []).length -
    [...LEFT_OUT_TESTS].filter((n) => src.includes(`('${n}'`)).length;
  const reported = f.pass + f.fail.length;
  if (declared > reported) {
    f.fail.push(`${declared - reported} more test(s) that never reported`);
    f.missing = declared - reported;
  }
  perFile.push(f);
}
let pass = 0;
let total = 0;
for (const f of perFile) {
  pass += f.pass;
  total += f.pass + f.fail.length + (f.missing ? f.missing - 1 : 0);
  console.log(`${f.pass}/${f.pass + f.fail.length + (f.missing ? f.missing - 1 : 0)}  ${f.file}` +
    (f.timedOut ? `  (killed after ${FILE_TIMEOUT_MS} ms)` : ''));
  for (const name of f.fail) console.log(`      not ok: ${name}`);
}
console.log(`\npiscina ${pkg.version} suite against offload: ${pass} of ` +
  `${total} tests pass (${total ? (100 * pass / total).toFixed(1) : 0}%); ` +
  `left out: ${LEFT_OUT.join(', ')} and ${LEFT_OUT_TESTS.size} unit ` +
  'tests of FixedQueue in fixed-queue.test.ts');
if (!process.argv.includes('--keep')) {
  fs.rmSync(out, { recursive: true, force: true });
} else {
  console.log(`scratch copy kept in ${out}`);
}
process.exit(total > 0 && pass / total >= TARGET ? 0 : 1);
