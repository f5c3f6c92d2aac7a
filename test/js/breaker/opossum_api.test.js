'use strict';
// The opossum API offload.CircuitBreaker gained (issue #17): caching and
// coalescing, enable/disable, healthCheck, warm-up, the Status object,
// 'halfOpen' from a timer, fallback(breaker), isOurError. opossum's own
// suite runs with `npm run test:opossum` (see scripts/opossum_suite.js).
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter, once } = require('node:events');
const { performance } = require('node:perf_hooks');
const offload = require('../../..');

const { CircuitBreaker } = offload;
const { Status, MemoryCache } = offload.breakers;
const boom = () => Promise.reject(new Error('boom'));
const later = (v, ms) => new Promise((r) => setTimeout(() => r(v), ms));

test('breaker_coalesce_shares_one_action_call', async () => {
  let calls = 0;
  const b = new CircuitBreaker((x) => { calls++; return later(x, 5); },
    { coalesce: true, timeout: 1000 });
  const r = await Promise.all([b.fire(1), b.fire(1), b.fire(2)]);
  assert.deepStrictEqual(r, [1, 1, 2]);
  assert.strictEqual(calls, 2, 'fire(1) twice made one call');
  const s = b.stats;
  assert.deepStrictEqual([s.fires, s.successes, s.coalesceCacheHits,
    s.coalesceCacheMisses], [3, 2, 1, 2]);
  b.shutdown();
});

test('breaker_cache_answers_from_the_transport_until_cleared', async () => {
  let calls = 0;
  const b = new CircuitBreaker((x) => ++calls + x, { cache: true,
    cacheGetKey: (x) => `k${x}` });
  assert.strictEqual(await b.fire(10), 11);
  assert.strictEqual(await b.fire(10), 11, 'cached');
  assert.ok(b.options.cacheTransport instanceof MemoryCache);
  assert.ok(b.options.cacheTransport.cache.has('k10'));
  b.clearCache();
  assert.strictEqual(await b.fire(10), 12);
  assert.deepStrictEqual([b.stats.cacheHits, b.stats.cacheMisses], [1, 2]);
  b.shutdown();
});

test('breaker_disabled_calls_the_action_unguarded', async () => {
  const b = new CircuitBreaker(boom, { errorThresholdPercentage: 0 });
  b.disable();
  await assert.rejects(b.fire(), /boom/);
  await assert.rejects(b.fire(), /boom/);
  assert.strictEqual(b.closed, true);
  assert.strictEqual(b.stats.failures, 0);
  b.enable();
  await assert.rejects(b.fire(), /boom/);
  assert.strictEqual(b.opened, true);
  b.shutdown();
});

test('breaker_health_check_failure_opens', async () => {
  const b = new CircuitBreaker(() => 1);
  const failed = once(b, 'healthCheckFailed');
  let self = null;
  b.healthCheck(function check() {
    self = this;
    return Promise.reject(new Error('sick'));
  }, 60000);
  const [err] = await failed;
  assert.strictEqual(err.message, 'sick');
  assert.strictEqual(self, b);
  assert.strictEqual(b.opened, true);
  assert.throws(() => b.healthCheck('x'),
    { name: 'TypeError', message: 'Health check function must be a function' });
  assert.throws(() => b.healthCheck(() => {}, 'soon'),
    { name: 'TypeError', message: 'Health check interval must be a number' });
  b.shutdown();
});

test('breaker_warm_up_holds_the_trip_for_the_window', async () => {
  let t = 1000;
  const b = new CircuitBreaker(boom, { allowWarmUp: true,
    rollingCountTimeout: 1000, errorThresholdPercentage: 0, clock: () => t });
  assert.strictEqual(b.warmUp, true);
  await assert.rejects(b.fire(), /boom/);
  assert.strictEqual(b.closed, true, 'warming up');
  t += 1000;
  assert.strictEqual(b.warmUp, false);
  await assert.rejects(b.fire(), /boom/);
  assert.strictEqual(b.opened, true);
  b.shutdown();
});

test('breaker_status_rotates_on_a_controller_and_snapshots', async () => {
  const rotate = new EventEmitter();
  const b = new CircuitBreaker(boom, { rotateBucketController: rotate,
    rollingCountBuckets: 2, errorThresholdPercentage: 100 });
  const snapshots = [];
  b.status.on('snapshot', (s) => snapshots.push(s.failures));
  await assert.rejects(b.fire(), /boom/);
  assert.strictEqual(b.status.window[0].failures, 1);
  rotate.emit('rotate');
  assert.strictEqual(b.status.window[1].failures, 1, 'moved to the older bucket');
  rotate.emit('rotate');
  assert.strictEqual(b.status.stats.failures, 0, 'out of the window');
  assert.deepStrictEqual(snapshots, [1, 0]);
  b.disable();
  assert.strictEqual(rotate.listenerCount('rotate'), 0);
  b.shutdown();
});

test('breaker_status_primes_and_reports_percentiles', async () => {
  const status = CircuitBreaker.newStatus({ stats: { fires: 5, failures: 2,
    latencyTimes: [10, 30] } });
  assert.ok(status instanceof Status);
  const b = new CircuitBreaker((x) => x, { status });
  await b.fire(1);
  const s = b.stats;
  assert.deepStrictEqual([s.fires, s.failures, s.successes], [6, 2, 1]);
  assert.strictEqual(s.percentiles[1], 30);
  assert.ok(s.latencyMean > 0 && s.latencyMean < 20);
  const off = new CircuitBreaker((x) => x, { rollingPercentilesEnabled: false });
  assert.strictEqual(off.stats.latencyMean, -1);
  assert.strictEqual(off.stats.percentiles[0.5], -1);
  b.shutdown();
  off.shutdown();
});

test('breaker_half_open_comes_from_a_timer_never_early', async () => {
  const b = new CircuitBreaker(boom, { resetTimeout: 30,
    errorThresholdPercentage: 0 });
  const states = [];
  b.on('open', () => states.push(['open', performance.now()]));
  b.on('halfOpen', (ms) => states.push(['halfOpen', performance.now(), ms,
    b.halfOpen, b.pendingClose]));
  await assert.rejects(b.fire(), /boom/);
  const keep = setTimeout(() => {}, 5000); // the breaker's timer is unref'd
  await once(b, 'halfOpen');
  clearTimeout(keep);
  const [[, openedAt], [, at, ms, halfOpen, pendingClose]] = states;
  assert.ok(at - openedAt >= 29, 'not before the reset timeout');
  assert.deepStrictEqual([ms, halfOpen, pendingClose], [30, true, true]);
  b.shutdown();
});

test('breaker_fallback_may_be_another_breaker_and_errors_are_ours', async () => {
  const backup = new CircuitBreaker((x) => `backup ${x}`);
  const b = new CircuitBreaker(boom).fallback(backup);
  assert.strictEqual(await b.fire('a'), 'backup a');
  const thrower = new CircuitBreaker(boom)
    .fallback(() => { throw new Error('fb'); });
  const err = await thrower.fire().catch((e) => e);
  assert.strictEqual(err.message, 'fb', 'a throwing fallback rejects');
  assert.strictEqual(CircuitBreaker.isOurError(err), false);
  const open = new CircuitBreaker(() => 1);
  open.open();
  const rejected = await open.fire().catch((e) => e);
  assert.deepStrictEqual([rejected.code, rejected.message],
    ['EOPENBREAKER', 'Breaker is open']);
  assert.strictEqual(CircuitBreaker.isOurError(rejected), true);
  assert.strictEqual(CircuitBreaker.isOurError(null), false);
  for (const x of [b, backup, thrower, open]) x.shutdown();
});

test('breaker_semaphore_and_timeout_codes', async () => {
  const b = new CircuitBreaker(() => new Promise(() => {}),
    { timeout: 20, capacity: 2 });
  assert.strictEqual(b.semaphore.count, 2);
  const first = b.fire();
  assert.strictEqual(b.semaphore.count, 1);
  const err = await first.catch((e) => e);
  assert.deepStrictEqual([err.code, err.message], ['ETIMEDOUT', 'Timed out after 20ms']);
  assert.strictEqual(b.semaphore.count, 2, 'released on timeout');
  b.shutdown();
});

test('breaker_max_failures_is_deprecated', () => {
  const errors = [];
  const orig = console.error;
  console.error = (m) => errors.push(m);
  try {
    new CircuitBreaker(() => 1, { maxFailures: 3 }).shutdown();
  } finally {
    console.error = orig;
  }
  assert.deepStrictEqual(errors, ['options.maxFailures is deprecated. ' +
    'Please use options.errorThresholdPercentage']);
});
