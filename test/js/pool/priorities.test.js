'use strict';
// run(task, { priority }): FIFO within a lane, high before normal before
// low, and aging bounds how long a low task waits under constant high load.
const test = require('node:test');
const assert = require('node:assert');
const { WorkerPool } = require('../../..');
const { ECHO } = require('../fixtures/pool/setup');
const { AGE_LIMIT } = require('../../../lib/pool/queue');

function pool(t) {
  const p = new WorkerPool({ filename: ECHO, minThreads: 1, maxThreads: 1 });
  t.after(() => p.destroy());
  return p;
}

// One worker, held busy while `queue` is filled; resolves the run order.
async function order(p, queue) {
  const seen = [];
  const holder = p.run(20, { name: 'sleep' });
  const runs = queue.map(([label, priority]) =>
    p.run(label, priority === undefined ? undefined : { priority })
      .then((v) => seen.push(v)));
  await holder;
  await Promise.all(runs);
  return seen;
}

test('pool_priorities_run_high_then_normal_then_low_fifo_in_a_lane',
  async (t) => {
    const p = pool(t);
    const seen = await order(p, [['l1', 'low'], ['n1'], ['h1', 'high'],
      ['n2', 'normal'], ['h2', 'high'], ['l2', 'low']]);
    assert.deepStrictEqual(seen, ['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });

test('pool_low_task_finishes_within_bounded_dispatches_under_high_load',
  async (t) => {
    const p = pool(t);
    const queue = [['low', 'low']];
    for (let i = 0; i < 4 * AGE_LIMIT; i++) queue.push([i, 'high']);
    const seen = await order(p, queue);
    const at = seen.indexOf('low');
    assert.ok(at !== -1 && at <= AGE_LIMIT, `low ran at dispatch ${at}`);
    // The high lane stayed FIFO around it.
    const highs = seen.filter((v) => v !== 'low');
    assert.deepStrictEqual(highs, [...highs].sort((a, b) => a - b));
  });

test('pool_priority_option_is_validated', async (t) => {
  const p = pool(t);
  await assert.rejects(p.run(1, { priority: 'urgent' }),
    { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' });
  await assert.rejects(p.run(1, { priority: 1 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.strictEqual(await p.run(1, { priority: 'low' }), 1);
});

test('pool_aborted_queued_task_leaves_its_lane', async (t) => {
  const p = pool(t);
  const ac = new AbortController();
  const holder = p.run(20, { name: 'sleep' });
  const dropped = p.run('x', { priority: 'low', signal: ac.signal });
  const kept = p.run('y', { priority: 'low' });
  assert.strictEqual(p.queueSize, 2);
  ac.abort();
  await assert.rejects(dropped, { code: 'ABORT_ERR' });
  assert.strictEqual(p.queueSize, 1);
  await holder;
  assert.strictEqual(await kept, 'y');
});
