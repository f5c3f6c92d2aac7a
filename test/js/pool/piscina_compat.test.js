'use strict';
// What a team moving from piscina relies on: event order, getters,
// histograms, EventEmitter signals, refused unknown options, atomics.
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter, once } = require('node:events');
const { WorkerPool } = require('../../..');
const { fixture, ECHO } = require('../fixtures/pool/setup');

const TASKS = fixture('tasks.js');

function pool(t, options) {
  const p = new WorkerPool({ filename: TASKS, minThreads: 1, maxThreads: 1,
    ...options });
  t.after(() => p.destroy());
  return p;
}

test('pool_worker_create_fires_after_the_constructor', async (t) => {
  const p = pool(t, { minThreads: 2, maxThreads: 2 });
  const seen = [];
  p.on('workerCreate', (w) => seen.push(w.threadId));
  await new Promise((r) => process.nextTick(r));
  assert.deepStrictEqual(seen, p.threads.map((w) => w.threadId));
});

test('pool_statics_and_thread_getters', async (t) => {
  const p = pool(t, { minThreads: 1, maxThreads: 3, workerData: 'wd' });
  assert.strictEqual(WorkerPool.version, require('../../../package.json').version);
  assert.strictEqual(WorkerPool.workerData, undefined);
  assert.strictEqual(await p.run(null, { name: 'workerData' }), 'wd');
  assert.strictEqual(p.maxThreads, 3);
  assert.strictEqual(p.minThreads, 1);
  assert.strictEqual(p.idleThreads, 1);
  const busy = p.run(30, { name: 'later' });
  assert.strictEqual(p.idleThreads, 0);
  await busy;
  assert.strictEqual(p.idleThreads, 1);
});

test('pool_histogram_summaries_reset_and_record_timing', async (t) => {
  const p = pool(t);
  for (let i = 0; i < 5; i++) await p.run(i, { name: 'threadId' });
  const h = p.histogram;
  for (const s of [h.runTime, h.waitTime]) {
    for (const k of ['average', 'mean', 'stddev', 'min', 'max', 'p50',
      'p99', 'p99_999']) assert.strictEqual(typeof s[k], 'number', k);
    assert.ok(s.max >= s.min && s.min > 0);
  }
  h.resetRunTime();
  h.resetWaitTime();
  assert.strictEqual(p.histogram.runTime.max, 0);
  assert.ok(Number.isNaN(p.histogram.runTime.mean));
  assert.strictEqual(p.histogram.waitTime.max, 0);
  const off = pool(t, { recordTiming: false });
  await off.run(1, { name: 'threadId' });
  assert.strictEqual(off.histogram.runTime, undefined);
  assert.strictEqual(off.histogram.waitTime, undefined);
});

test('pool_message_and_close_events', async (t) => {
  const p = pool(t);
  const message = once(p, 'message');
  // The task's parentPort message and its result travel on two channels,
  // in either order; once the result is in, the idle worker is unref'd, so
  // this keeps the loop alive until the message has arrived too.
  const alive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(alive));
  assert.strictEqual(await p.run({ hi: 1 }, { name: 'post' }), 'posted');
  assert.deepStrictEqual((await message)[0], { hi: 1 });
  const closed = once(p, 'close');
  await p.close();
  await closed;
});

test('pool_event_emitter_signal_aborts', async (t) => {
  const p = pool(t);
  const ee = new EventEmitter();
  const running = p.run(null, { name: 'waitForAbort', signal: ee });
  const queued = p.run(null, { name: 'threadId', signal: ee });
  ee.emit('abort');
  for (const r of [running, queued]) {
    await assert.rejects(r, { name: 'AbortError', code: 'ABORT_ERR',
      message: 'The task has been aborted' });
  }
  assert.strictEqual(ee.listenerCount('abort'), 0);
  await assert.rejects(p.run(1, { signal: { once: 1 } }),
    { code: 'ERR_INVALID_ARG_TYPE' });
});

test('pool_unknown_and_bad_piscina_options_are_refused', () => {
  for (const [opts, code] of [
    [{ taskQueue: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ workerHistogram: true }, 'ERR_INVALID_ARG_VALUE'],
    [{ loadBalancer: () => null }, 'ERR_INVALID_ARG_VALUE'],
    [{ maxThread: 2 }, 'ERR_INVALID_ARG_VALUE'],
    [{ atomics: 'yes' }, 'ERR_INVALID_ARG_VALUE'],
    [{ concurrentTasksPerWorker: 0 }, 'ERR_OUT_OF_RANGE'],
    [{ niceIncrement: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ trackUnmanagedFds: 1 }, 'ERR_INVALID_ARG_TYPE'],
    [{ recordTiming: 'no' }, 'ERR_INVALID_ARG_TYPE'],
  ]) {
    assert.throws(() => new WorkerPool({ filename: ECHO, ...opts }),
      { code }, JSON.stringify(Object.keys(opts)));
  }
});

test('pool_atomics_disabled_lets_a_left_timer_run_while_idle', async (t) => {
  // With atomics 'disabled' an idle worker never sleeps in Atomics.wait,
  // so the timer a finished task left fires on its own loop.
  const p = pool(t, { atomics: 'disabled', niceIncrement: 1 });
  const sab = new SharedArrayBuffer(4);
  assert.strictEqual(await p.run({ sab, ms: 5 }, { name: 'leaveTimer' }),
    'left');
  const keep = setInterval(() => {}, 1000);
  await Atomics.waitAsync(new Int32Array(sab), 0, 0).value;
  clearInterval(keep);
  assert.strictEqual(Atomics.load(new Int32Array(sab), 0), 1);
});

test('pool_destroy_rejects_running_tasks_with_piscinas_message',
  async (t) => {
    const p = pool(t, { cancelGrace: 0 });
    const running = p.run(null, { name: 'ignore' });
    await new Promise((r) => setTimeout(r, 5));
    const destroyed = p.destroy();
    await assert.rejects(running, { code: 'ERR_OFFLOAD_CLOSED',
      message: 'Terminating worker thread' });
    await destroyed;
  });

test('pool_emits_needs_drain_when_the_queue_fills', async (t) => {
  const p = pool(t, { maxQueue: 2 });
  let needs = 0;
  p.on('needsDrain', () => {
    needs++;
    assert.strictEqual(p.needsDrain, true);
  });
  const runs = [p.run(10, { name: 'later' }), p.run(1, { name: 'later' }),
    p.run(1, { name: 'later' })];
  assert.strictEqual(needs, 1);
  await Promise.all(runs);
  assert.strictEqual(p.needsDrain, false);
});

test('pool_moves_custom_transferables_both_ways', async (t) => {
  const p = pool(t, { filename: ECHO });
  const { transferableSymbol: T, valueSymbol: V } = WorkerPool;
  assert.strictEqual(T, Symbol.for('Piscina.transferable'));
  const ab = new ArrayBuffer(16);
  const custom = {
    get [T]() {
      return ab;
    },
    get [V]() {
      return { bytes: ab };
    },
  };
  const moved = WorkerPool.move(custom);
  assert.strictEqual(moved, custom);
  const back = await p.run(moved);
  assert.strictEqual(ab.byteLength, 0, 'transferred: detached here');
  assert.strictEqual(back.bytes.byteLength, 16);
  // A plain view comes back as a wrapper with both symbols.
  const w = WorkerPool.move(new Uint8Array(4));
  assert.ok(ArrayBuffer.isView(w[V]));
  assert.ok(w[T] instanceof ArrayBuffer);
});

test('pool_custom_task_queue_decides_the_order', async (t) => {
  const seen = [];
  // A LIFO queue holding piscina's PiscinaTask view of each task.
  const lifo = {
    items: [],
    get size() {
      return this.items.length;
    },
    push(task) {
      seen.push([task.task, task[WorkerPool.queueOptionsSymbol],
        typeof task.taskId, task.isAbortable]);
      this.items.push(task);
    },
    shift() {
      return this.items.pop() || null;
    },
    remove(task) {
      this.items.splice(this.items.indexOf(task), 1);
    },
  };
  const p = pool(t, { filename: ECHO, taskQueue: lifo });
  const order = [];
  const holder = p.run(20, { name: 'sleep' });
  const ac = new AbortController();
  const runs = [1, 2, 3].map((n) => p.run(n).then((v) => order.push(v)));
  const dropped = p.run({ n: 4, [WorkerPool.queueOptionsSymbol]: 'opt' },
    { signal: ac.signal });
  ac.abort();
  await assert.rejects(dropped, { code: 'ABORT_ERR' });
  assert.strictEqual(lifo.items.length, 3, 'an aborted task left the queue');
  await holder;
  await Promise.all(runs);
  assert.deepStrictEqual(order, [3, 2, 1]);
  assert.deepStrictEqual(seen.slice(0, 3).map((s) => s[0]), [1, 2, 3]);
  assert.deepStrictEqual(seen[0].slice(1), [null, 'number', false]);
  assert.strictEqual(seen[3][1], 'opt');
  assert.strictEqual(seen[3][3], true);
});
