'use strict';
// CircuitBreaker: exact transition traces on a fake clock, half-open
// admission, cross-thread sharing, options. No test sleeps for seconds.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');

const { CircuitBreaker } = offload;
const ok = (v) => Promise.resolve(v);
const boom = () => Promise.reject(new Error('boom'));

// A breaker on a fake clock, plus the trace of its state events.
function traced(options) {
  const clock = { t: 1000 };
  const b = new CircuitBreaker(null,
    { timeout: 0, clock: () => clock.t, ...options });
  const trace = [];
  for (const ev of ['open', 'halfOpen', 'close']) b.on(ev, () => trace.push(ev));
  b.on('stateChange', ({ from, to }) => trace.push(`${from}->${to}`));
  return { b, clock, trace };
}
const settle = (p) => p.then((v) => ['ok', v], (e) => ['err', e.code || e.message]);
let uniq = 0;
const fresh = (tag) => `test.${tag}.${process.pid}.${uniq++}`;

test('breaker_trace_trip_failfast_halfopen_close', async () => {
  // opossum's rule: the failure rate must exceed the threshold (1 of 2
  // fires is 50 %, above 49 %).
  const { b, clock, trace } = traced({ volumeThreshold: 2, resetTimeout: 500,
    successThreshold: 2, halfOpenMaxConcurrent: 2,
    errorThresholdPercentage: 49 });
  assert.deepStrictEqual(await settle(b.execute(ok, 1)), ['ok', 1]);
  assert.deepStrictEqual(await settle(b.execute(boom)), ['err', 'boom']);
  assert.deepStrictEqual(trace, ['open', 'closed->open']);
  let called = 0;
  const err = await b.execute(() => { called++; }).catch((e) => e);
  assert.strictEqual(err.code, 'EOPENBREAKER');
  assert.strictEqual(err.message, 'Breaker is open');
  assert.strictEqual(called, 0, 'the action is not called while open');
  clock.t += 499;
  assert.strictEqual(b.state, 'open');
  clock.t += 1;
  assert.strictEqual(b.state, 'halfOpen');
  assert.deepStrictEqual(await settle(b.execute(ok, 2)), ['ok', 2]);
  assert.strictEqual(b.state, 'halfOpen', 'one of two probe successes');
  assert.deepStrictEqual(await settle(b.execute(ok, 3)), ['ok', 3]);
  assert.strictEqual(b.state, 'closed');
  assert.deepStrictEqual(trace, ['open', 'closed->open', 'halfOpen',
    'open->halfOpen', 'close', 'halfOpen->closed']);
});

test('breaker_probe_failure_reopens_and_restarts_timer', async () => {
  const { b, clock, trace } = traced({ failureThreshold: 1, resetTimeout: 100 });
  await settle(b.execute(boom));
  clock.t += 100;
  await settle(b.execute(boom)); // the probe fails
  assert.strictEqual(b.state, 'open');
  clock.t += 99;
  assert.deepStrictEqual(await settle(b.execute(ok)), ['err', 'EOPENBREAKER']);
  clock.t += 1;
  assert.deepStrictEqual(await settle(b.execute(ok, 7)), ['ok', 7]);
  assert.deepStrictEqual(trace.filter((e) => e.includes('->')), [
    'closed->open', 'open->halfOpen', 'halfOpen->open', 'open->halfOpen',
    'halfOpen->closed']);
});

test('breaker_failure_threshold_counts_consecutive_failures', async () => {
  const { b, trace } = traced({ failureThreshold: 3,
    errorThresholdPercentage: 100, volumeThreshold: 1000 });
  await settle(b.execute(boom));
  await settle(b.execute(boom));
  await settle(b.execute(ok)); // resets the run
  await settle(b.execute(boom));
  await settle(b.execute(boom));
  assert.strictEqual(b.state, 'closed');
  assert.deepStrictEqual(trace, [], 'no transition before the third in a row');
  await settle(b.execute(boom));
  assert.strictEqual(b.state, 'open');
  assert.deepStrictEqual(trace, ['open', 'closed->open']);
  assert.strictEqual(b.stats.failures, 5);
});

test('breaker_volume_threshold_holds_closed_under_low_volume', async () => {
  const { b, trace } = traced({ volumeThreshold: 5 });
  for (let i = 0; i < 4; i++) await settle(b.execute(boom));
  assert.strictEqual(b.state, 'closed', '4 failures < volumeThreshold 5');
  assert.deepStrictEqual(trace, [], '100 % failures, but under the volume');
  await settle(b.execute(boom));
  assert.strictEqual(b.state, 'open');
  assert.deepStrictEqual(trace, ['open', 'closed->open']);
});

test('breaker_half_open_admits_exactly_max_concurrent', async () => {
  const { b, clock } = traced({ failureThreshold: 1, resetTimeout: 10,
    halfOpenMaxConcurrent: 3 });
  await settle(b.execute(boom));
  clock.t += 10;
  let reached = 0;
  const gates = [];
  const probe = () => { reached++; return new Promise((r) => gates.push(r)); };
  const calls = Array.from({ length: 100 }, () => settle(b.execute(probe)));
  await new Promise(setImmediate);
  assert.strictEqual(reached, 3);
  gates.forEach((r) => r('p'));
  const results = await Promise.all(calls);
  assert.strictEqual(results.filter(([k]) => k === 'ok').length, 3);
  assert.strictEqual(results.filter(([, c]) => c === 'EOPENBREAKER').length, 97);
  assert.strictEqual(b.state, 'closed');
});

test('breaker_stuck_probe_is_ended_by_timeout', async () => {
  let t = 0;
  const b = new CircuitBreaker(() => new Promise(() => {}),
    { timeout: 20, failureThreshold: 1, resetTimeout: 10, clock: () => t });
  const seen = [];
  b.on('timeout', () => seen.push('timeout'));
  b.open();
  t = 10;
  let signal = null;
  const err = await b.execute((s) => { signal = s; return new Promise(() => {}); })
    .catch((e) => e);
  assert.strictEqual(err.code, 'ETIMEDOUT');
  assert.ok(signal.aborted, 'the action\'s AbortSignal aborts on timeout');
  assert.deepStrictEqual(seen, ['timeout']);
  assert.strictEqual(b.state, 'open', 'the timed-out probe re-opened it');
  t = 20;
  assert.strictEqual(b.state, 'halfOpen', 'never stuck');
});

test('breaker_simultaneous_failures_do_not_postpone_half_open', async () => {
  const { b, clock, trace } = traced({ failureThreshold: 1, resetTimeout: 100 });
  const rejects = [];
  const inflight = Array.from({ length: 10 }, () => settle(b.execute(
    () => new Promise((_, r) => rejects.push(r)))));
  await new Promise(setImmediate);
  rejects[0](new Error('first'));
  await inflight[0];
  assert.strictEqual(b.state, 'open');
  clock.t += 60;
  rejects.slice(1).forEach((r) => r(new Error('late'))); // while open
  await Promise.all(inflight);
  clock.t += 40; // 100 ms after the FIRST failure
  assert.strictEqual(b.state, 'halfOpen');
  assert.deepStrictEqual(await settle(b.execute(ok, 1)), ['ok', 1]);
  assert.strictEqual(trace.filter((e) => e === 'open').length, 1);
});

test('breaker_window_counts_match_reference', async () => {
  // Random schedules, events at bucket edges included; closed throughout.
  let seed = 42;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let s = 0; s < 200; s++) {
    const window = 1000;
    const buckets = [1, 4, 10][s % 3];
    const bucketMs = window / buckets;
    const { b, clock } = traced({ rollingCountTimeout: window,
      rollingCountBuckets: buckets, errorThresholdPercentage: 100,
      volumeThreshold: 2 ** 32 - 1 });
    const events = [];
    for (let i = 0; i < 20; i++) {
      clock.t += rnd(4) === 0 ? bucketMs - (clock.t % bucketMs) : rnd(300);
      const fail = rnd(2) === 0;
      events.push([clock.t, fail]);
      await settle(b.execute(fail ? boom : ok));
    }
    // Reference: buckets are absolute (t / bucketMs); the window is the
    // current bucket and the buckets-1 before it.
    const cur = Math.floor(clock.t / bucketMs);
    const inWin = events.filter(([t]) => Math.floor(t / bucketMs) > cur - buckets);
    const st = b.stats;
    assert.strictEqual(st.fires, inWin.length, `schedule ${s}`);
    assert.strictEqual(st.failures, inWin.filter(([, f]) => f).length);
    assert.strictEqual(st.successes, inWin.filter(([, f]) => !f).length);
  }
});

const { worker } = require('../fixtures/breaker_worker_handle');

test('breaker_shared_open_in_worker_a_rejects_in_main_and_worker_b', async () => {
  const name = fresh('shared');
  const options = { failureThreshold: 3, resetTimeout: 60000, timeout: 0 };
  const mine = CircuitBreaker.shared(name, options);
  assert.strictEqual(CircuitBreaker.shared(name, options), mine, 'same object');
  const events = [];
  mine.on('stateChange', (e) => events.push(e));
  const a = worker({ name, mode: 'fail', calls: 3, options });
  assert.deepStrictEqual(await a.next(), { state: 'open' });
  let called = false;
  const err = await mine.execute(() => { called = true; }).catch((e) => e);
  assert.strictEqual(err.code, 'EOPENBREAKER');
  assert.strictEqual(called, false);
  assert.deepStrictEqual(events, [{ from: 'closed', to: 'open' }]);
  const b = worker({ name, mode: 'probe', options });
  assert.deepStrictEqual(await b.next(), { code: 'EOPENBREAKER', called: false });
  assert.ok(offload.breakers.getAll().some((x) => x.name === name));
  mine.shutdown();
});

test('breaker_shared_state_events_reach_other_threads', async () => {
  const name = fresh('events');
  const options = { timeout: 0, resetTimeout: 60000 };
  const mine = CircuitBreaker.shared(name, options);
  const { w, next } = worker({ name, mode: 'events', options });
  assert.deepStrictEqual(await next(), { ready: true });
  mine.open();
  assert.deepStrictEqual(await next(), { from: 'closed', to: 'open' });
  mine.close();
  assert.deepStrictEqual(await next(), { from: 'open', to: 'closed' });
  await w.terminate();
  mine.shutdown();
});

test('breaker_shared_ten_threads_keep_exact_counts', async () => {
  const name = fresh('hammer');
  const options = { timeout: 0, rollingCountTimeout: 600000,
    rollingCountBuckets: 10 };
  const mine = CircuitBreaker.shared(name, options);
  const ws = Array.from({ length: 10 }, () =>
    worker({ name, mode: 'hammer', calls: 2000, options }));
  await Promise.all(ws.map((x) => x.next()));
  const s = mine.stats;
  assert.strictEqual(s.fires, 20000);
  assert.strictEqual(s.successes, 20000);
  mine.shutdown();
});

test('breaker_shared_conflicting_options_throw', () => {
  const name = fresh('conflict');
  const b = CircuitBreaker.shared(name, { resetTimeout: 1000 });
  assert.throws(() => CircuitBreaker.shared(name, { resetTimeout: 2000 }),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => new CircuitBreaker(ok, { name, shared: true, resetTimeout: 5 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.strictEqual(offload.breakers.get(name, { resetTimeout: 1000 }), b);
  b.shutdown();
});

test('breaker_timeout_timer_does_not_hold_the_process', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const src = `
    const o = require(${JSON.stringify(path.join(__dirname, '../../..'))});
    const b = new o.CircuitBreaker(async (x) => x); // default 10 s timeout
    (async () => { for (let i = 0; i < 1000; i++) await b.fire(i); console.log('done'); })();`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 20000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  // Not held until the 10 s deadline timer would fire.
  assert.ok(Date.now() - t0 < 8000, `exit took ${Date.now() - t0} ms`);
});

test('breaker_timeout_never_fires_early', async () => {
  // A call does not read the clock when it joins its deadline lane: its
  // deadline comes from a later read. Bursts of stuck calls, some
  // separated by busy JS, must each have run >= timeout when they time
  // out, with their AbortSignal aborted.
  const { performance } = require('node:perf_hooks');
  const timeout = 30;
  const b = new CircuitBreaker(null, { timeout, volumeThreshold: 1000 });
  const calls = [];
  for (let burst = 0; burst < 5; burst++) {
    for (let i = 0; i < 11; i++) {
      const t0 = performance.now();
      let signal = null;
      const p = b.execute((s) => { signal = s; return new Promise(() => {}); })
        .catch((e) => [e, performance.now() - t0, signal]);
      calls.push(p);
      if (i % 4 === 3) {
        const until = performance.now() + 2;
        while (performance.now() < until); // busy: the clock moves on
      }
    }
    await new Promise((r) => setTimeout(r, burst * 3));
  }
  for (const [err, elapsed, signal] of await Promise.all(calls)) {
    assert.strictEqual(err.code, 'ETIMEDOUT');
    assert.ok(elapsed >= timeout, `timed out after ${elapsed} ms`);
    assert.ok(signal.aborted);
  }
});

test('breaker_call_joining_from_a_timeout_listener_gets_its_own_deadline', async () => {
  const { performance } = require('node:perf_hooks');
  const b = new CircuitBreaker(() => new Promise(() => {}),
    { timeout: 20, volumeThreshold: 1000 });
  let late = null;
  let lateSignal = null;
  b.once('timeout', () => {
    const t0 = performance.now();
    late = b.execute((s) => { lateSignal = s; return new Promise(() => {}); })
      .catch((e) => [e, performance.now() - t0, lateSignal]);
  });
  await Promise.all([b.fire(), b.fire()].map((p) => p.catch(() => {})));
  assert.strictEqual(lateSignal.aborted, false,
    'not aborted with the expiring calls');
  const [err, elapsed, signal] = await late;
  assert.strictEqual(err.code, 'ETIMEDOUT');
  assert.ok(elapsed >= 20, `timed out after ${elapsed} ms`);
  assert.ok(signal.aborted);
});
