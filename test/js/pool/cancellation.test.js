'use strict';
// Cancellation that never kills a thread: the task function gets
// (data, { signal }); the signal aborts on run()'s abort, on the timeout
// and on close({ force })/destroy(). A task that honours it leaves its
// worker in place (same threadId); one that ignores it for cancelGrace ms
// has its worker replaced.
const test = require('node:test');
const assert = require('node:assert');
const { WorkerPool } = require('../../..');
const { fixture } = require('../fixtures/pool/setup');

const I32 = 2 ** 31 - 1;

// cancelGrace I32 by default: a task that did not honour its signal would
// hold its test until the runner's timeout, so passing proves it honoured.
function pool(t, options) {
  const p = new WorkerPool({ filename: fixture('tasks.js'), minThreads: 1,
    maxThreads: 1, cancelGrace: I32, ...options });
  t.after(() => p.destroy());
  // 'workerCreate' also announces the constructor's workers (after it
  // returns): count only those made later.
  let created = -p.options.minThreads;
  p.on('workerCreate', () => created++);
  return { p, created: () => created };
}

const ids = (p) => p.threads.map((w) => w.threadId);

test('pool_abort_of_an_honouring_async_task_keeps_its_worker', async (t) => {
  const { p, created } = pool(t);
  const before = await p.run(null, { name: 'threadId' });
  const ac = new AbortController();
  const running = p.run(null, { name: 'waitForAbort', signal: ac.signal });
  setImmediate(() => ac.abort(new Error('user')));
  await assert.rejects(running, (err) => {
    assert.strictEqual(err.name, 'AbortError');
    assert.strictEqual(err.code, 'ABORT_ERR');
    assert.strictEqual(err.cause.message, 'user');
    return true;
  });
  assert.strictEqual(await p.run(null, { name: 'threadId' }), before);
  assert.strictEqual(created(), 0);
  assert.strictEqual(p.stats.cancelled, 1);
});

for (const name of ['spinUntilAborted', 'spinThrowIfAborted']) {
  test(`pool_${name}_sync_task_sees_the_abort_without_its_loop`,
    async (t) => {
      const { p, created } = pool(t);
      const before = ids(p);
      const ac = new AbortController();
      const running = p.run(null, { name, signal: ac.signal });
      setTimeout(() => ac.abort(), 5);
      await assert.rejects(running, { code: 'ABORT_ERR' });
      assert.deepStrictEqual(ids(p), before);
      assert.strictEqual(await p.run(null, { name: 'threadId' }), before[0]);
      assert.strictEqual(created(), 0);
    });
}

test('pool_timeout_aborts_the_signal_and_keeps_the_worker', async (t) => {
  const { p, created } = pool(t, { taskTimeout: 10 });
  const before = ids(p);
  await assert.rejects(p.run(null, { name: 'spinUntilAborted' }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  await assert.rejects(p.run(null, { name: 'waitForAbort' }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  assert.strictEqual(await p.run(null, { name: 'threadId' }), before[0]);
  assert.strictEqual(created(), 0);
  assert.strictEqual(p.stats.timedOut, 2);
});

test('pool_task_ignoring_its_signal_is_replaced_after_cancel_grace',
  async (t) => {
    const { p, created } = pool(t, { cancelGrace: 20 });
    // Wait for the worker to be online: an abort that came while the task
    // was still queued would never start it, and the worker would stay.
    const before = [await p.run(null, { name: 'threadId' })];
    const ac = new AbortController();
    const running = p.run(null, { name: 'ignore', signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await assert.rejects(running, { code: 'ABORT_ERR' });
    // The rejection came at once; the replacement follows the grace.
    const next = await p.run(null, { name: 'threadId' });
    assert.notStrictEqual(next, before[0]);
    assert.strictEqual(created(), 1);
    assert.strictEqual(p.threads.length, 1);
  });

test('pool_queued_task_behind_a_cancelled_one_runs_on_the_same_worker',
  async (t) => {
    const { p, created } = pool(t);
    const before = ids(p);
    const ac = new AbortController();
    const first = p.run(null, { name: 'waitForAbort', signal: ac.signal });
    const second = p.run(null, { name: 'threadId' });
    ac.abort();
    await assert.rejects(first, { code: 'ABORT_ERR' });
    assert.strictEqual(await second, before[0]);
    assert.strictEqual(created(), 0);
  });

test('pool_forced_close_aborts_running_signals', async (t) => {
  const { p } = pool(t);
  const running = p.run(null, { name: 'waitForAbort' });
  await new Promise((r) => setTimeout(r, 5));
  const closing = p.close({ force: true });
  await assert.rejects(running, { code: 'ERR_OFFLOAD_CLOSED' });
  await closing;
  assert.strictEqual(p.threads.length, 0);
});

test('pool_destroy_aborts_running_signals_and_settles_at_once',
  async (t) => {
    const { p } = pool(t, { minThreads: 2, maxThreads: 2 });
    const running = [p.run(null, { name: 'waitForAbort' }),
      p.run(null, { name: 'spinUntilAborted' })];
    await new Promise((r) => setTimeout(r, 5));
    const destroyed = p.destroy();
    for (const r of running) {
      await assert.rejects(r, { code: 'ERR_OFFLOAD_CLOSED' });
    }
    await destroyed; // with cancelGrace I32: both tasks honoured the signal
    assert.strictEqual(p.threads.length, 0);
  });

test('pool_cancel_grace_0_terminates_at_once', async (t) => {
  const { p, created } = pool(t, { cancelGrace: 0 });
  const before = ids(p);
  const ac = new AbortController();
  const running = p.run(null, { name: 'waitForAbort', signal: ac.signal });
  ac.abort();
  await assert.rejects(running, { code: 'ABORT_ERR' });
  assert.notStrictEqual(await p.run(null, { name: 'threadId' }), before[0]);
  assert.strictEqual(created(), 1);
});

test('pool_10k_random_aborts_and_timeouts_settle_without_new_threads',
  { timeout: 120000 }, async (t) => {
    const { p, created } = pool(t, { minThreads: 2, maxThreads: 2 });
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) /
      2 ** 31);
    const runs = [];
    for (let i = 0; i < 10000; i++) {
      const r = rnd();
      const opts = { name: 'maybe' };
      if (r < 0.3) {
        const ac = new AbortController();
        opts.signal = ac.signal;
        setTimeout(() => ac.abort(), Math.floor(rnd() * 3));
      } else if (r < 0.5) {
        opts.timeout = 1;
      }
      runs.push(p.run(Math.floor(rnd() * 3), opts));
    }
    const settled = await Promise.allSettled(runs);
    assert.strictEqual(settled.length, 10000);
    for (const s of settled) {
      if (s.status === 'rejected') {
        assert.ok(['ABORT_ERR', 'ERR_OFFLOAD_TASK_TIMEOUT']
          .includes(s.reason.code), s.reason.code);
      }
    }
    assert.strictEqual(created(), 0, 'no thread was created');
    assert.strictEqual(p.threads.length, 2);
    const st = p.stats;
    assert.strictEqual(st.completed + st.cancelled + st.timedOut, 10000);
  });
