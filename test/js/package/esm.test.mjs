import test from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
import offload, { configure, stats, errors } from 'offload';

const require = createRequire(import.meta.url);

test('esm_and_cjs_share_one_implementation', () => {
  const cjs = require('offload');
  assert.strictEqual(offload, cjs);
  assert.strictEqual(configure, cjs.configure);
  assert.strictEqual(stats, cjs.stats);
  assert.strictEqual(errors, cjs.errors);
});

test('esm_exports_worker_pool', async () => {
  const { WorkerPool } = await import('offload');
  assert.strictEqual(WorkerPool, require('offload').WorkerPool);
  const pool = new WorkerPool({
    filename: new URL('../fixtures/pool/esm.mjs', import.meta.url), minThreads: 1, maxThreads: 1,
  });
  try {
    assert.strictEqual(await pool.run(12), 144);
  } finally {
    await pool.destroy();
  }
});
