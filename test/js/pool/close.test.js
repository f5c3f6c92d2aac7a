'use strict';
// WorkerPool shutdown (RELIABILITY.md row 31, §4): destroy() during an
// infinite loop settles every promise and leaves no thread; graceful and
// forced close(); closeTimeout; no warnings or stack overflow with many
// tasks (tinypool#43); the process exits on its own (child process).
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const { setMaxListeners } = require('node:events');
const { fixture, poolFor, counter, runs } = require('../fixtures/pool/setup');

const pool = poolFor({ minThreads: 1, maxThreads: 1 });

/** Promises tagged with their outcome as soon as they settle. */
function track(promises) {
  return promises.map((promise) => {
    const s = { state: 'pending', value: undefined };
    promise.then((v) => Object.assign(s, { state: 'fulfilled', value: v }),
      (e) => Object.assign(s, { state: 'rejected', value: e }));
    return s;
  });
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('pool_destroy_during_infinite_loop_settles_everything', async (t) => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const p = pool(t, { minThreads: 2, maxThreads: 2 });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const promises = [p.run(null, { name: 'spin' }),
    p.run(null, { name: 'spin' })];
  for (let i = 0; i < 20000; i++) {
    promises.push(p.run(i, { signal: ac.signal }));
  }
  const tracked = track(promises);
  const destroyed = p.destroy();
  await turn(); // settled by destroy() itself, not by the workers' exits
  assert.ok(tracked.every((s) => s.state === 'rejected' &&
    s.value.code === 'ERR_OFFLOAD_CLOSED'));
  assert.strictEqual(p.threads.length, 0);
  await destroyed;
  assert.strictEqual(p.threads.length, 0);
  await assert.rejects(p.run(1), { code: 'ERR_OFFLOAD_CLOSED',
    message: 'The task has been aborted', cause: 'queue is being terminated' });
  assert.strictEqual(p.destroy(), destroyed, 'idempotent');
  await p.close();
  await turn();
  assert.deepStrictEqual(warnings, []);
});

test('pool_graceful_close_drains_the_queue', async (t) => {
  const p = pool(t);
  const work = [p.run(30, { name: 'sleep' }), p.run(1), p.run(2)];
  const closing = p.close();
  assert.strictEqual(p.close(), closing);
  await assert.rejects(p.run(3), { code: 'ERR_OFFLOAD_CLOSED' });
  assert.deepStrictEqual(await Promise.all(work), [30, 1, 2]);
  await closing;
  assert.strictEqual(p.threads.length, 0);
  await assert.rejects(p.run(4), { code: 'ERR_OFFLOAD_CLOSED' });
});

test('pool_forced_close_rejects_unstarted_tasks', async (t) => {
  const p = pool(t);
  const sab = counter();
  const running = p.run({ sab, ms: 30 }, { name: 'count' });
  const queued = [p.run({ sab }, { name: 'count' }),
    p.run({ sab }, { name: 'count' })];
  const closing = p.close({ force: true });
  assert.strictEqual(p.queueSize, 0);
  for (const q of queued) {
    await assert.rejects(q, { code: 'ERR_OFFLOAD_CLOSED' });
  }
  assert.strictEqual(await running, 'counted', 'the started task finishes');
  await closing;
  assert.strictEqual(p.threads.length, 0);
  assert.strictEqual(runs(sab), 1);
});

test('pool_close_timeout_destroys_the_pool', async (t) => {
  const p = pool(t, { closeTimeout: 50 });
  const spinning = p.run(null, { name: 'spin' });
  spinning.catch(() => {});
  await p.close();
  await assert.rejects(spinning, { code: 'ERR_OFFLOAD_CLOSED' });
  assert.strictEqual(p.threads.length, 0);
});

test('pool_idle_close_and_async_dispose', async (t) => {
  const p = pool(t, { minThreads: 2, maxThreads: 2 });
  assert.strictEqual(await p.run('x'), 'x');
  await p.close();
  assert.strictEqual(p.threads.length, 0);
  if (typeof Symbol.asyncDispose === 'symbol') {
    const q = pool(t);
    await q[Symbol.asyncDispose]();
    assert.strictEqual(q.threads.length, 0);
  }
});

for (const mode of ['idle', 'destroy']) {
  test(`pool_process_exits_naturally_${mode}`, () => {
    const r = spawnSync(process.execPath,
      [fixture('natural_exit.js'), mode],
      { encoding: 'utf8', timeout: 30000 });
    assert.strictEqual(r.signal, null, 'it exited on its own');
    assert.strictEqual(r.status, 0, r.stderr);
    const want = mode === 'idle' ? [1, 2] : [1, 2, 'ERR_OFFLOAD_CLOSED', 0];
    assert.deepStrictEqual(JSON.parse(r.stdout), want);
  });
}

test('pool_close_completes_when_its_last_task_times_out', { timeout: 20000 },
  async (t) => {
    const p = pool(t, { closeTimeout: 60000 });
    const spinning = p.run(null, { name: 'spin', timeout: 30 });
    const closing = p.close();
    await assert.rejects(spinning, { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
    await closing; // without waiting for closeTimeout
    assert.strictEqual(p.threads.length, 0);
  });
