'use strict';
// Shared breakers: options compared process-wide (timeout included), the
// registry as a lookup, getAll() with exact options, names released on
// shutdown, and every settle of a shared breaker counted at once.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');

const { CircuitBreaker } = offload;
const ok = (v) => Promise.resolve(v);
const boom = () => Promise.reject(new Error('boom'));
let uniq = 0;
const fresh = (tag) => `test.${tag}.${process.pid}.${uniq++}`;
const CONFLICT = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };

const { worker } = require('../fixtures/breaker_worker_handle');

test('breaker_registry_timeout_conflict_in_this_thread', () => {
  const name = fresh('timeout');
  const b = CircuitBreaker.shared(name, { timeout: 0 });
  assert.throws(() => new CircuitBreaker(ok, { name, shared: true, timeout: 5 }),
    CONFLICT);
  assert.throws(() => CircuitBreaker.shared(name, { timeout: 5 }), CONFLICT);
  assert.throws(() => offload.breakers.get(name, {}), CONFLICT,
    'the default timeout (10000) differs from 0 too');
  assert.strictEqual(CircuitBreaker.shared(name, { timeout: false }), b);
  b.shutdown();
});

test('breaker_registry_timeout_conflict_in_a_worker', async () => {
  const name = fresh('timeout.worker');
  const b = CircuitBreaker.shared(name, { timeout: 0 });
  const bad = worker({ name, mode: 'construct', options: { timeout: 5 } });
  assert.deepStrictEqual(await bad.next(), { code: 'ERR_INVALID_ARG_VALUE' });
  const good = worker({ name, mode: 'construct', options: { timeout: 0 } });
  assert.deepStrictEqual(await good.next(), { code: null });
  await Promise.all([bad.w.terminate(), good.w.terminate()]);
  b.shutdown();
});

test('breaker_registry_get_without_options_is_a_lookup', async () => {
  const name = fresh('lookup');
  const b = offload.breakers.get(name, { timeout: 0, resetTimeout: 7 });
  assert.strictEqual(offload.breakers.get(name), b);
  b.shutdown();
  // Made by another thread: a handle here with the exact stored options.
  const name2 = fresh('lookup.worker');
  const options = { timeout: 1234, resetTimeout: 77, volumeThreshold: 3 };
  const w = worker({ name: name2, mode: 'events', options });
  assert.deepStrictEqual(await w.next(), { ready: true });
  const mine = offload.breakers.get(name2);
  assert.strictEqual(mine._opts.timeout, 1234);
  assert.strictEqual(mine._opts.resetTimeout, 77);
  assert.strictEqual(offload.breakers.get(name2, options), mine, 'no conflict');
  assert.throws(() => offload.breakers.get(name2, { ...options, timeout: 1 }),
    CONFLICT);
  await w.w.terminate();
  mine.shutdown();
});

test('breaker_registry_get_all_uses_exact_options', async () => {
  // As examples/express/breaker.js: a breaker another thread made with a
  // non-default timeout, listed by getAll(), then asked for by its options.
  const name = fresh('getall');
  const options = { timeout: 2000, resetTimeout: 5000, volumeThreshold: 5 };
  const w = worker({ name, mode: 'events', options });
  assert.deepStrictEqual(await w.next(), { ready: true });
  const listed = offload.breakers.getAll().find((b) => b.name === name);
  assert.ok(listed, 'listed');
  assert.strictEqual(listed._opts.timeout, 2000);
  assert.strictEqual(offload.breakers.get(name, options), listed);
  assert.strictEqual(offload.breakers.getAll().find((b) => b.name === name),
    listed, 'one handle per thread');
  await w.w.terminate();
  listed.shutdown();
});

test('breaker_registry_constructed_shared_breaker_is_registered', () => {
  const name = fresh('adopt');
  const b = new CircuitBreaker(ok, { name, shared: true, timeout: 2000 });
  assert.strictEqual(offload.breakers.get(name), b);
  assert.strictEqual(offload.breakers.get(name, { timeout: 2000 }), b);
  assert.ok(offload.breakers.getAll().includes(b));
  b.shutdown();
});

test('breaker_registry_shutdown_releases_the_name', () => {
  const name = fresh('release');
  const b = CircuitBreaker.shared(name, { timeout: 0, resetTimeout: 10 });
  b.shutdown();
  assert.ok(!offload.breakers.getAll().some((x) => x.name === name),
    'gone with the last open handle, not at GC');
  const c = CircuitBreaker.shared(name, { timeout: 0, resetTimeout: 20 });
  assert.notStrictEqual(c, b);
  assert.strictEqual(c._opts.resetTimeout, 20);
  // The shut-down handle still reads its (pinned) block safely.
  assert.strictEqual(b.state, 'closed');
  c.shutdown();
});

test('breaker_shared_successes_in_one_thread_count_at_once_in_another', async () => {
  // Thread A (a worker) succeeds 3 times and keeps its handle; thread B
  // (main) then fails. 50 %, no volume threshold: opossum's rule trips
  // above the percentage, so 1/4, 2/5, 3/6 stay closed and 4/7 opens.
  // With A's successes batched, B's first failure (1/1) would open it at
  // once.
  const name = fresh('exact');
  const options = { timeout: 0, errorThresholdPercentage: 50,
    rollingCountTimeout: 600000, rollingCountBuckets: 10, resetTimeout: 60000 };
  const mine = CircuitBreaker.shared(name, options);
  const trace = [];
  mine.on('stateChange', ({ from, to }) => trace.push(`${from}->${to}`));
  const a = worker({ name, mode: 'succeed', calls: 3, options });
  assert.deepStrictEqual(await a.next(), { done: true });
  await mine.execute(boom).catch(() => {});
  assert.strictEqual(mine.state, 'closed', '1 of 4 failed');
  await mine.execute(boom).catch(() => {});
  assert.strictEqual(mine.state, 'closed', '2 of 5 failed');
  assert.deepStrictEqual(trace, []);
  await mine.execute(boom).catch(() => {});
  assert.strictEqual(mine.state, 'closed', '3 of 6 failed: not above 50 %');
  await mine.execute(boom).catch(() => {});
  assert.strictEqual(mine.state, 'open', '4 of 7 failed');
  assert.deepStrictEqual(trace, ['closed->open']);
  const s = mine.stats;
  assert.deepStrictEqual([s.successes, s.failures], [3, 4]);
  await a.w.terminate();
  mine.shutdown();
});
