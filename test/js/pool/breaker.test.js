'use strict';
// WorkerPool `breaker` option: failures that are the pool's (timeouts,
// crashes, a full queue) and task errors (unless errorFilter excuses them)
// open it; while open run() rejects with CIRCUIT_OPEN and queues nothing;
// aborts are ignored; half-open lets halfOpenMaxConcurrent probes through.
// The breakers run on a test clock.
const test = require('node:test');
const assert = require('node:assert');
const { CircuitBreaker } = require('../../..');
const { poolFor, counter, runs } = require('../fixtures/pool/setup');

const pool = poolFor({ minThreads: 1, maxThreads: 1 });
const setup = (t, breaker, options) => pool(t, { breaker, ...options });

// Trips on failureThreshold consecutive failures only (the percentage
// needs volumeThreshold calls first).
function clocked(options) {
  const clock = { now: 1000 };
  const breaker = new CircuitBreaker(null, { clock: () => clock.now,
    resetTimeout: 1000, failureThreshold: 2, volumeThreshold: 1000,
    ...options });
  return { clock, breaker };
}


test('pool_breaker_opens_on_task_errors_and_fails_fast', async (t) => {
  const { breaker } = clocked();
  const p = setup(t, breaker);
  const failures = [];
  breaker.on('failure', (err) => failures.push(err.message));
  for (let i = 0; i < 2; i++) {
    await assert.rejects(p.run({ message: `no ${i}` }, { name: 'fail' }),
      { name: 'RangeError' });
  }
  assert.deepStrictEqual(failures, ['no 0', 'no 1']);
  assert.strictEqual(breaker.state, 'open');
  const sab = counter();
  const rejected = [];
  breaker.on('reject', (err) => rejected.push(err.code));
  await assert.rejects(p.run({ sab }, { name: 'count' }),
    { code: 'CIRCUIT_OPEN', message: 'Breaker is open' });
  assert.strictEqual(p.queueSize, 0);
  assert.strictEqual(runs(sab), 0, 'the task never ran');
  assert.deepStrictEqual(rejected, ['CIRCUIT_OPEN']);
  assert.strictEqual(breaker.stats.rejects, 1);
});

test('pool_breaker_half_open_lets_one_probe_through', async (t) => {
  const { clock, breaker } = clocked({ halfOpenMaxConcurrent: 1 });
  const p = setup(t, breaker, { maxThreads: 3 });
  breaker.open();
  clock.now += 1000; // resetTimeout has passed
  assert.strictEqual(breaker.state, 'halfOpen');
  const sab = counter();
  const probe = p.run({ sab, ms: 20 }, { name: 'count' });
  const others = [p.run({ sab }, { name: 'count' }),
    p.run({ sab }, { name: 'count' })];
  for (const o of others) await assert.rejects(o, { code: 'CIRCUIT_OPEN' });
  assert.strictEqual(await probe, 'counted');
  assert.strictEqual(runs(sab), 1, 'only the probe ran');
  assert.strictEqual(breaker.state, 'closed');
  assert.strictEqual(await p.run({ sab }, { name: 'count' }), 'counted');
});

test('pool_breaker_failed_probe_reopens', async (t) => {
  const { clock, breaker } = clocked();
  const p = setup(t, breaker);
  breaker.open();
  clock.now += 1000;
  await assert.rejects(p.run({ message: 'still down' }, { name: 'fail' }),
    { message: 'still down' });
  assert.strictEqual(breaker.state, 'open');
  await assert.rejects(p.run(1), { code: 'CIRCUIT_OPEN' });
});

test('pool_breaker_counts_timeouts_crashes_and_a_full_queue', async (t) => {
  const timeouts = clocked({ failureThreshold: 1 });
  const seen = [];
  timeouts.breaker.on('timeout', (err) => seen.push(err.code));
  const p1 = setup(t, timeouts.breaker, { taskTimeout: 20 });
  await assert.rejects(p1.run(null, { name: 'spin' }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  assert.deepStrictEqual(seen, ['ERR_OFFLOAD_TASK_TIMEOUT']);
  assert.strictEqual(timeouts.breaker.state, 'open');
  assert.strictEqual(timeouts.breaker.stats.timeouts, 1);

  const crashes = clocked({ failureThreshold: 1 });
  const p2 = setup(t, crashes.breaker);
  await assert.rejects(p2.run(1, { name: 'exit' }),
    { code: 'ERR_OFFLOAD_WORKER_CRASHED' });
  assert.strictEqual(crashes.breaker.state, 'open');

  const full = clocked({ failureThreshold: 1 });
  const p3 = setup(t, full.breaker, { maxQueue: 0 });
  const holder = p3.run(30, { name: 'sleep' });
  await assert.rejects(p3.run(1), { code: 'ERR_OFFLOAD_QUEUE_FULL' });
  assert.strictEqual(full.breaker.state, 'open');
  assert.strictEqual(await holder, 30, 'admitted before it opened');
});

test('pool_breaker_ignores_aborts_and_counts_filtered_errors_as_successes', async (t) => {
  const { breaker } = clocked({
    failureThreshold: 1,
    errorFilter: (err) => err.code === 'E_EXPECTED',
  });
  const p = setup(t, breaker);
  const ac = new AbortController();
  const holder = p.run(20, { name: 'sleep' });
  const queued = p.run(1, { signal: ac.signal });
  ac.abort();
  await assert.rejects(queued, { code: 'ABORT_ERR' });
  await holder;
  await assert.rejects(p.run({ message: 'fine', extra: { code: 'E_EXPECTED' } },
    { name: 'fail' }), { code: 'E_EXPECTED' });
  assert.strictEqual(breaker.state, 'closed');
  assert.strictEqual(breaker.stats.ignored, 1, 'the abort');
  assert.strictEqual(breaker.stats.failures, 0);
  assert.strictEqual(await p.run('ok'), 'ok');
  // The holder, the filtered error (a success, as in opossum) and 'ok'.
  assert.strictEqual(breaker.stats.successes, 3);
});

test('pool_breaker_option_accepts_plain_options', async (t) => {
  const p = setup(t, { failureThreshold: 1, resetTimeout: 60000 });
  assert.ok(p.options.breaker instanceof CircuitBreaker);
  await assert.rejects(p.run(null, { name: 'reject' }), { code: 'E_ASYNC' });
  await assert.rejects(p.run(1), { code: 'CIRCUIT_OPEN' });
});
