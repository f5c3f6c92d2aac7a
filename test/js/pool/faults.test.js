'use strict';
// WorkerPool fault matrix (RELIABILITY.md row 29, §4) and task timeouts
// (row 30): the in-flight task rejects with a specific error, the worker
// is replaced by one with a new threadId, the next task runs, and the pool
// is back at minThreads.
const test = require('node:test');
const assert = require('node:assert');
const { once } = require('node:events');
const { fixture, poolFor } = require('../fixtures/pool/setup');

const pool = poolFor({ minThreads: 1, maxThreads: 1 });

const ids = (p) => p.threads.map((w) => w.threadId);

// An idle worker is unref'd, so nothing else would keep this process up
// while waiting for an idle worker's crash to be reported.
async function alive(promise) {
  const keep = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(keep);
  }
}

async function assertReplaced(p, before) {
  assert.strictEqual(p.threads.length, p.options.minThreads);
  for (const id of ids(p)) assert.ok(!before.includes(id), `${id} is new`);
  assert.strictEqual(await p.run('next'), 'next');
  assert.strictEqual(p.threads.length, p.options.minThreads);
}

test('pool_uncaught_throw_during_task_rejects_crashed', async (t) => {
  const p = pool(t);
  const before = ids(p);
  await assert.rejects(p.run(null, { name: 'throwWhilePending' }), (err) => {
    assert.strictEqual(err.code, 'ERR_OFFLOAD_WORKER_CRASHED');
    assert.strictEqual(err.exitCode, 1);
    assert.strictEqual(err.cause.message, 'while pending');
    assert.match(err.message, /while pending/);
    return true;
  });
  await assertReplaced(p, before);
});

test('pool_late_throw_after_task_emits_error_and_replaces', async (t) => {
  const p = pool(t);
  const before = ids(p);
  const late = once(p, 'error');
  assert.strictEqual(await p.run(null, { name: 'lateThrow' }), 'done');
  const [err] = await alive(late);
  assert.strictEqual(err.code, 'ERR_OFFLOAD_WORKER_CRASHED');
  assert.strictEqual(err.exitCode, 1);
  assert.strictEqual(err.cause.message, 'late');
  await assertReplaced(p, before);
});

test('pool_process_exit_in_task_rejects_with_exit_code', async (t) => {
  const p = pool(t, { minThreads: 2, maxThreads: 2 });
  const before = ids(p);
  await assert.rejects(p.run(1, { name: 'exit' }), {
    code: 'ERR_OFFLOAD_WORKER_CRASHED', exitCode: 1,
    message: 'The worker crashed: worker exited with code: 1',
  });
  assert.strictEqual(p.threads.length, 2);
  const fresh = ids(p).filter((id) => !before.includes(id));
  assert.strictEqual(fresh.length, 1, 'only the dead worker was replaced');
  assert.strictEqual(await p.run('next'), 'next');
});

test('pool_resource_limits_oom_rejects_crashed', async (t) => {
  const p = pool(t, { resourceLimits: { maxOldGenerationSizeMb: 16 } });
  const before = ids(p);
  await assert.rejects(p.run(null, { name: 'oom' }), (err) => {
    assert.strictEqual(err.code, 'ERR_OFFLOAD_WORKER_CRASHED');
    assert.strictEqual(typeof err.exitCode, 'number');
    assert.strictEqual(err.cause.code, 'ERR_WORKER_OUT_OF_MEMORY');
    assert.match(err.message, /memory limit/);
    return true;
  });
  await assertReplaced(p, before);
});

test('pool_module_that_exits_on_import_is_not_respawned', async (t) => {
  const p = pool(t, { filename: fixture('exits.mjs') });
  const errors = [];
  p.on('error', (err) => errors.push(err));
  await alive(once(p, 'workerDestroy'));
  assert.strictEqual(errors.length, 1);
  assert.strictEqual(errors[0].exitCode, 3);
  assert.strictEqual(p.threads.length, 0, 'no respawn loop');
  await assert.rejects(p.run(1), { code: 'ERR_OFFLOAD_WORKER_CRASHED',
    exitCode: 3 });
});

test('pool_timeouts_replace_workers_and_keep_the_pool_size', async (t) => {
  const p = pool(t, { minThreads: 2, maxThreads: 2, taskTimeout: 20,
    cancelGrace: 0 });
  const seen = new Set(ids(p));
  for (let i = 0; i < 20; i++) {
    const runs = await Promise.allSettled([p.run(null, { name: 'spin' }),
      p.run(null, { name: 'spin' })]);
    for (const r of runs) {
      assert.strictEqual(r.status, 'rejected');
      assert.strictEqual(r.reason.code, 'ERR_OFFLOAD_TASK_TIMEOUT');
      assert.strictEqual(r.reason.message,
        'The task did not finish within its timeout of 20 ms');
    }
    assert.strictEqual(p.threads.length, 2, `round ${i}`);
    for (const id of ids(p)) seen.add(id);
  }
  assert.strictEqual(seen.size, 2 + 40, 'every timed-out worker replaced');
  assert.strictEqual(await p.run('after', { timeout: 0 }), 'after');
});

test('pool_timeout_clock_starts_when_the_task_leaves_the_queue', async (t) => {
  const p = pool(t);
  const holder = p.run(400, { name: 'sleep' }); // no timeout
  // Queued behind the holder for longer than its own timeout: the clock
  // has not started, so it still succeeds.
  const queued = p.run('quick', { timeout: 200 });
  assert.strictEqual(p.queueSize, 1);
  assert.strictEqual(await holder, 400);
  assert.strictEqual(await queued, 'quick');
});
