'use strict';
// CircuitBreaker events and stats on a fake clock: open() after the reset
// timeout, fallback on timeout, 'failure'/'reject' arguments, latency
// percentiles.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');

const { CircuitBreaker } = offload;
const ok = (v) => Promise.resolve(v);

function traced(options) {
  const clock = { t: 1000 };
  const b = new CircuitBreaker(options.action || null, { timeout: 0,
    clock: () => clock.t, ...options, action: undefined });
  const trace = [];
  b.on('stateChange', ({ from, to }) => trace.push(`${from}->${to}`));
  return { b, clock, trace };
}

test('breaker_open_after_reset_timeout_restarts_the_timer', async () => {
  const { b, clock, trace } = traced({ resetTimeout: 100 });
  b.open();
  clock.t += 100;
  assert.strictEqual(b.state, 'halfOpen', 'reset timeout passed');
  b.open();
  assert.strictEqual(b.state, 'open', 'forced open again');
  assert.deepStrictEqual(trace, ['closed->open', 'open->halfOpen',
    'halfOpen->open']);
  clock.t += 99;
  let called = false;
  await assert.rejects(b.execute(() => { called = true; }),
    { code: 'EOPENBREAKER' });
  assert.strictEqual(called, false, 'the timer restarted at open()');
  clock.t += 1;
  assert.strictEqual(b.state, 'halfOpen');
  assert.strictEqual(await b.execute(ok, 5), 5);
  assert.deepStrictEqual(trace, ['closed->open', 'open->halfOpen',
    'halfOpen->open', 'open->halfOpen', 'halfOpen->closed']);
  // Still open before the reset time: open() changes nothing.
  b.open();
  clock.t += 50;
  b.open();
  clock.t += 50;
  assert.strictEqual(b.state, 'halfOpen', 'not restarted while open');
});

test('breaker_fallback_on_timeout_via_fire', async () => {
  // The action ends only when the breaker's AbortController aborts (as in
  // opossum, fire() passes the action its arguments only).
  let b = null;
  const action = (x) => new Promise((resolve, reject) => {
    const signal = b.getSignal();
    signal.addEventListener('abort', () => reject(new Error(`aborted ${x}`)));
  });
  b = new CircuitBreaker(action, { timeout: 20, autoRenewAbortController: true });
  const events = [];
  b.on('timeout', (err) => events.push(['timeout', err.code]));
  b.on('failure', (err) => events.push(['failure', err.code]));
  b.on('fallback', (result, err) => events.push(['fallback', result, err.code]));
  b.fallback((x, err) => `fb:${x}:${err.code}`);
  assert.strictEqual(await b.fire('a'), 'fb:a:ETIMEDOUT');
  assert.deepStrictEqual(events, [['timeout', 'ETIMEDOUT'],
    ['failure', 'ETIMEDOUT'], ['fallback', 'fb:a:ETIMEDOUT', 'ETIMEDOUT']]);
  assert.ok(b.getSignal().aborted, 'the timeout aborted the controller');
  const s = b.stats;
  assert.deepStrictEqual([s.timeouts, s.failures, s.fallbacks], [1, 1, 1]);
  b.shutdown();
});

test('breaker_failure_and_reject_events', async () => {
  const err = new Error('down');
  const { b, clock } = traced({ failureThreshold: 2, volumeThreshold: 100,
    action: () => Promise.reject(err) });
  const failures = [];
  const rejects = [];
  b.on('failure', (e, latency, args) => failures.push([e, latency, args]));
  b.on('reject', (e) => rejects.push(e.code));
  await assert.rejects(b.fire(1, 2), err);
  clock.t += 3;
  await assert.rejects(b.execute(() => { clock.t += 4; throw err; }, 'x'), err);
  assert.deepStrictEqual(failures, [[err, 0, [1, 2]], [err, 4, ['x']]]);
  assert.strictEqual(b.state, 'open');
  await assert.rejects(b.fire(3), { code: 'EOPENBREAKER' });
  await assert.rejects(b.execute(ok, 4), { code: 'EOPENBREAKER' });
  assert.deepStrictEqual(rejects, ['EOPENBREAKER', 'EOPENBREAKER']);
  assert.strictEqual(failures.length, 2, 'a reject is not a failure');
  assert.strictEqual(b.stats.rejects, 2);
});

test('breaker_stats_latency_percentiles_on_a_clock', async () => {
  // 90 calls of 5 ms and 10 of 300 ms. Bins are powers of two and report
  // their upper edge: 5 ms is in [4, 7], 300 ms in [256, 511].
  const { b, clock } = traced({});
  const call = (ms) => b.execute(() => {
    clock.t += ms;
    return ms;
  });
  for (let i = 0; i < 90; i++) await call(5);
  for (let i = 0; i < 10; i++) await call(300);
  let s = b.stats;
  assert.strictEqual(s.successes, 100);
  assert.deepStrictEqual(s.latency, { p50: 7, p99: 511 });
  // Only fast calls in a fresh breaker: both percentiles in the 5 ms bin.
  const fast = traced({});
  for (let i = 0; i < 10; i++) {
    await fast.b.execute(() => { fast.clock.t += 5; });
  }
  s = fast.b.stats;
  assert.deepStrictEqual(s.latency, { p50: 7, p99: 7 });
});
