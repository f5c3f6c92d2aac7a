'use strict';
// What the main thread and a pool worker agree on. Brands are registered
// symbols, so a second copy of offload loaded by the task module (another
// path in node_modules) still recognises them.

/** Set on globalThis by the worker entry: WorkerPool.isWorkerThread. */
const WORKER_FLAG = Symbol.for('offload.pool.worker');
/** Marks a WorkerPool.move() wrapper. */
const MOVE = Symbol.for('offload.pool.move');

/** Int32 slot of the per-worker control word, bumped after each post. */
const WAKE = 0;

/**
 * How long an idle worker sleeps on its control word (Atomics.wait, which
 * wakes on the main thread's notify without a trip through the worker's
 * event loop) before it returns to that loop, where its port's 'message'
 * listener takes over. Long enough to catch the next task of a busy pool,
 * short enough that timers of the task module are not held up for long.
 */
const IDLE_SPIN_MS = 10;

/** Message id of the worker's "module loaded" note. */
const READY = -1;

module.exports = { WORKER_FLAG, MOVE, WAKE, IDLE_SPIN_MS, READY };
