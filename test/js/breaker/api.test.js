'use strict';
// CircuitBreaker options, fallback, events, stats, restore, Express and
// offload's own load shedding.
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const offload = require('../../..');

const { CircuitBreaker } = offload;
const ok = (v) => Promise.resolve(v);
const boom = () => Promise.reject(new Error('boom'));

test('breaker_bad_options_throw_coded_errors', () => {
  // Only values no number can be read from: opossum's own (numeric
  // strings, 0 for the rolling window, odd bucket counts) are accepted.
  const cases = [
    [{ timeout: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE',
      'The value of "options.timeout" is out of range. It must be >= 0. Received -1'],
    [{ timeout: 'soon' }, 'TypeError', 'ERR_INVALID_ARG_TYPE',
      'The "options.timeout" property must be of type number. Received type string (\'soon\')'],
    [{ errorThresholdPercentage: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE',
      'The value of "options.errorThresholdPercentage" is out of range. It must be >= 0. Received -1'],
    [{ rollingCountTimeout: NaN }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ rollingCountBuckets: 2.5 }, 'RangeError', 'ERR_OUT_OF_RANGE',
      'The value of "options.rollingCountBuckets" is out of range. It must be an integer >= 0 && <= 1024. Received 2.5'],
    [{ rollingCountBuckets: 2000 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ volumeThreshold: {} }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ failureThreshold: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ resetTimeout: 'x' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ halfOpenMaxConcurrent: 0 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ successThreshold: 0 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ capacity: -2 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ errorFilter: 1 }, 'TypeError', 'ERR_INVALID_ARG_TYPE',
      'The "options.errorFilter" property must be of type function. Received type number (1)'],
    [{ clock: 'now' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ name: 5 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ shared: 'yes', name: 'x' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ shared: true }, 'TypeError', 'ERR_INVALID_ARG_VALUE',
      "The property 'options.shared' requires options.name. Received true"],
    [{ state: 'open' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ state: { state: 'ajar' } }, 'TypeError', 'ERR_INVALID_ARG_VALUE', null],
    [{ state: { state: 'open', openedAgo: -1 } }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ abortController: {} }, 'TypeError', undefined,
      'AbortController does not contain `abort()` method'],
    [{ cache: true, cacheTransport: { get() {} } }, 'TypeError', undefined,
      'options.cacheTransport should be an object with `get`, `set` and `flush` methods'],
  ];
  for (const [opts, name, code, message] of cases) {
    const want = { name };
    if (code) want.code = code;
    if (message) want.message = message;
    assert.throws(() => new CircuitBreaker(ok, opts), want, JSON.stringify(opts));
  }
  assert.throws(() => new CircuitBreaker(), { name: 'TypeError', message:
    'No action provided. Cannot construct a CircuitBreaker without an invocable action.' });
  assert.throws(() => new CircuitBreaker(ok, 5), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new CircuitBreaker(ok).fallback('x'), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('breaker_opossum_option_values_are_accepted', async () => {
  const b = new CircuitBreaker(ok, { timeout: '250', rollingCountTimeout: 0,
    rollingCountBuckets: 3, capacity: Number.MAX_SAFE_INTEGER,
    errorThresholdPercentage: 150, resetTimeout: 2 ** 31 + 0.5 });
  assert.strictEqual(b.options.timeout, '250', 'as given');
  assert.strictEqual(b.options.rollingCountTimeout, 0);
  assert.strictEqual(await b.fire(4), 4);
  b.shutdown();
  const value = new CircuitBreaker('foobar');
  assert.strictEqual(await value.fire(), 'foobar', 'a non-function action');
  value.shutdown();
});

test('breaker_promise_apis_reject_not_throw', async () => {
  const b = new CircuitBreaker(null);
  await assert.rejects(b.fire(), { code: 'ERR_INVALID_STATE' });
  await assert.rejects(b.execute('nope'), { code: 'ERR_INVALID_ARG_TYPE' });
  b.shutdown();
  await assert.rejects(b.execute(ok), { code: 'ESHUTDOWN',
    message: 'The circuit has been shutdown.' });
  assert.strictEqual(CircuitBreaker.isOurError(await b.fire().catch((e) => e)),
    true);
});

test('breaker_fire_passes_args_and_this_unchanged_execute_adds_a_signal', async () => {
  const seen = [];
  function action(...args) {
    seen.push([this, args.length]);
    return args[0] + args[1];
  }
  const b = new CircuitBreaker(action);
  for (const ev of ['fire', 'success', 'failure', 'reject', 'timeout']) {
    b.on(ev, () => seen.push(ev));
  }
  assert.strictEqual(await b.fire(2, 3), 5);
  assert.deepStrictEqual(seen, ['fire', [action, 2], 'success'],
    'this is the action, as in opossum; no signal appended');
  const ctx = {};
  assert.strictEqual(await b.call(ctx, 1, 1), 2);
  assert.strictEqual(seen.at(-2)[0], ctx);
  // A promisified callback API computes the right result.
  const add = require('node:util').promisify((x, y, cb) => cb(null, x + y));
  assert.strictEqual(await new CircuitBreaker(add).fire(3, 4), 7);
  let signal = null;
  assert.strictEqual(await b.execute((x, s) => { signal = s; return x; }, 9), 9);
  assert.ok(signal instanceof AbortSignal, 'execute() adds the call\'s signal');
  b.shutdown();
});

test('breaker_fallback_used_on_failure_timeout_and_open', async () => {
  let t = 0;
  const b = new CircuitBreaker(boom, { timeout: 0, failureThreshold: 2,
    volumeThreshold: 100, clock: () => t });
  const fallbacks = [];
  b.on('fallback', (result, err) => fallbacks.push([result, err.message]));
  b.fallback((...args) => `fb:${args.length}`);
  assert.strictEqual(await b.fire('x'), 'fb:2'); // args + the error
  assert.strictEqual(await b.fire('x'), 'fb:2');
  assert.strictEqual(b.state, 'open');
  assert.strictEqual(await b.fire('x'), 'fb:2');
  assert.deepStrictEqual(fallbacks, [['fb:2', 'boom'], ['fb:2', 'boom'],
    ['fb:2', 'Breaker is open']]);
  assert.strictEqual(b.stats.fallbacks, 3);
  assert.strictEqual(b.stats.rejects, 1);
});

test('breaker_error_filter_counts_a_success', async () => {
  // opossum: any truthy answer, the error and the call's args, and a
  // filtered error is a success (with its 'success' event).
  const filtered = [];
  const b = new CircuitBreaker(boom, { timeout: 0, failureThreshold: 1,
    errorFilter: (e, ...args) => { filtered.push(args); return e.message === 'boom' && 1; } });
  const successes = [];
  b.on('success', (e) => successes.push(e.message));
  b.fallback(() => 'unused');
  await assert.rejects(b.fire('a', 'b'), { message: 'boom' });
  assert.deepStrictEqual(filtered, [['a', 'b']]);
  assert.deepStrictEqual(successes, ['boom']);
  assert.strictEqual(b.state, 'closed');
  assert.strictEqual(b.stats.failures, 0);
  assert.strictEqual(b.stats.successes, 1);
});

test('breaker_capacity_rejects_with_esemlocked', async () => {
  const b = new CircuitBreaker(() => new Promise((r) => setTimeout(r, 5)),
    { capacity: 2, timeout: 0 });
  const r = await Promise.allSettled([b.fire(), b.fire(), b.fire()]);
  assert.deepStrictEqual(r.map((x) => x.status), ['fulfilled', 'fulfilled', 'rejected']);
  assert.strictEqual(r[2].reason.code, 'ESEMLOCKED');
  assert.strictEqual(r[2].reason.message, 'Semaphore locked');
  assert.strictEqual(b.stats.semaphoreRejections, 1);
  assert.strictEqual(b.stats.failures, 1, 'a failure, as in opossum');
});

test('breaker_stats_status_tojson_and_restore', async () => {
  let t = 5000;
  const b = new CircuitBreaker(null, { timeout: 0, failureThreshold: 1,
    resetTimeout: 1000, clock: () => t });
  await b.execute(ok);
  await b.execute(boom).catch(() => {});
  await b.execute(ok).catch(() => {});
  const s = b.stats;
  assert.deepStrictEqual([s.fires, s.successes, s.failures, s.rejects], [3, 1, 1, 1]);
  assert.strictEqual(typeof s.latency.p99, 'number');
  assert.ok(b.status instanceof offload.breakers.Status);
  assert.strictEqual(b.status.window.length, 10);
  t += 300;
  const json = JSON.parse(JSON.stringify(b));
  assert.deepStrictEqual(Object.keys(json), ['state', 'status']);
  const { lastTimerAt, ...rest } = json.state;
  assert.deepStrictEqual(rest, { name: b.name, enabled: true, closed: false,
    open: true, halfOpen: false, warmUp: false, shutdown: false });
  assert.ok(Math.abs(Date.now() - 300 - lastTimerAt) < 1000, 'epoch ms');
  assert.strictEqual(json.status.failures, 1);
  const c = new CircuitBreaker(ok, { resetTimeout: 1000, state: json.state, clock: () => t });
  assert.strictEqual(c.state, 'open');
  t += 700;
  assert.strictEqual(c.state, 'halfOpen', 'the restored timer kept running');
  // offload's own shape restores too.
  const d = new CircuitBreaker(ok, { resetTimeout: 1000, clock: () => t,
    state: { state: 'open', openedAgo: 999 } });
  assert.strictEqual(d.state, 'open');
  t += 1;
  assert.strictEqual(d.state, 'halfOpen');
  assert.strictEqual(c.opened, false);
  assert.strictEqual(c.halfOpen, true);
});

test('breaker_open_close_force_state', () => {
  const b = new CircuitBreaker(ok);
  const trace = [];
  b.on('stateChange', ({ from, to }) => trace.push(`${from}->${to}`));
  b.open();
  assert.strictEqual(b.opened, true);
  b.close();
  assert.strictEqual(b.closed, true);
  assert.deepStrictEqual(trace, ['closed->open', 'open->closed']);
});

test('breaker_half_open_emitted_on_time_once', async () => {
  let t = 0;
  const b = new CircuitBreaker(ok, { resetTimeout: 10, clock: () => t });
  const trace = [];
  b.on('stateChange', ({ from, to }) => trace.push(`${from}->${to}`));
  b.open();
  t = 10;
  await new Promise((r) => setTimeout(r, 120)); // the thread's watcher ticks
  assert.deepStrictEqual(trace, ['closed->open', 'open->halfOpen']);
  await b.fire();
  assert.deepStrictEqual(trace, ['closed->open', 'open->halfOpen',
    'halfOpen->closed']);
});

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler).listen(0, () => resolve(server));
  });
}

test('breaker_express_shed_answers_503_with_retry_after', async () => {
  let t = 0;
  const b = new CircuitBreaker(ok, { resetTimeout: 2500, clock: () => t });
  const mw = offload.express.shed(b);
  const server = await listen((req, res) => mw(req, res, () => res.end('ok')));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    assert.strictEqual(await (await fetch(url)).text(), 'ok');
    b.open();
    const res = await fetch(url);
    assert.strictEqual(res.status, 503);
    assert.strictEqual(res.headers.get('retry-after'), '3');
  } finally {
    server.close();
  }
  assert.throws(() => offload.express.shed({}), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('breaker_load_shedding_fails_offload_apis_fast', async () => {
  assert.throws(() => offload.configure({ shed: { maxQueueWait: -1 } }),
    { code: 'ERR_OUT_OF_RANGE' });
  offload.configure({ shed: { maxQueueWait: 1000, resetTimeout: 60000 } });
  try {
    const { spin } = offload._internal;
    assert.ok((await spin(1)) >= 1);
    const shed = offload.breakers.getAll().find((b) => b.name === 'offload.shed');
    shed.open();
    const before = offload.stats().completed;
    await assert.rejects(spin(1), { code: 'CIRCUIT_OPEN' });
    assert.strictEqual(offload.stats().completed, before, 'never queued');
    shed.close();
    assert.ok((await spin(1)) >= 1);
  } finally {
    offload.configure({ shed: false });
  }
});

test('breaker_registry_get_and_get_all', () => {
  const name = `test.registry.${process.pid}`;
  const b = offload.breakers.get(name, { timeout: 0 });
  assert.strictEqual(offload.breakers.get(name, { timeout: 0 }), b);
  assert.throws(() => offload.breakers.get(name, { timeout: 5 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  const local = new CircuitBreaker(ok, { name: `${name}.local` });
  const anonymous = new CircuitBreaker((v) => v);
  const all = offload.breakers.getAll();
  assert.ok(all.includes(b));
  assert.ok(all.includes(local), 'a named breaker that is not shared');
  assert.ok(!all.includes(anonymous));
  local.shutdown();
  assert.ok(!offload.breakers.getAll().includes(local), 'gone after shutdown');
  assert.ok(b.status instanceof offload.breakers.Status);
  assert.ok(!all.includes(anonymous) && anonymous.name.length === 36,
    'an anonymous action gets a UUID name');
  b.shutdown();
});

test('breaker_call_settles_when_a_listener_or_thenable_throws', async () => {
  // With and without a deadline: the call rejects with the thrown error,
  // it never hangs and fire() never throws.
  for (const timeout of [0, 1000]) {
    const a = new CircuitBreaker(ok, { timeout });
    a.on('success', () => { throw new Error('success listener'); });
    await assert.rejects(a.fire(1), /success listener/);
    const b = new CircuitBreaker(boom, { timeout });
    b.on('failure', () => { throw new Error('failure listener'); });
    await assert.rejects(b.fire(), /failure listener/);
    const hostile = { get then() { throw new Error('hostile then'); } };
    const c = new CircuitBreaker(() => hostile, { timeout });
    await assert.rejects(c.fire(), /hostile then/);
    assert.strictEqual(c.stats.failures, 1);
  }
});

test('breaker_untimed_fast_path_keeps_async_semantics', async () => {
  // Closed, no timeout: a native promise is followed with .then (cached
  // handlers when unsampled with no args); anything else is awaited. 20
  // calls of each kind cover sampled and unsampled calls.
  class SubPromise extends Promise {}
  const actions = [
    ['value', () => 5, 'ok', 5],
    ['native promise', () => Promise.resolve(6), 'ok', 6],
    ['thenable', () => ({ then(res) { res(7); } }), 'ok', 7],
    ['subclass', () => SubPromise.resolve(8), 'ok', 8],
    ['rejecting', () => Promise.reject(new Error('no')), 'err', 'no'],
    ['throwing', () => { throw new Error('sync'); }, 'err', 'sync'],
    ['rejecting thenable', () => ({ then(res, rej) { rej(new Error('t')); } }),
      'err', 't'],
  ];
  for (const [name, fn, kind, want] of actions) {
    for (const args of [[], [1, 2]]) {
      const b = new CircuitBreaker(fn, { timeout: 0, volumeThreshold: 1000 });
      const events = [];
      b.on('success', (v) => events.push(['success', v]));
      b.on('failure', (e, latency, a) => {
        assert.ok(latency >= 0);
        events.push(['failure', e.message, a]);
      });
      for (let i = 0; i < 20; i++) {
        const r = await b.fire(...args).then((v) => ['ok', v],
          (e) => ['err', e.message]);
        assert.deepStrictEqual(r, [kind, want], `${name} ${args.length}`);
      }
      const expected = kind === 'ok' ? ['success', want] :
        ['failure', want, args];
      assert.deepStrictEqual(events, Array(20).fill(expected), name);
      const s = b.stats;
      assert.strictEqual(kind === 'ok' ? s.successes : s.failures, 20, name);
      assert.strictEqual(s.fires, 20, name);
    }
  }
});

test('breaker_untimed_fast_path_failure_events_fallback_and_args', async () => {
  const b = new CircuitBreaker(boom, { timeout: 0, volumeThreshold: 1000 });
  const got = [];
  b.fallback((...a) => a);
  let failureArgs = null;
  b.on('failure', (e, latency, a) => { failureArgs = a; });
  for (let i = 0; i < 10; i++) {
    const r = await b.fire();
    assert.strictEqual(r.length, 1);
    assert.strictEqual(r[0].message, 'boom');
    assert.deepStrictEqual(failureArgs, []);
    got.push(failureArgs);
  }
  assert.strictEqual(new Set(got).size, 10, 'a fresh args array per call');
  // A 'fire' listener receives the args array and may change it: the
  // failure and the fallback see its changes, as before.
  b.on('fire', (a) => a.push('added'));
  const r = await b.fire();
  assert.deepStrictEqual(r.slice(0, 1), ['added']);
  assert.deepStrictEqual(failureArgs, ['added']);
  // A sync throw emits 'failure' before fire() returns (as async did).
  const c = new CircuitBreaker(() => { throw new Error('sync'); },
    { timeout: 0 });
  let emitted = false;
  c.on('failure', () => { emitted = true; });
  const p = c.fire();
  assert.strictEqual(emitted, true);
  await assert.rejects(p, /sync/);
});

test('breaker_untimed_fast_path_ignores_a_patched_then', async () => {
  // `await` never calls a native promise's own then(); neither does fire().
  const p = Promise.resolve(9);
  let called = false;
  p.then = function patched(...a) {
    called = true;
    return Promise.prototype.then.apply(this, a);
  };
  const b = new CircuitBreaker(() => p, { timeout: 0 });
  assert.strictEqual(await b.fire(), 9);
  assert.strictEqual(called, false);
});
