'use strict';
// The read side of a WorkerPool: piscina's getters, offload's stats and
// piscina's histograms, over the state lib/pool/pool.js keeps.
const EventEmitter = require('events');
const { performance } = require('perf_hooks');
const { WORKER_FLAG } = require('./control');
const { move, TRANSFERABLE, VALUE } = require('./move');
const { QUEUE_OPTIONS } = require('./task');

// The package's version (piscina's Piscina.version), read once.
const VERSION = JSON.parse(require('fs').readFileSync(
  require('path').join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

/** Test hook: port messages both ways, { sent, received }. */
const PORT_COUNTS = Symbol.for('offload.pool.portMessages');

class PoolView extends EventEmitter {
  /** True in a thread started by a WorkerPool. */
  static get isWorkerThread() {
    return globalThis[WORKER_FLAG] === true;
  }

  /** worker_threads.workerData inside a pool's worker, else undefined. */
  static get workerData() {
    return globalThis[WORKER_FLAG] === true ?
      require('worker_threads').workerData : undefined;
  }

  static get version() {
    return VERSION;
  }

  static move(value) {
    return move(value);
  }

  /** piscina's Transferable protocol: see WorkerPool.move(). */
  static get transferableSymbol() {
    return TRANSFERABLE;
  }

  static get valueSymbol() {
    return VALUE;
  }

  /** piscina's: the key of per-task data a custom taskQueue reads. */
  static get queueOptionsSymbol() {
    return QUEUE_OPTIONS;
  }

  get [PORT_COUNTS]() {
    return { ...this._ports };
  }

  get threads() {
    return Array.from(this._handles, (h) => h.worker);
  }

  /** Queued tasks, counting those queued ahead in a worker's ring. */
  get queueSize() {
    return this._queue.size + this._prefetched;
  }

  /** True while run() would be refused with ERR_OFFLOAD_QUEUE_FULL. */
  get needsDrain() {
    return this._idle.length === 0 &&
      this._handles.size >= this._o.maxThreads &&
      this.queueSize >= this._o.maxQueue;
  }

  get completed() {
    return this._completed;
  }

  /** ms since the pool was created. */
  get duration() {
    return performance.now() - this._born;
  }

  /** Share of maxThreads × duration spent running completed tasks. */
  get utilization() {
    const capacity = this.duration * this._o.maxThreads;
    return capacity > 0 ? Math.min(1, this._runTotal / capacity) : 0;
  }

  /** Queue wait, { p50, p99, mean, max } in ms. */
  get waitTime() {
    return this._wait.get();
  }

  /** Run time of completed tasks, { p50, p99, mean, max } in ms. */
  get runTime() {
    return this._run.get();
  }

  /**
   * One snapshot of the pool: workers (busy ones include those whose task
   * is honouring a cancel), queue, outcome counters, and latency in ms.
   */
  get stats() {
    let busy = 0;
    for (const h of this._handles) if (h.tasks.size > 0) busy++;
    const w = this._wait.get();
    const r = this._run.get();
    return {
      threads: this._handles.size, busy, idle: this._idle.length,
      queued: this.queueSize, completed: this._completed,
      failed: this._failed, cancelled: this._cancelled,
      timedOut: this._timedOut,
      waitTime: { p50: w.p50, p99: w.p99, max: w.max },
      runTime: { p50: r.p50, p99: r.p99, max: r.max },
      utilization: this.utilization, arena: this._arena.stats,
    };
  }

  get maxThreads() {
    return this._o.maxThreads;
  }

  get minThreads() {
    return this._o.minThreads;
  }

  /** Workers with no task (including ones still loading the module). */
  get idleThreads() {
    return this._idle.length;
  }

  /**
   * piscina's histograms: `runTime` and `waitTime` summaries in ms
   * (undefined with `recordTiming: false`), and their resets.
   */
  get histogram() {
    const on = this._o.recordTiming;
    const run = this._run;
    const wait = this._wait;
    return {
      get runTime() {
        return on ? run.summary() : undefined;
      },
      get waitTime() {
        return on ? wait.summary() : undefined;
      },
      resetRunTime: () => run.reset(),
      resetWaitTime: () => wait.reset(),
    };
  }

  /** The shared arena: { bytes, used, blocks } (bytes: segments made). */
  get arena() {
    return this._arena.stats;
  }

  get options() {
    return this._options;
  }
}

module.exports = { PoolView };
