'use strict';
// concurrentTasksPerWorker: async tasks share a worker, up to the limit.
const test = require('node:test');
const assert = require('node:assert');
const { WorkerPool } = require('../../..');
const { fixture } = require('../fixtures/pool/setup');

function pool(t, options) {
  const p = new WorkerPool({ filename: fixture('tasks.js'), minThreads: 1,
    maxThreads: 1, ...options });
  t.after(() => p.destroy());
  return p;
}

test('pool_concurrent_tasks_share_one_worker', async (t) => {
  const p = pool(t, { concurrentTasksPerWorker: 3 });
  const sab = new SharedArrayBuffer(4);
  // Each waits for the other two: with one task per worker this deadlocks.
  const ids = await Promise.all([0, 1, 2].map(() =>
    p.run({ sab, n: 3 }, { name: 'rendezvous' })));
  assert.strictEqual(new Set(ids).size, 1);
  assert.strictEqual(p.threads.length, 1);
  assert.strictEqual(p.queueSize, 0);
});

test('pool_concurrency_limit_queues_the_rest', async (t) => {
  const p = pool(t, { concurrentTasksPerWorker: 2 });
  const runs = [p.run(20, { name: 'later' }), p.run(20, { name: 'later' }),
    p.run(20, { name: 'later' })];
  assert.strictEqual(p.queueSize, 1);
  assert.strictEqual(p.stats.busy, 1);
  const ids = await Promise.all(runs);
  assert.strictEqual(new Set(ids).size, 1);
});

test('pool_task_with_a_signal_does_not_share', async (t) => {
  const p = pool(t, { concurrentTasksPerWorker: 2 });
  const first = p.run(20, { name: 'later' });
  const ac = new AbortController();
  const second = p.run(20, { name: 'later', signal: ac.signal });
  assert.strictEqual(p.queueSize, 1);
  await first;
  await second;
});

test('pool_cancelling_one_shared_task_leaves_the_other_running',
  async (t) => {
    const p = pool(t, { concurrentTasksPerWorker: 2, cancelGrace: 2 ** 31 - 1 });
    const before = p.threads[0].threadId;
    const running = p.run(null, { name: 'waitForAbort', timeout: 10 });
    const other = p.run(40, { name: 'later' });
    await assert.rejects(running, { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
    assert.strictEqual(await other, before);
    assert.strictEqual(p.threads[0].threadId, before);
  });

test('pool_queued_task_with_a_signal_waits_for_an_empty_worker',
  async (t) => {
    const p = pool(t, { concurrentTasksPerWorker: 2 });
    const order = [];
    const note = (label) => (v) => {
      order.push(label);
      return v;
    };
    await Promise.all([
      p.run(10, { name: 'later' }).then(note('short')),
      p.run(60, { name: 'later' }).then(note('long')),
      p.run(1, { name: 'later', signal: new AbortController().signal })
        .then(note('signalled')),
    ]);
    // The signalled task did not join the worker while 'long' ran.
    assert.deepStrictEqual(order, ['short', 'long', 'signalled']);
  });
