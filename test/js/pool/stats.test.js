'use strict';
// pool.stats: one snapshot of workers, queue, outcomes and latencies.
const test = require('node:test');
const assert = require('node:assert');
const { WorkerPool } = require('../../..');
const { ECHO } = require('../fixtures/pool/setup');

test('pool_stats_counts_every_outcome', async (t) => {
  const p = new WorkerPool({ filename: ECHO, minThreads: 1, maxThreads: 1,
    cancelGrace: 0 });
  t.after(() => p.destroy());
  const empty = p.stats;
  assert.deepStrictEqual(Object.keys(empty), ['threads', 'busy', 'idle',
    'queued', 'completed', 'failed', 'cancelled', 'timedOut', 'waitTime',
    'runTime', 'utilization', 'arena']);
  assert.deepStrictEqual(empty.waitTime, { p50: 0, p99: 0, max: 0 });
  assert.deepStrictEqual(empty.arena, { bytes: 0, used: 0, blocks: 0 });
  assert.strictEqual(empty.threads, 1);
  assert.strictEqual(empty.idle, 1);

  const holder = p.run(30, { name: 'sleep' });
  const ac = new AbortController();
  const aborted = p.run(1, { signal: ac.signal });
  const queued = p.run(2);
  const during = p.stats;
  assert.strictEqual(during.busy, 1);
  assert.strictEqual(during.idle, 0);
  assert.strictEqual(during.queued, 2);
  ac.abort();
  await assert.rejects(aborted, { code: 'ABORT_ERR' });
  await holder;
  await queued;
  await assert.rejects(p.run({ message: 'no' }, { name: 'fail' }),
    RangeError);
  await assert.rejects(p.run(null, { name: 'spin', timeout: 5 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  const s = p.stats;
  assert.strictEqual(s.completed, 3); // sleep, 2, fail
  assert.strictEqual(s.failed, 1);
  assert.strictEqual(s.cancelled, 1);
  assert.strictEqual(s.timedOut, 1);
  assert.strictEqual(s.queued, 0);
  assert.ok(s.runTime.max >= s.runTime.p50 && s.runTime.p50 > 0);
  assert.ok(s.waitTime.max > 0);
  assert.ok(s.utilization > 0 && s.utilization <= 1);
});
