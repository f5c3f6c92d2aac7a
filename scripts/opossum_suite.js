'use strict';
// Runs opossum's own test suite against offload.CircuitBreaker.
//
//   OFFLOAD_OPOSSUM_SUITE=/path/to/opossum npm run test:opossum
//
// The suite is not in this repository and nothing is fetched here. Get it
// once (any opossum 10 checkout; its tests use `tape`):
//   git clone https://github.com/nodeshift/opossum /path/to/opossum
//   cd /path/to/opossum && npm install
// (only tape is needed: a node_modules with tape 5 that Node resolves from
// the checkout, e.g. <checkout>/node_modules/tape, is enough).
//
// How: the suite's test files are copied unchanged into a scratch folder
// whose index.js (what `require('../')` finds) is a thin adapter that only
// maps names onto offload: CircuitBreaker, plus lib/status.js and
// lib/cache.js for the Status and MemoryCache classes. Every file runs
// twice, against opossum's own lib (the reference: which tests and
// assertions exist) and against offload. Tests of opossum's internal
// classes are left out, by name (EXCLUDED below). Exit code: 0 when at
// least OFFLOAD_OPOSSUM_MIN percent (default 95) of the tests pass.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

// Tests of opossum's internal Semaphore and MemoryCache classes: not part
// of the breaker's API.
const EXCLUDED_FILES = ['semaphore-test.js'];
const EXCLUDED = {
  'cache.js': ['Default max size of cache.', 'Enforcement of cache max size.',
    'Flush cache.', 'TTL is checked and entry removed when expired.'],
};

function fail(msg) {
  console.error(msg);
  process.exit(2);
}

function suitePath() {
  const suite = process.env.OFFLOAD_OPOSSUM_SUITE;
  if (!suite) {
    fail('OFFLOAD_OPOSSUM_SUITE is not set. It must name a checkout of ' +
      'opossum 10 (github.com/nodeshift/opossum) with tape installed:\n' +
      '  git clone https://github.com/nodeshift/opossum /tmp/opossum\n' +
      '  (cd /tmp/opossum && npm install)   # only its tape is needed\n' +
      '  OFFLOAD_OPOSSUM_SUITE=/tmp/opossum npm run test:opossum');
  }
  const dir = path.resolve(suite);
  if (!fs.existsSync(path.join(dir, 'test', 'test.js')) ||
      !fs.existsSync(path.join(dir, 'lib', 'circuit.js'))) {
    fail(`${dir} does not look like an opossum checkout (no test/test.js ` +
      'or lib/circuit.js)');
  }
  return dir;
}

function tapeModules(suite) {
  let main;
  try {
    main = require.resolve('tape', { paths: [suite] });
  } catch {
    fail(`tape is not installed in ${suite}: run ` +
      `(cd ${suite} && npm install)`);
  }
  // .../node_modules/tape/index.js -> .../node_modules
  let dir = path.dirname(main);
  while (path.basename(dir) !== 'node_modules') dir = path.dirname(dir);
  return dir;
}

/** A scratch copy of the suite's tests whose `require('../')` is `lib`. */
function scratch(suite, modules, target) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `opossum-${target}-`));
  fs.cpSync(path.join(suite, 'test'), path.join(dir, 'test'),
    { recursive: true });
  fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  fs.mkdirSync(path.join(dir, 'lib'));
  const write = (file, body) => fs.writeFileSync(path.join(dir, file),
    `'use strict';\n${body}\n`);
  if (target === 'opossum') {
    for (const f of ['circuit', 'status', 'cache', 'semaphore']) {
      write(`lib/${f}.js`, `module.exports = require(${
        JSON.stringify(path.join(suite, 'lib', f + '.js'))});`);
    }
    write('index.js', "module.exports = require('./lib/circuit');");
  } else {
    // The adapter: names only, no behaviour.
    const off = JSON.stringify(path.join(ROOT, 'lib', 'index.js'));
    write('lib/circuit.js', `module.exports = require(${off}).CircuitBreaker;`);
    write('lib/status.js',
      `module.exports = require(${off}).breakers.Status;`);
    write('lib/cache.js',
      `module.exports = require(${off}).breakers.MemoryCache;`);
    write('index.js', "module.exports = require('./lib/circuit');");
  }
  return dir;
}

/** Parses tape's TAP output into [{ name, ok, fail }] in order. */
function parseTap(out) {
  const tests = [];
  let cur = null;
  for (const line of out.split('\n')) {
    let m;
    if ((m = /^# (.*)$/.exec(line)) !== null) {
      if (/^(tests|pass|fail|todo|skip)\s+\d+$/.test(m[1]) || m[1] === 'ok') {
        cur = null;
        continue;
      }
      cur = { name: m[1], ok: 0, fail: 0 };
      tests.push(cur);
    } else if ((m = /^(not )?ok \d+/.exec(line)) !== null && cur !== null) {
      if (m[1]) cur.fail++;
      else cur.ok++;
    }
  }
  return tests;
}

function runFile(dir, file) {
  const r = spawnSync(process.execPath, [path.join(dir, 'test', file)], {
    cwd: dir, encoding: 'utf8', timeout: 120000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const tests = parseTap(r.stdout || '');
  // A crash or a hang ends the file: its unfinished test fails.
  if (r.status !== 0 && tests.length > 0 && r.error) tests.at(-1).fail++;
  return { tests, status: r.status, stderr: r.stderr || '' };
}

function main() {
  const suite = suitePath();
  const modules = tapeModules(suite);
  const files = fs.readdirSync(path.join(suite, 'test'))
    .filter((f) => f.endsWith('.js') && f !== 'common.js' &&
      !EXCLUDED_FILES.includes(f)).sort();
  const refDir = scratch(suite, modules, 'opossum');
  const offDir = scratch(suite, modules, 'offload');
  const verbose = process.argv.includes('--verbose');
  const total = { tests: 0, passed: 0, asserts: 0, assertsPassed: 0,
    refPassed: 0 };
  const failed = [];
  try {
    for (const file of files) {
      const skip = EXCLUDED[file] || [];
      const ref = runFile(refDir, file).tests.filter(
        (t) => !skip.includes(t.name));
      const got = runFile(offDir, file);
      const byName = new Map();
      for (const t of got.tests) {
        if (!byName.has(t.name)) byName.set(t.name, []);
        byName.get(t.name).push(t);
      }
      for (const t of ref) {
        const g = (byName.get(t.name) || []).shift();
        const planned = t.ok + t.fail;
        total.tests++;
        total.asserts += planned;
        if (t.fail === 0) total.refPassed++;
        const ok = g !== undefined && g.fail === 0 && g.ok >= planned;
        if (ok) total.passed++;
        else failed.push(`${file}: ${t.name}`);
        if (g !== undefined) total.assertsPassed += Math.min(g.ok, planned);
      }
      if (verbose && got.stderr) {
        console.log(`--- ${file} stderr\n${got.stderr.slice(0, 4000)}`);
      }
    }
  } finally {
    fs.rmSync(refDir, { recursive: true, force: true });
    fs.rmSync(offDir, { recursive: true, force: true });
  }
  for (const f of failed) console.log(`not ok  ${f}`);
  const pct = (100 * total.passed / total.tests).toFixed(1);
  console.log(`\nopossum suite (${path.basename(suite)}), ${files.length} ` +
    `files; left out: ${EXCLUDED_FILES.join(', ')} (Semaphore), ` +
    `${EXCLUDED['cache.js'].length} MemoryCache tests in cache.js`);
  console.log(`tests:      ${total.passed} of ${total.tests} pass (${pct}%)` +
    ` (opossum itself: ${total.refPassed})`);
  console.log(`assertions: ${total.assertsPassed} of ${total.asserts} pass`);
  const min = Number(process.env.OFFLOAD_OPOSSUM_MIN || 95);
  process.exitCode = 100 * total.passed >= min * total.tests ? 0 : 1;
}

main();
