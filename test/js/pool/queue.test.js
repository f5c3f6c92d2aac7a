'use strict';
// WorkerPool queueing and cancellation (RELIABILITY.md row 30, §4): abort
// before and during a run, a cancelled queued task does not stall the rest
// (workerpool#39), maxQueue limits, and abort listeners removed on settle
// (workerpool#542).
const test = require('node:test');
const assert = require('node:assert');
const { inspect } = require('node:util');
const { getEventListeners, setMaxListeners } = require('node:events');
const { poolFor, counter, runs } = require('../fixtures/pool/setup');

const pool = poolFor({ minThreads: 1, maxThreads: 1 });
const isRejected = (promise) => inspect(promise).includes('<rejected>');

test('pool_abort_before_start_rejects_and_never_runs', async (t) => {
  const p = pool(t);
  const sab = counter();
  const ac = new AbortController();
  ac.abort(new Error('changed my mind'));
  await assert.rejects(p.run({ sab }, { name: 'count', signal: ac.signal }),
    (err) => {
      assert.strictEqual(err.name, 'AbortError');
      assert.strictEqual(err.code, 'ABORT_ERR');
      assert.strictEqual(err.cause.message, 'changed my mind');
      return true;
    });
  assert.strictEqual(await p.run({ sab }, { name: 'count' }), 'counted');
  assert.strictEqual(runs(sab), 1, 'only the second task ran');
});

test('pool_abort_of_a_queued_task_drops_it_and_the_queue_flows', async (t) => {
  const p = pool(t);
  const sab = counter();
  const holder = p.run({ sab, ms: 100 }, { name: 'count' });
  const ac = new AbortController();
  const cancelled = p.run({ sab }, { name: 'count', signal: ac.signal });
  const later = p.run({ sab }, { name: 'count' });
  assert.strictEqual(p.queueSize, 2);
  ac.abort();
  assert.strictEqual(p.queueSize, 1, 'left the queue at once');
  await assert.rejects(cancelled, { name: 'AbortError', code: 'ABORT_ERR' });
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
  assert.strictEqual(await holder, 'counted');
  assert.strictEqual(await later, 'counted');
  assert.strictEqual(runs(sab), 2, 'the cancelled task never ran');
});

test('pool_abort_during_a_run_terminates_and_replaces_the_worker',
  async (t) => {
    // cancelGrace 0: a running task's abort terminates its worker at once.
    const p = pool(t, { minThreads: 2, maxThreads: 2, cancelGrace: 0 });
    const before = p.threads.map((w) => w.threadId);
    const sab = counter();
    const ac = new AbortController();
    const spinning = p.run({ sab }, { name: 'spinFlag', signal: ac.signal });
    // Wait (off the event loop's critical path) until it is really running.
    await Atomics.waitAsync(new Int32Array(sab), 1, 0).value;
    ac.abort();
    await assert.rejects(spinning, { name: 'AbortError', code: 'ABORT_ERR' });
    const after = p.threads.map((w) => w.threadId);
    assert.strictEqual(after.length, 2);
    assert.strictEqual(after.filter((id) => !before.includes(id)).length, 1);
    assert.strictEqual(await p.run('next'), 'next');
  });

test('pool_max_queue_overflow_rejects_at_once', async (t) => {
  const p = pool(t, { maxQueue: 2 });
  const holder = p.run(50, { name: 'sleep' });
  const queued = [p.run(1), p.run(2)];
  assert.strictEqual(p.needsDrain, true);
  const refused = p.run(3);
  assert.ok(isRejected(refused), 'rejected before run() returned');
  await assert.rejects(refused, {
    code: 'ERR_OFFLOAD_QUEUE_FULL',
    message: 'Task queue is at limit (maxQueue 2)',
  });
  assert.strictEqual(p.queueSize, 2);
  assert.deepStrictEqual(await Promise.all([holder, ...queued]), [50, 1, 2]);
  assert.strictEqual(p.needsDrain, false);
  assert.strictEqual(await p.run(4), 4);
});

test('pool_max_queue_zero_means_no_queue', async (t) => {
  const p = pool(t, { maxQueue: 0, maxThreads: 2 });
  const a = p.run(30, { name: 'sleep' });
  const b = p.run(30, { name: 'sleep' }); // a second worker starts
  const refused = p.run(1);
  assert.ok(isRejected(refused));
  await assert.rejects(refused, {
    code: 'ERR_OFFLOAD_QUEUE_FULL',
    message: 'No task queue available and all Workers are busy (maxQueue 0)',
  });
  assert.strictEqual(p.queueSize, 0);
  assert.deepStrictEqual(await Promise.all([a, b]), [30, 30]);
  assert.strictEqual(await p.run(2), 2);
});

test('pool_abort_listeners_back_to_zero_after_10k_tasks', async (t) => {
  const p = pool(t, { maxThreads: 2 });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // one signal shared by 10k queued tasks
  const all = [];
  for (let i = 0; i < 10000; i++) all.push(p.run(i, { signal: ac.signal }));
  assert.ok(getEventListeners(ac.signal, 'abort').length > 0);
  const out = await Promise.all(all);
  assert.strictEqual(out[9999], 9999);
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
  // Failures and timeouts remove theirs too.
  const failing = [];
  for (let i = 0; i < 100; i++) {
    failing.push(p.run({ message: 'x' }, { name: 'fail', signal: ac.signal }));
  }
  await Promise.allSettled(failing);
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
});

test('pool_queued_tasks_aborted_in_bulk_all_settle', async (t) => {
  const p = pool(t);
  const holder = p.run(30, { name: 'sleep' });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const queued = [];
  for (let i = 0; i < 1000; i++) queued.push(p.run(i, { signal: ac.signal }));
  const drained = new Promise((resolve) => p.once('drain', resolve));
  ac.abort();
  await drained;
  const settled = await Promise.allSettled(queued);
  assert.ok(settled.every((s) => s.status === 'rejected' &&
    s.reason.code === 'ABORT_ERR'));
  assert.strictEqual(p.queueSize, 0);
  assert.strictEqual(await holder, 30);
});
