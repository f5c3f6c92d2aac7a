'use strict';
// Options are read as own properties only: a polluted Object.prototype
// reaches no worker and no option (piscina copies options the same way).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WorkerPool, configure } = require('../../..');
const { ECHO } = require('../fixtures/pool/setup');

// Sets `props` on Object.prototype while `fn` runs, synchronously.
function polluted(props, fn) {
  const keys = Object.keys(props);
  for (const k of keys) {
    Object.defineProperty(Object.prototype, k, {
      value: props[k], configurable: true, writable: true,
    });
  }
  try {
    return fn();
  } finally {
    for (const k of keys) delete Object.prototype[k];
  }
}

test('pool_polluted_prototype_reaches_no_worker', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-pp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const evil = path.join(dir, 'evil.js');
  const mark = path.join(dir, 'ran');
  fs.writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(mark)}, '1');`);
  const pool = polluted({
    execArgv: ['--require', evil], eval: true, argv: ['--evil'],
    env: { OFFLOAD_POOL_TEST: 'evil' }, stdout: true, taskTimeout: 1,
    maxOldGenerationSizeMb: 1, name: 'environment',
  }, () => new WorkerPool({ filename: ECHO, minThreads: 1, maxThreads: 1,
    resourceLimits: {} }));
  t.after(() => pool.destroy());
  assert.strictEqual(pool.options.taskTimeout, 0);
  assert.strictEqual(pool.options.name, 'default');
  const info = await pool.run(null, { name: 'environment' });
  // The test runner's own flags are inherited; evil.js's are not.
  assert.deepStrictEqual(info.execArgv, process.execArgv);
  assert.ok(!info.execArgv.includes(evil));
  assert.deepStrictEqual(info.argv, []);
  assert.strictEqual(info.env, process.env.OFFLOAD_POOL_TEST);
  assert.strictEqual(fs.existsSync(mark), false, 'evil.js never ran');
  assert.strictEqual(pool.threads[0].resourceLimits.maxOldGenerationSizeMb >
    1, true);
});

test('pool_run_and_close_options_ignore_prototype', async (t) => {
  const pool = new WorkerPool({ filename: ECHO, minThreads: 1,
    maxThreads: 1 });
  t.after(() => pool.destroy());
  const p = polluted({ name: 'exit', timeout: 1, transferList: [1] },
    () => pool.run(3, {}));
  assert.strictEqual(await p, 3);
  const closing = polluted({ force: 'yes' }, () => pool.close({}));
  await closing; // would reject: force must be a boolean
});

test('configure_reads_own_properties_only', () => {
  // A polluted `threads` would otherwise try to reconfigure the executor.
  polluted({ threads: 3, maxQueue: 'x' }, () => configure({}));
});

test('image_descriptor_reads_own_properties_only', () => {
  const { resizeSync } = require('../../..');
  assert.throws(() => polluted({ channels: 1 }, () => resizeSync(
    { data: Buffer.from([0, 255]), width: 2, height: 1 }, { width: 1 })),
  { code: 'ERR_INVALID_ARG_TYPE' });
});
