'use strict';
// What the main thread and a pool worker agree on. Brands are registered
// symbols, so a second copy of offload loaded by the task module (another
// path in node_modules) still recognises them.

/** Set on globalThis by the worker entry: WorkerPool.isWorkerThread. */
const WORKER_FLAG = Symbol.for('offload.pool.worker');
/** Marks a WorkerPool.move() wrapper. */
const MOVE = Symbol.for('offload.pool.move');

/** Int32 slots of the per-worker control word. */
const WAKE = 0; // bumped after each post
const CANCEL = 1; // tag() of the task whose signal must abort
const CANCEL_KIND = 2; // why: one of the kinds below
const SLEEP = 3; // 1 while the worker may be waiting on WAKE
const CTRL_SLOTS = 4;

/** Why a running task's signal aborts. */
const ABORTED = 1; // run()'s signal
const TIMED_OUT = 2; // its timeout
const CLOSED = 3; // close({ force }) or destroy()

/** A task id as an Int32 slot value that is never 0 (0: nothing). */
const tag = (id) => (id % 0x7fffffff) + 1;

/**
 * How long an idle worker sleeps on its control word (Atomics.wait, which
 * wakes on the main thread's notify without a trip through the worker's
 * event loop) before it returns to that loop, where its port's 'message'
 * listener takes over. Long enough to catch the next task of a busy pool,
 * short enough that timers of the task module are not held up for long.
 */
const IDLE_SPIN_MS = 10;

/** Message ids besides task ids (>= 0). */
const READY = -1; // worker → main: the module has loaded
const CANCEL_MSG = -2; // main → worker: [CANCEL_MSG, id, kind]
const SAB_MSG = -3; // either way, once per buffer: [SAB_MSG, wire id, sab]

/**
 * Task slots of a worker's ring beyond concurrentTasksPerWorker (when that
 * is 1): tasks queued ahead, so a worker that finishes one takes the next
 * without waiting for the main thread. Short tasks get more of them (the
 * main thread's wake-up then costs more than a task: the workers would
 * idle), long ones fewer (a task queued ahead waits behind a running one
 * until a free worker steals it, and priorities apply only to the queue).
 */
const PREFETCH = 2;
const PREFETCH_MAX = 8;
/** Mean run time (ms, moving) under which a pool prefetches the most. */
const SHORT_TASK_MS = 0.25;

/**
 * Calls `fn` once `i32[index]` is no longer `seen`. Atomics.waitAsync
 * answers synchronously ('not-equal') when the value changed before the
 * call: the wake already happened, so `fn` runs on the next microtask.
 */
function onChange(i32, index, seen, fn) {
  const r = Atomics.waitAsync(i32, index, seen);
  if (r.async) r.value.then(fn);
  else queueMicrotask(fn);
}

module.exports = {
  onChange, WORKER_FLAG, MOVE, WAKE, SLEEP, CANCEL, CANCEL_KIND, CTRL_SLOTS, ABORTED,
  TIMED_OUT, CLOSED, tag, IDLE_SPIN_MS, READY, CANCEL_MSG, SAB_MSG, PREFETCH,
  PREFETCH_MAX, SHORT_TASK_MS,
};
