'use strict';
// The pool thread's wake-up (lib/pool/wake.js): the native uv_async_t
// handle (OFFLOAD_POOL_WAKE=async) and Atomics.waitAsync ('atomics'). The
// other pool tests run under either mode (the env var); these pin what
// only the native handle has: its lifetime, exit, worker teardown, GC.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const { WorkerPool } = require('../../..');
const binding = require('../../../lib/binding');
const { fixture, ECHO } = require('../fixtures/pool/setup');

function withMode(mode, fn) {
  const before = process.env.OFFLOAD_POOL_WAKE;
  process.env.OFFLOAD_POOL_WAKE = mode;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.OFFLOAD_POOL_WAKE;
    else process.env.OFFLOAD_POOL_WAKE = before;
  }
}

function child(mode, execArgv = []) {
  const r = spawnSync(process.execPath,
    [...execArgv, fixture('wake_child.js'), mode],
    { encoding: 'utf8', timeout: 60000,
      env: { ...process.env, OFFLOAD_POOL_WAKE: 'async' } });
  assert.strictEqual(r.signal, null, `it exited on its own: ${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('pool_wake_modes_give_the_same_results', async () => {
  for (const mode of ['async', 'atomics']) {
    const open = binding.poolWakeCount();
    const p = withMode(mode, () => new WorkerPool({ filename: ECHO,
      minThreads: 2, maxThreads: 2 }));
    assert.strictEqual(binding.poolWakeCount(), open + (mode === 'async'),
      mode);
    const n = 500;
    // Batches of results, one at a time, and a busy main thread.
    const all = await Promise.all(Array.from({ length: n }, (_, i) =>
      p.run(i)));
    assert.deepStrictEqual(all, Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < 20; i++) assert.strictEqual(await p.run(i), i);
    assert.strictEqual(await p.run(21, { name: 'double' }), 42);
    await p.destroy();
    assert.strictEqual(binding.poolWakeCount(), open, `${mode}: closed`);
  }
});

test('pool_wake_unknown_mode_throws', () => {
  withMode('uv', () => assert.throws(() => new WorkerPool({ filename: ECHO }),
    { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE',
      message: "The OFFLOAD_POOL_WAKE environment variable must be 'async' " +
        "or 'atomics'. Received 'uv'" }));
  // Empty is the default.
  const p = withMode('', () => new WorkerPool({ filename: ECHO }));
  return p.destroy();
});

test('pool_wake_signal_to_a_closed_handle_is_a_no_op', () => {
  let woken = 0;
  const id = binding.poolWakeOpen(() => woken++);
  assert.ok(Number.isSafeInteger(id) && id > 0);
  assert.strictEqual(binding.poolWakeClose(id), true);
  assert.strictEqual(binding.poolWakeClose(id), false);
  binding.poolWakeSignal(id);
  binding.poolWakeSignal(id + 1);
  assert.throws(() => binding.poolWakeSignal(-1), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => binding.poolWakeSignal(1.5),
    { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => binding.poolWakeOpen(1), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.strictEqual(woken, 0);
});

test('pool_wake_native_handle_wakes_its_drain', async () => {
  let woken = 0;
  let resolve;
  const done = new Promise((r) => {
    resolve = r;
  });
  const keep = setInterval(() => {}, 1000); // the handle itself is unref'd
  const id = binding.poolWakeOpen(() => {
    woken++;
    resolve();
  });
  binding.poolWakeSignal(id);
  binding.poolWakeSignal(id); // coalesced with the first, or a second call
  await done;
  clearInterval(keep);
  assert.ok(woken >= 1);
  assert.strictEqual(binding.poolWakeClose(id), true);
});

for (const mode of ['close', 'idle', 'destroy']) {
  test(`pool_wake_native_process_exits_after_${mode}`, () => {
    const out = child(mode);
    assert.deepStrictEqual(out.answers, [1, 2, 3]);
    assert.strictEqual(out.open, out.before + 1);
    assert.strictEqual(out.after, mode === 'idle' ? out.before + 1 :
      out.before);
    if (mode === 'destroy') assert.strictEqual(out.spun, 'ERR_OFFLOAD_CLOSED');
  });
}

test('pool_wake_native_in_terminated_worker_threads', { timeout: 120000 },
  () => {
    const out = child('terminate');
    assert.strictEqual(out.crashed, 0);
    assert.strictEqual(out.opened, out.rounds, 'each used the native wake');
    assert.strictEqual(out.after, out.before, 'every handle unregistered');
  });

test('pool_wake_native_handle_of_a_collected_pool_closes', () => {
  const out = child('gc', ['--expose-gc']);
  assert.strictEqual(out.open, out.before + 1);
  assert.strictEqual(out.after, out.before);
});
