'use strict';
// piscina's loading: filename optional in the constructor and given per
// run(); require() first, then import(); a Promise export.
const test = require('node:test');
const assert = require('node:assert');
const { pathToFileURL } = require('node:url');
const { WorkerPool } = require('../../..');
const { fixture, ECHO } = require('../fixtures/pool/setup');

function pool(t, options) {
  const p = new WorkerPool({ minThreads: 1, maxThreads: 1, ...options });
  t.after(() => p.destroy());
  return p;
}

test('pool_filename_given_per_run', async (t) => {
  const p = pool(t);
  assert.strictEqual(p.options.filename, null);
  await assert.rejects(p.run(1), {
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'filename must be provided to run() or in options object',
  });
  assert.strictEqual(await p.run(4, { filename: ECHO }), 4);
  assert.strictEqual(await p.run(3, { filename: pathToFileURL(
    fixture('esm.mjs')) }), 9);
  await assert.rejects(p.run(1, { filename: 7 }),
    { code: 'ERR_INVALID_ARG_TYPE' });
});

test('pool_per_run_filename_overrides_the_pools', async (t) => {
  const p = pool(t, { filename: ECHO });
  assert.strictEqual(await p.run(5, { filename: fixture('esm.mjs') }), 25);
  assert.strictEqual(await p.run(5), 5);
});

test('pool_loads_commonjs_with_require_and_accepts_a_promise_export',
  async (t) => {
    const p = pool(t, { filename: fixture('promised.js') });
    assert.strictEqual(await p.run(2), 'promised 2');
    assert.strictEqual(await p.run(2, { name: 'later' }), 'later 2');
    // require() ran it: the require cache knows the module.
    assert.strictEqual(await p.run(null, { name: 'viaRequire' }), true);
    assert.strictEqual(await p.run(2, { filename: fixture(
      'promised_module.js') }), 20);
  });

test('pool_require_hook_in_exec_argv_loads_other_extensions', async (t) => {
  // A --require hook teaching require() a new extension, as tsx or ts-node
  // do for .ts: import() alone would fail with ERR_UNKNOWN_FILE_EXTENSION.
  const p = pool(t, { filename: fixture('hooked.task'),
    execArgv: ['--require', fixture('task_hook.js')] });
  assert.strictEqual(await p.run(6), 7);
});
