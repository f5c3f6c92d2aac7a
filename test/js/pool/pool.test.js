'use strict';
// WorkerPool basics: task modules (CommonJS, ESM, named exports), data
// crossing threads (copy, transfer, move, SharedArrayBuffer), task errors,
// options validation, getters and events.
const test = require('node:test');
const assert = require('node:assert');
const { inspect } = require('node:util');
const { pathToFileURL } = require('node:url');
const offload = require('../../..');

const { fixture, ECHO, poolFor } = require('../fixtures/pool/setup');

const { WorkerPool } = offload;
const pool = poolFor({ minThreads: 1, maxThreads: 2 });

test('pool_runs_commonjs_default_and_named_exports', async (t) => {
  const p = pool(t, { workerData: { tag: 'cjs' } });
  assert.deepStrictEqual(await p.run({ a: [1, 2] }), { a: [1, 2] });
  assert.strictEqual(await p.run(21, { name: 'double' }), 42);
  const info = await p.run(null, { name: 'info' });
  assert.deepStrictEqual(info.workerData, { tag: 'cjs' });
  assert.strictEqual(info.isWorkerThread, true);
  assert.ok(p.threads.some((w) => w.threadId === info.threadId));
  assert.strictEqual(WorkerPool.isWorkerThread, false);
  const named = pool(t, { name: 'double' });
  assert.strictEqual(await named.run(4), 8);
  assert.strictEqual(await named.run(4, { name: 'default' }), 4);
});

test('pool_runs_esm_modules_from_a_file_url', async (t) => {
  const p = pool(t, { filename: pathToFileURL(fixture('esm.mjs')),
    workerData: { tag: 'esm' } });
  assert.strictEqual(await p.run(9), 81);
  assert.strictEqual(await p.run('you', { name: 'greet' }),
    'hello you from esm');
  const href = pool(t, { filename: pathToFileURL(fixture('esm.mjs')).href });
  assert.strictEqual(await href.run(3), 9);
});

test('pool_missing_export_or_module_rejects_with_a_code', async (t) => {
  const p = pool(t);
  await assert.rejects(p.run(1, { name: 'nope' }), {
    name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE',
    message: /has no function export named 'nope'/,
  });
  const missing = pool(t, { filename: fixture('does-not-exist.js') });
  await assert.rejects(missing.run(1), { code: 'ERR_MODULE_NOT_FOUND' });
  await assert.rejects(missing.run(2), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.strictEqual(await p.run('still fine'), 'still fine');
});

test('pool_task_errors_keep_name_message_stack_code_and_cause', async (t) => {
  const p = pool(t);
  const before = p.threads.map((w) => w.threadId);
  await assert.rejects(p.run({ message: 'bad n', extra: { code: 'E_N', n: 5 } },
    { name: 'fail' }), (err) => {
    assert.ok(err instanceof RangeError);
    assert.strictEqual(err.name, 'RangeError');
    assert.strictEqual(err.message, 'bad n');
    assert.strictEqual(err.code, 'E_N');
    assert.strictEqual(err.n, 5);
    assert.match(err.stack, /fixtures[\\/]pool[\\/]echo\.js/);
    return true;
  });
  await assert.rejects(p.run(0, { name: 'reject' }), (err) => {
    assert.strictEqual(err.code, 'E_ASYNC');
    assert.ok(err.cause instanceof TypeError);
    assert.strictEqual(err.cause.message, 'root');
    return true;
  });
  await assert.rejects(p.run(0, { name: 'throwString' }),
    (err) => err === 'plain string');
  // A task that throws is an ordinary rejection: its worker is kept.
  assert.deepStrictEqual(p.threads.map((w) => w.threadId), before);
});

test('pool_uncloneable_task_or_result_rejects_and_pool_goes_on', async (t) => {
  const p = pool(t, { maxThreads: 1 });
  await assert.rejects(p.run(() => 1), { name: 'DataCloneError' });
  await assert.rejects(p.run(null, { name: 'notCloneable' }),
    { name: 'DataCloneError' });
  assert.strictEqual(await p.run('next'), 'next');
});

test('pool_transfer_list_and_move_transfer_buffers', async (t) => {
  const p = pool(t);
  const ab = new Uint8Array([1, 2, 3, 4]).buffer;
  assert.strictEqual(await p.run(ab, { name: 'sum', transferList: [ab] }),
    10);
  assert.strictEqual(ab.byteLength, 0, 'transferred, so detached here');

  const u8 = new Uint8Array(1 << 20).fill(1);
  assert.strictEqual(await p.run(WorkerPool.move(u8), { name: 'sum' }),
    1 << 20);
  assert.strictEqual(u8.byteLength, 0);

  // The worker moves its result back: a round trip with no copy.
  const back = await p.run(WorkerPool.move(new ArrayBuffer(1 << 20)),
    { name: 'roundTrip' });
  assert.ok(back instanceof Uint8Array);
  assert.strictEqual(back.length, 1 << 20);
  assert.strictEqual(back[0], 7);

  const copied = new Uint8Array([5, 5]);
  assert.strictEqual(await p.run(copied, { name: 'sum' }), 10);
  assert.strictEqual(copied.byteLength, 2, 'not moved: copied');
});

test('pool_move_validates_and_leaves_shared_memory_alone', () => {
  const sab = new SharedArrayBuffer(8);
  assert.strictEqual(WorkerPool.move(sab), sab);
  const view = new Int32Array(sab);
  assert.strictEqual(WorkerPool.move(view), view);
  // As in piscina, a primitive (or null) is returned as is.
  for (const v of [5, 'x', null, undefined, false]) {
    assert.strictEqual(WorkerPool.move(v), v);
  }
  for (const bad of [{}, [1]]) {
    assert.throws(() => WorkerPool.move(bad),
      { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  }
});

test('pool_shared_array_buffer_is_seen_by_both_threads', async (t) => {
  const p = pool(t);
  const sab = new SharedArrayBuffer(64);
  Atomics.store(new Int32Array(sab), 0, 0x01020304);
  // The worker sees the main thread's write, and the main thread the
  // worker's fill, in the same memory.
  assert.strictEqual(await p.run({ sab, value: 9 }, { name: 'fill' }),
    0x01020304);
  assert.ok(new Uint8Array(sab).every((b) => b === 9));
});

test('pool_bad_options_throw_coded_errors', () => {
  const cases = [
    [null, 'TypeError', 'ERR_INVALID_ARG_TYPE',
      'The "options" argument must be of type object. Received null'],
    [{ filename: true }, 'TypeError', 'ERR_INVALID_ARG_TYPE',
      'options.filename must be a string or null (or a file: URL). Received true'],
    [{ filename: 5 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ filename: '' }, 'TypeError', 'ERR_INVALID_ARG_VALUE', null],
    [{ filename: 'https://example.com/task.js' }, 'TypeError',
      'ERR_INVALID_ARG_VALUE',
      "The property 'options.filename' must be a path or a file: URL. Received 'https://example.com/task.js'"],
    [{ name: 1 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ name: '' }, 'TypeError', 'ERR_INVALID_ARG_VALUE', null],
    [{ minThreads: '1' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ minThreads: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ minThreads: 1.5 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ maxThreads: 0 }, 'RangeError', 'ERR_OUT_OF_RANGE',
      'options.maxThreads must be a positive integer (at most 1024). Received 0'],
    [{ minThreads: 3, maxThreads: 2 }, 'RangeError', 'ERR_OUT_OF_RANGE',
      'options.minThreads and options.maxThreads must not conflict: minThreads 3 > maxThreads 2'],
    [{ idleTimeout: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ idleTimeout: '1' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ maxQueue: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ maxQueue: 'lots' }, 'TypeError', 'ERR_INVALID_ARG_VALUE',
      "options.maxQueue must be a non-negative integer or 'auto'. Received 'lots'"],
    [{ maxQueue: {} }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ taskTimeout: -5 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ taskTimeout: 2 ** 31 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ taskTimeout: null }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ closeTimeout: 1.5 }, 'RangeError', 'ERR_OUT_OF_RANGE', null],
    [{ resourceLimits: 16 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ resourceLimits: { heap: 16 } }, 'TypeError', 'ERR_INVALID_ARG_VALUE',
      null],
    [{ resourceLimits: { maxOldGenerationSizeMb: '16' } }, 'TypeError',
      'ERR_INVALID_ARG_TYPE', null],
    [{ resourceLimits: { maxOldGenerationSizeMb: 0 } }, 'RangeError',
      'ERR_OUT_OF_RANGE', null],
    [{ env: 'x' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ argv: 'a b' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ execArgv: [1] }, 'TypeError', 'ERR_INVALID_ARG_TYPE',
      'The "options.execArgv[0]" property must be of type string. Received type number (1)'],
    [{ breaker: 5 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', null],
    [{ breaker: { resetTimeout: -1 } }, 'RangeError', 'ERR_OUT_OF_RANGE',
      null],
  ];
  for (const [i, [opts, name, code, message]] of cases.entries()) {
    const want = { name, code };
    if (message) want.message = message;
    // The first two cases are whole options objects; the rest add to a
    // valid one.
    const options = i < 2 || 'filename' in opts ? opts : { filename: ECHO, ...opts };
    assert.throws(() => new WorkerPool(options), want, inspect(opts));
  }
});

test('pool_thread_bounds_follow_piscina_defaults', async (t) => {
  const only = pool(t, { minThreads: undefined, maxThreads: 3 });
  assert.ok(only.options.minThreads <= 3);
  const raised = new WorkerPool({ filename: ECHO, minThreads: 40 });
  t.after(() => raised.destroy());
  assert.strictEqual(raised.options.maxThreads, 40);
  const auto = pool(t, { maxQueue: 'auto', maxThreads: 3 });
  assert.strictEqual(auto.options.maxQueue, 9);
  assert.ok(Object.isFrozen(auto.options));
  assert.strictEqual(pool(t, { minThreads: 0, maxThreads: 1 }).threads.length,
    0);
});

test('pool_run_rejects_bad_arguments_never_throws', async (t) => {
  const p = pool(t);
  const cases = [
    [5, 'ERR_INVALID_ARG_TYPE'],
    [{ name: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ name: '' }, 'ERR_INVALID_ARG_VALUE'],
    [{ transferList: 'x' }, 'ERR_INVALID_ARG_TYPE'],
    [{ signal: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ timeout: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ timeout: '1' }, 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [options, code] of cases) {
    let promise;
    assert.doesNotThrow(() => {
      promise = p.run(1, options);
    });
    await assert.rejects(promise, { code }, inspect(options));
  }
  // One code on every Node (22+ would throw a DataCloneError itself).
  const ab = new ArrayBuffer(8);
  for (const transferList of [[5], [null], ['x'], [ab, ab]]) {
    let promise;
    assert.doesNotThrow(() => {
      promise = p.run(1, { transferList });
    });
    await assert.rejects(promise, (err) => err instanceof TypeError &&
      err.code === 'ERR_INVALID_TRANSFER_OBJECT', inspect(transferList));
  }
  assert.strictEqual(ab.byteLength, 8);
  await assert.rejects(p.close({ force: 'yes' }),
    { code: 'ERR_INVALID_ARG_TYPE' });
});

test('pool_getters_and_events_report_state', async (t) => {
  const created = [];
  const destroyed = [];
  const p = new WorkerPool({ filename: ECHO, minThreads: 1, maxThreads: 2,
    idleTimeout: 0 });
  const first = p.threads[0].threadId;
  p.on('workerCreate', (w) => created.push(w.threadId));
  p.on('workerDestroy', (w) => destroyed.push(w.threadId));
  t.after(() => p.destroy());
  assert.strictEqual(p.threads.length, 1);
  assert.strictEqual(p.completed, 0);
  assert.deepStrictEqual(p.waitTime, { p50: 0, p99: 0, mean: 0, max: 0 });
  const drained = new Promise((resolve) => p.once('drain', resolve));
  const runs = [];
  for (let i = 0; i < 50; i++) runs.push(p.run(i, { name: 'double' }));
  assert.strictEqual(p.threads.length, 2, 'grew to maxThreads on demand');
  assert.strictEqual(p.queueSize, 48);
  assert.deepStrictEqual(await Promise.all(runs), runs.map((_, i) => i * 2));
  await drained;
  assert.strictEqual(p.queueSize, 0);
  assert.strictEqual(p.completed, 50);
  for (const s of [p.waitTime, p.runTime]) {
    assert.deepStrictEqual(Object.keys(s), ['p50', 'p99', 'mean', 'max']);
    assert.ok(s.p50 <= s.p99 && s.p99 <= s.max && s.mean > 0, inspect(s));
  }
  assert.ok(p.duration > 0);
  assert.ok(p.utilization > 0 && p.utilization <= 1);
  // idleTimeout 0: the extra worker retires as soon as it idles.
  while (p.threads.length > 1) await new Promise((r) => setTimeout(r, 5));
  // The constructor's worker is announced after it returns (piscina's
  // order), so a listener attached after `new` sees it too.
  assert.strictEqual(created.length, 2);
  assert.strictEqual(created[0], first);
  assert.strictEqual(destroyed.length, 1);
  assert.deepStrictEqual([p.threads[0].threadId, destroyed[0]].sort(),
    [first, created[1]].sort());
});

test('pool_passes_env_argv_and_exec_argv_to_workers', async (t) => {
  const p = pool(t, { env: { OFFLOAD_POOL_TEST: 'yes' }, argv: ['--flag', 'x'],
    execArgv: ['--no-warnings'] });
  assert.deepStrictEqual(await p.run(null, { name: 'environment' }), {
    env: 'yes', argv: ['--flag', 'x'], execArgv: ['--no-warnings'],
  });
  assert.throws(() => new WorkerPool({ filename: ECHO, minThreads: 1,
    execArgv: ['--not-a-node-flag'] }), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
});

test('pool_uncloneable_queued_task_fails_alone_at_dispatch', async (t) => {
  const p = pool(t, { maxThreads: 1 });
  const holder = p.run(20, { name: 'sleep' });
  const bad = p.run(() => 1);
  const good = p.run('after');
  await assert.rejects(bad, { name: 'DataCloneError' });
  assert.deepStrictEqual(await Promise.all([holder, good]), [20, 'after']);
});
