'use strict';
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');

const { spin } = offload._internal;

test('executor_stats_shape', () => {
  const s = offload.stats();
  for (const k of ['threads', 'queued', 'running', 'completed', 'rejected',
    'cancelled', 'timedOut']) {
    assert.strictEqual(typeof s[k], 'number', k);
  }
  for (const k of ['waitTime', 'runTime']) {
    assert.deepStrictEqual(Object.keys(s[k]),
      ['p50', 'p99', 'max', 'count', 'sum', 'buckets']);
    assert.deepStrictEqual(s[k].buckets.map((b) => b.le), [0.01, 0.025, 0.05,
      0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
      10000, Infinity]);
  }
});

test('executor_stats_buckets_count_tasks', async () => {
  const before = offload.stats();
  await spin(30);
  await Promise.all([spin(0), spin(0)]);
  const s = offload.stats();
  for (const k of ['waitTime', 'runTime']) {
    const h = s[k];
    assert.strictEqual(h.count, before[k].count + 3, k);
    assert.strictEqual(h.buckets.at(-1).count, h.count, k);
    for (let i = 1; i < h.buckets.length; i++) {
      assert.ok(h.buckets[i].count >= h.buckets[i - 1].count, `${k} ${i}`);
    }
  }
  assert.ok(s.runTime.sum - before.runTime.sum >= 30);
  // The 30 ms spin is past the 25 ms bound, the others are below 10 s.
  const le25 = (x) => x.runTime.buckets.find((b) => b.le === 25).count;
  assert.ok(le25(s) - le25(before) <= 2);
  const le10s = (x) => x.runTime.buckets.find((b) => b.le === 10000).count;
  assert.strictEqual(le10s(s) - le10s(before), 3);
});

test('executor_runs_and_counts', async () => {
  const before = offload.stats().completed;
  const ms = await spin(5);
  assert.ok(ms >= 5, `ran ${ms} ms`);
  const s = offload.stats();
  assert.ok(s.threads >= 1);
  assert.strictEqual(s.completed, before + 1);
  assert.ok(s.runTime.max >= 5);
});

test('executor_configure_after_start_rejects_change', () => {
  const { threads, maxQueue } = offload.stats();
  assert.ok(threads >= 1, 'executor started by the previous test');
  offload.configure({ threads, maxQueue }); // unchanged: fine
  assert.throws(() => offload.configure({ threads: threads + 1 }), {
    code: 'ERR_OFFLOAD_ALREADY_CONFIGURED',
    message: /cannot change the executor after first use/,
  });
});

test('executor_configure_validates', () => {
  assert.throws(() => offload.configure(), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.configure({ threads: '2' }),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.configure({ threads: 0 }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.configure({ threads: 1.5 }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.configure({ maxQueue: -1 }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.configure({ niceIncrement: 20 }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.configure({ niceIncrement: '5' }),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('executor_nice_increment_lowers_only_executor_threads', {
  skip: process.platform !== 'linux' ? 'per-thread nice values are Linux' : false,
}, () => {
  // A fresh process: the increment must be set before first use.
  const { execFileSync } = require('node:child_process');
  const out = execFileSync(process.execPath, ['-e', `
    const fs = require('fs');
    const o = require(${JSON.stringify(require.resolve('../../..'))});
    o.configure({ threads: 2, niceIncrement: 7 });
    const niceValues = () => fs.readdirSync('/proc/self/task').map((t) =>
      Number(fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
    o.hash('sha256', Buffer.alloc(1 << 20)).then(async () => {
      // Each worker lowers its own priority as it starts: wait for both.
      let nice = niceValues();
      for (let i = 0; i < 200 && nice.filter((n) => n === 7).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
        nice = niceValues();
      }
      let err = '';
      try { o.configure({ niceIncrement: 3 }); } catch (e) { err = e.code; }
      console.log(JSON.stringify({ nice, err }));
    });`], { encoding: 'utf8' });
  const { nice, err } = JSON.parse(out);
  assert.strictEqual(nice.filter((n) => n === 7).length, 2, JSON.stringify(nice));
  assert.strictEqual(nice.filter((n) => n === 0).length, nice.length - 2);
  assert.strictEqual(err, 'ERR_OFFLOAD_ALREADY_CONFIGURED');
});

test('executor_abort_before_start_rejects_at_once', async () => {
  const before = offload.stats();
  const ac = new AbortController();
  ac.abort(new Error('why'));
  await assert.rejects(spin(1000, { signal: ac.signal }), (err) => {
    assert.strictEqual(err.name, 'AbortError');
    assert.strictEqual(err.code, 'ABORT_ERR');
    assert.strictEqual(err.cause.message, 'why');
    return true;
  });
  // Never reached the executor.
  assert.strictEqual(offload.stats().completed, before.completed);
  assert.strictEqual(offload.stats().cancelled, before.cancelled);
});

test('executor_abort_while_running_stops_work', async () => {
  const ac = new AbortController();
  const before = offload.stats();
  const p = spin(10000, { signal: ac.signal });
  setTimeout(() => ac.abort(), 30);
  await assert.rejects(p, { name: 'AbortError', code: 'ABORT_ERR' });
  // Stopped early: counted cancelled, not completed (no clock: a loaded
  // machine stretches any bound).
  while (offload.stats().running !== 0) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.strictEqual(offload.stats().completed, before.completed,
    'the 10 s task ran to the end');
  assert.strictEqual(offload.stats().cancelled, before.cancelled + 1);
});

test('executor_abort_listener_removed_after_settle', async () => {
  const ac = new AbortController();
  const { getEventListeners } = require('node:events');
  await Promise.all([spin(1, { signal: ac.signal }),
    spin(1, { signal: ac.signal })]);
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
});

test('executor_timeout_running_and_queued', async () => {
  const { threads } = offload.stats();
  // Fill every thread, then queue one more with a short timeout: it must
  // time out while still queued, not after the blockers finish.
  const ac = new AbortController();
  const blockers = Array.from({ length: threads },
    () => spin(10000, { signal: ac.signal }).catch((e) => e));
  while (offload.stats().running !== threads) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  await assert.rejects(spin(1, { timeout: 50 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  // Timed out while queued: the blockers still hold every thread.
  assert.strictEqual(offload.stats().running, threads);
  await assert.rejects(spin(10000, { timeout: 30, priority: 'high' }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  ac.abort();
  for (const e of await Promise.all(blockers)) assert.strictEqual(e.code, 'ABORT_ERR');
});

test('executor_priority_lanes_from_js', async () => {
  await spin(0); // the executor is up: its thread count is known
  const { threads } = offload.stats();
  // Every thread blocked; then exactly one is freed, so the three queued
  // jobs run one after another on it, in lane order (with two threads
  // freed at once, two jobs would race to complete).
  const acs = Array.from({ length: threads }, () => new AbortController());
  const blockers = acs.map((ac) => spin(10000, { signal: ac.signal }).catch(() => {}));
  const order = [];
  const jobs = [
    spin(0, { priority: 'low' }).then(() => order.push('low')),
    spin(0, { priority: 'normal' }).then(() => order.push('normal')),
    spin(0, { priority: 'high' }).then(() => order.push('high')),
  ];
  await new Promise((r) => setTimeout(r, 20));
  acs[0].abort();
  await Promise.all(jobs);
  for (const ac of acs) ac.abort();
  await Promise.all(blockers);
  assert.deepStrictEqual(order, ['high', 'normal', 'low']);
});

test('executor_async_api_rejects_never_throws', async () => {
  const p = spin('x');
  assert.ok(p instanceof Promise);
  await assert.rejects(p, { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(spin(1, { priority: 'urgent' }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(spin(1, { signal: {} }),
    { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(spin(1, { timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
});

test('executor_does_not_use_libuv_threadpool', async () => {
  // With every libuv pool thread busy, offload work still completes first:
  // it never queues behind fs/dns/zlib/crypto on the shared pool.
  const { threads } = offload.stats();
  const crypto = require('node:crypto');
  const size = Number(process.env.UV_THREADPOOL_SIZE || 4);
  const events = [];
  const blockers = Array.from({ length: size }, () => new Promise((r) =>
    crypto.pbkdf2('x', 'y', 400_000, 32, 'sha512', () => {
      events.push('libuv');
      r();
    })));
  await Promise.all(Array.from({ length: threads }, () => spin(1)));
  events.push('offload');
  await Promise.all(blockers);
  assert.strictEqual(events[0], 'offload');
});
