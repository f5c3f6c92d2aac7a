'use strict';
// WorkerPool: the user's own JS tasks on a pool of worker_threads.
//
// A task goes straight to an idle worker, else to a new one (up to
// maxThreads), else to a busy worker with room (concurrentTasksPerWorker),
// else into a busy worker's ring, queued ahead (dispatch.js), else into the
// queue (up to maxQueue, counting those queued ahead; priority lanes with
// aging). Tasks and results cross in shared memory (ring.js, wire.js). A task that times out or is aborted rejects at once and
// its signal aborts inside the worker; the worker is kept if the task
// settles within cancelGrace ms, else terminated and replaced, and the pool
// never drops below minThreads (node-worker-threads-pool#13). Every promise
// settles: a worker that exits with a task rejects that task
// (poolifier#3211).
const { performance } = require('perf_hooks');
const { receiveMessageOnPort } = require('worker_threads');
const { codes, coded, unreadable } = require('../errors');
const { validateObject } = require('../validate');
const { normalize, runOptions, onAbort } = require('./options');
const { WorkerHandle } = require('./handle');
const { PriorityQueue, CustomQueue } = require('./queue');
const { Summary } = require('./summary');
const { PoolView } = require('./view');
const { Arena } = require('./arena');
const { SabTable } = require('./wire');
const { methods: ringMethods, encodeTask } = require('./dispatch');
const { wakeMode, openWake, closeWake, addonFile } = require('./wake');
const {
  closedError, terminating, queueFull, abortError, crashError,
} = require('./pool_errors');
const { fromWire } = require('./thrown');
const { unwrap, isMovable } = require('./move');
const { BreakerGuard } = require('./guard');
const {
  READY, SAB_MSG, ABORTED, TIMED_OUT: TIMEOUT_KIND, CLOSED: CLOSE_KIND,
  PREFETCH, PREFETCH_MAX, SHORT_TASK_MS,
} = require('./control');
const {
  PoolTask, BY_TASK, BY_POOL, TIMED_OUT, IGNORED,
} = require('./task');

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;
const SPILL_SEGMENT = 32 << 20;

/**
 * A pool of worker_threads running the function exported by `filename`.
 * @example
 * const pool = new offload.WorkerPool({ filename: require.resolve('./task.js') });
 * const result = await pool.run({ n: 42 }, { timeout: 1000 });
 * await pool.close();
 */
class WorkerPool extends PoolView {
  constructor(options) {
    super();
    const o = normalize(options);
    this._o = o;
    // Null-prototype: a polluted Object.prototype shows through no option.
    this._options = Object.freeze(Object.assign(Object.create(null), o));
    this._noRunOptions = Object.freeze({
      name: null, transferList: null, signal: null, timeout: o.taskTimeout,
      lane: 1, filename: null,
    });
    this._guard = o.breaker === null ? null : new BreakerGuard(o.breaker);
    this._arena = new Arena(o.maxArenaBytes);
    // Tasks too big for a ring slot, and big plain views (wire.js): few
    // large segments, so each is announced to a worker once.
    this._spill = new Arena(Infinity, SPILL_SEGMENT);
    this._table = new SabTable(0, () => {}); // announced per worker
    // [results written, armed] (wake.js)
    this._done = new Int32Array(new SharedArrayBuffer(8));
    this._waiting = false; // a wait for the next result is armed
    this._onDone = () => this._drainAll();
    // The native wake handle's id (wake.js), or 0: Atomics.waitAsync.
    this._wakeId = wakeMode() === 'async' ?
      openWake(this, this._drainAll) : 0;
    this._wakeFile = this._wakeId === 0 ? undefined : addonFile();
    this._prefetched = 0; // tasks queued ahead in rings, not yet taken
    this._ordered = false; // priorities used: queue nothing ahead
    this._ports = { sent: 0, received: 0 }; // port messages (a test hook)
    this._live = new Set(); // handles whose worker has not exited
    this._handles = new Set();
    this._idle = []; // FIFO: a batch of results idles workers in creation
    // order, and the first of them gets the next task (piscina's order)
    this._queue = o.taskQueue === null ? new PriorityQueue() :
      new CustomQueue(o.taskQueue);
    this._state = OPEN;
    this._nextId = 0;
    this._completed = 0;
    this._failed = 0;
    this._cancelled = 0;
    this._timedOut = 0;
    this._runTotal = 0;
    this._meanRun = 1; // ms, a moving mean of run times
    this._prefetch = PREFETCH; // tasks queued ahead per worker (control.js)
    this._born = performance.now();
    this._wait = new Summary();
    this._run = new Summary();
    this._closing = null;
    this._closeTimer = null;
    this._closed = null; // resolves _closing
    this._destroyed = null;
    this._starting = []; // workers the constructor made, announced later
    try {
      while (this._handles.size < o.minThreads) this._release(this._spawn());
    } catch (err) { // e.g. execArgv the Worker constructor refuses
      for (const h of this._handles) h.terminate();
      this._closeWake();
      throw err;
    }
    // 'workerCreate' once the caller can listen (piscina's order); workers
    // made before then queue up behind these.
    process.nextTick(() => {
      const starting = this._starting;
      this._starting = null;
      for (const w of starting) this.emit('workerCreate', w);
    });
  }

  /** Runs the task function with `task`. Never throws. */
  run(task, options) {
    try {
      return this._submit(task, options);
    } catch (err) { // a Proxy's trap or a throwing getter in the task
      return Promise.reject(unreadable(err, 'task'));
    }
  }

  _submit(task, options) {
    let o;
    try {
      o = options === undefined ? this._noRunOptions :
        runOptions(options, this._o.taskTimeout);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._state !== OPEN) return Promise.reject(closedError());
    const url = o.filename === null ? this._o.filename : o.filename;
    if (url === null) {
      return Promise.reject(coded(TypeError, 'ERR_INVALID_ARG_VALUE',
        'filename must be provided to run() or in options object'));
    }
    const signal = o.signal;
    if (signal !== null && signal.aborted === true) {
      return Promise.reject(abortError(signal.reason));
    }
    let ticket = null;
    if (this._guard !== null) {
      ticket = this._guard.admit();
      if (ticket instanceof Error) return Promise.reject(ticket);
    }
    let transferList = o.transferList;
    let payload = task;
    if (isMovable(task)) {
      transferList = transferList === null ? [] : transferList.slice();
      payload = unwrap(task, transferList);
    }
    const t = new PoolTask(this._nextId++, o.name, payload,
      transferList === null ? undefined : transferList, signal, o.timeout,
      ticket, null, null);
    t.lane = o.lane;
    // Once priorities are in use, nothing is queued ahead in a ring: a later
    // high task must not wait behind a low one there.
    if (o.lane !== 1) this._ordered = true;
    if (o.filename !== null) t.message[3] = o.filename;
    encodeTask(this, t);
    let handle = this._idle.shift();
    if (handle === undefined) {
      if (this._handles.size < this._o.maxThreads) {
        try {
          handle = this._spawn();
        } catch (err) {
          if (ticket !== null) this._guard.failure(ticket, err, task);
          return Promise.reject(err);
        }
      } else if ((handle = this._shared(signal)) !== undefined) {
        // concurrentTasksPerWorker: a busy worker with room takes it
      } else if (this.queueSize >= this._o.maxQueue) {
        const err = queueFull(this._o.maxQueue);
        if (ticket !== null) this._guard.failure(ticket, err, task);
        return Promise.reject(err);
      } else if (t.bytes !== null) handle = this._ahead();
    }
    const promise = new Promise((resolve, reject) => {
      t.resolve = resolve;
      t.reject = reject;
      t.enqueuedAt = performance.now();
      if (signal !== null) {
        t.unlisten = onAbort(signal, () => this._abort(t));
      }
      if (handle === undefined) this._queue.push(t);
      else if (this._start(handle, t) === 0) this._release(handle);
    });
    // piscina's backpressure signal: the queue has just filled up.
    if ((handle === undefined || !t.started) && this.needsDrain) {
      this.emit('needsDrain');
    }
    return promise;
  }

  /**
   * A typed array in the pool's shared arena: it crosses to and from the
   * workers by reference (no copy, no transfer), nested anywhere in a task
   * or a result. Throws (a synchronous allocator, like `new`).
   * @example const xs = pool.alloc(Float64Array, 1 << 17);
   */
  alloc(TypedArrayConstructor, length) {
    return this._arena.alloc(TypedArrayConstructor, length);
  }

  /** Returns an alloc()'d array's memory to the arena. Throws. */
  free(array) {
    this._arena.free(array);
  }

  /**
   * Stops taking tasks; resolves once queued and running tasks are done and
   * every worker has exited. `force`: queued tasks reject with
   * ERR_OFFLOAD_CLOSED. After closeTimeout ms it destroys the pool.
   */
  close(options) {
    let force = false;
    try {
      const o = validateObject(options, 'options');
      if (o.force !== undefined) {
        if (typeof o.force !== 'boolean') {
          throw codes.ERR_INVALID_ARG_TYPE('options.force', 'of type boolean',
            o.force);
        }
        force = o.force;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._state === CLOSED) return this._closing || this._destroyed;
    if (force) {
      this._rejectQueued();
      // Running tasks see their signal abort; what they return still
      // settles run(), unless they ignore it for cancelGrace ms.
      for (const h of this._handles) {
        for (const t of Array.from(h.tasks.values())) {
          if (this._unpush(t)) { // queued ahead in its ring
            if (this._fail(t, closedError(), IGNORED)) this._cancelled++;
          } else if (t.cancelKind === 0) this._cancel(h, t, CLOSE_KIND);
        }
      }
    }
    if (this._closing !== null) return this._closing;
    this._state = CLOSING;
    this._closing = new Promise((resolve) => {
      this._closed = resolve;
    });
    this._closeTimer = setTimeout(() => this._closeTimedOut(),
      this._o.closeTimeout);
    this._closeTimer.unref();
    this._maybeClosed();
    return this._closing;
  }

  /**
   * Terminates every worker now. Queued and running tasks reject with
   * ERR_OFFLOAD_CLOSED; resolves once every worker has exited.
   */
  destroy() {
    if (this._destroyed !== null) return this._destroyed;
    this._state = CLOSED;
    clearTimeout(this._closeTimer);
    this._rejectQueued(terminating);
    const exits = [];
    for (const h of Array.from(this._handles)) {
      this._remove(h);
      // Ref'd until it has exited: destroy()'s promise (and 'close') must
      // not be left pending by a loop that ran out of other work.
      h.worker.ref();
      if (h.tasks.size === 0) h.terminate();
      // Its tasks settle now; its thread ends once they honour their
      // signals (or after cancelGrace).
      for (const t of Array.from(h.tasks.values())) {
        if (this._fail(t, terminating(), IGNORED)) this._cancelled++;
        if (t.cancelKind === 0) this._cancel(h, t, CLOSE_KIND);
      }
      exits.push(h.exited);
    }
    this._destroyed = Promise.all(exits).then(() => {
      this._closeWake(); // no worker is left to write a result
      if (this._closed !== null) this._closed();
      this.emit('close');
    });
    return this._destroyed;
  }

  // ---- internals -------------------------------------------------------

  _closeWake() {
    if (this._wakeId === 0) return;
    closeWake(this, this._wakeId);
    this._wakeId = 0;
  }

  _spawn() {
    const h = new WorkerHandle(this, this._o);
    this._handles.add(h);
    this._live.add(h);
    if (this._starting !== null) this._starting.push(h.worker);
    else this.emit('workerCreate', h.worker);
    return h;
  }

  /** Gives `t` to `h`: 1 given, 0 failed (t is settled), 2 queued again. */
  _start(h, t) {
    if (h.idleTimer !== null) {
      clearTimeout(h.idleTimer);
      h.idleTimer = null;
    }
    const r = this._give(h, t);
    if (r instanceof Error) {
      if (this._fail(t, r, IGNORED)) this._failed++;
      return 0;
    }
    return r;
  }

  _arm(t) {
    if (t.timeout === 0 || t.timer !== null) return;
    t.timer = setTimeout(() => this._expire(t), t.timeout);
    t.timer.unref();
  }

  /** A busy worker with room for an unsignalled task, if any. */
  _shared(signal) {
    const cap = this._o.concurrentTasksPerWorker;
    // As in piscina, a task with a signal does not share: if it ignored a
    // cancel, terminating its worker would take the others down too.
    if (cap === 1 || signal !== null) return undefined;
    for (const h of this._handles) {
      if (!h.exiting && h.tasks.size < cap && h.signalled === 0) return h;
    }
    return undefined;
  }

  /** `h` has room: give it queued tasks, or let it idle. */
  _release(h) {
    if (h.exiting) return;
    const cap = this._o.concurrentTasksPerWorker;
    const depth = this._ordered ? cap : h.depth;
    while (h.tasks.size < depth && this._queue.size > 0) {
      // The sharing rule of _shared(), for the queue's next task (unknown
      // for a custom taskQueue: then a busy worker takes none); beyond
      // `cap`, queued ahead in the ring, which only ring tasks can be.
      if (h.tasks.size > 0) {
        const next = this._queue.peek();
        if (next === null) break;
        if (h.tasks.size >= cap) {
          if (next.bytes === null) break;
        } else if (h.signalled > 0 || next.signal !== null) break;
      }
      const t = this._queue.shift();
      if (this._queue.size === 0 && this._prefetched === 0) this.emit('drain');
      if (this._start(h, t) === 2) break;
    }
    if (h.tasks.size === 0 && this._prefetched > 0) this._steal(h);
    if (h.tasks.size > 0) return;
    h.unref();
    this._idle.push(h);
    if (this._state === CLOSING) {
      this._maybeClosed();
    } else if (this._handles.size > this._o.minThreads &&
               this._o.idleTimeout !== Infinity) {
      h.idleTimer = setTimeout(() => this._retire(h), this._o.idleTimeout);
      h.idleTimer.unref();
    }
  }

  _retire(h) {
    h.idleTimer = null;
    if (h.tasks.size > 0 || this._handles.size <= this._o.minThreads) return;
    this._remove(h);
    h.terminate();
  }

  _remove(h) {
    if (!this._handles.delete(h)) return;
    const i = this._idle.indexOf(h);
    if (i !== -1) this._idle.splice(i, 1);
    clearTimeout(h.idleTimer);
    h.idleTimer = null;
    this.emit('workerDestroy', h.worker);
  }

  /**
   * Aborts the signal of `t`, running on `h`. Unless the task settles within
   * cancelGrace ms, its worker is terminated and replaced.
   */
  _cancel(h, t, kind) {
    t.cancelKind = kind;
    if (this._o.cancelGrace === 0) {
      this._kill(h);
      return;
    }
    h.cancel(t, kind);
    t.graceTimer = setTimeout(() => {
      t.graceTimer = null;
      if (h.tasks.get(t.id) === t) this._kill(h);
    }, this._o.cancelGrace);
    t.graceTimer.unref();
  }

  /** A worker with a task that ignored its signal: end it, start another. */
  _kill(h) {
    for (const t of this._rescue(h)) {
      clearTimeout(t.graceTimer);
      // Still pending: a forced close it did not honour in time, or a task
      // that shared the worker (concurrentTasksPerWorker).
      const err = t.cancelKind !== 0 ? closedError() :
        codes.ERR_OFFLOAD_WORKER_CRASHED('it was terminated because a ' +
          'task sharing it ignored its cancellation');
      if (this._fail(t, err, t.cancelKind !== 0 ? IGNORED : BY_POOL)) {
        if (t.cancelKind !== 0) this._cancelled++;
        else this._failed++;
      }
    }
    this._remove(h);
    h.terminate();
    this._replenish(true);
    this._maybeClosed(); // it may have been close()'s last running task
  }

  /** Workers for queued tasks, then (while open) up to minThreads. */
  _replenish(toMin) {
    if (this._state === CLOSED) return;
    try {
      while (this._queue.size > 0 &&
             this._handles.size < this._o.maxThreads) {
        this._release(this._spawn());
      }
      while (toMin && this._state === OPEN &&
             this._handles.size < this._o.minThreads) {
        this._release(this._spawn());
      }
    } catch (err) {
      this._lateError(err);
    }
  }

  _onMessage(h, msg) {
    if (msg[0] === SAB_MSG) {
      h.theirs.set(msg[1], msg[2]);
      return;
    }
    if (msg[0] === READY) {
      h.ready = true;
      for (const t of h.tasks.values()) if (t.started) this._arm(t);
      return;
    }
    this._observe(h);
    const t = h.tasks.get(msg[0]);
    if (t === undefined) return; // its worker was already given up
    h.settled(t);
    // Had it been cancelled, it honoured its signal: the thread stays.
    clearTimeout(t.graceTimer);
    if (!t.done) {
      const ran = performance.now() - t.startedAt;
      if (this._o.recordTiming) this._run.record(ran);
      this._runTotal += ran;
      this._meanRun += (ran - this._meanRun) / 16;
      this._prefetch = this._meanRun < SHORT_TASK_MS ? PREFETCH_MAX : PREFETCH;
      this._completed++;
      if (msg[1] === 1) this._succeed(t, msg[2]);
      else if (this._fail(t, fromWire(msg[2]), BY_TASK)) this._failed++;
    }
    if (this._state !== CLOSED) this._release(h);
    else if (h.tasks.size === 0) h.terminate(); // destroy() waits for it
  }

  _onExit(h, code) {
    this._live.delete(h);
    if (h.exiting) return; // terminated by the pool
    // The exit can overtake results the worker wrote before it died (the
    // exit travels on another port): they still count.
    this._drain(h);
    h.exiting = true;
    for (let m = receiveMessageOnPort(h.port); m !== undefined;
      m = receiveMessageOnPort(h.port)) this._onMessage(h, m.message);
    h.port.close();
    const err = crashError(h.error, code);
    // Tasks it had not taken run on another worker.
    const tasks = this._rescue(h);
    this._remove(h);
    for (const t of tasks) {
      clearTimeout(t.graceTimer);
      if (this._fail(t, err, BY_POOL)) this._failed++;
    }
    // A worker that died before its module loaded is not replaced just to
    // keep minThreads: that would loop on a module that exits on import.
    // Replace first: with no 'error' listener the emit below throws.
    this._replenish(h.ready);
    this._maybeClosed();
    if (tasks.length === 0) this._lateError(err);
  }

  _closeTimedOut() {
    this.destroy();
    // Told to an 'error' listener if there is one (piscina's event); with
    // none, close() still resolves and nothing is thrown.
    if (this.listenerCount('error') > 0) {
      this.emit('error', coded(Error, 'ERR_OFFLOAD_CLOSE_TIMEOUT',
        'Close operation timed out'));
    }
  }

  /** An error no task can carry: 'error', as EventEmitter does it. */
  _lateError(err) {
    this.emit('error', err);
  }

  _abort(t) {
    const err = abortError(t.signal.reason);
    if (t.queued) {
      this._queue.remove(t);
      if (this._fail(t, err, IGNORED)) this._cancelled++;
      if (this._queue.size === 0) this.emit('drain');
      this._maybeClosed();
      return;
    }
    const h = t.handle;
    if (this._fail(t, err, IGNORED)) this._cancelled++;
    if (this._unpush(t)) { // still in its worker's ring: it never runs
      if (this._queue.size > 0) this._release(h);
      this._maybeClosed();
    } else if (h !== null && h.tasks.get(t.id) === t && t.cancelKind === 0) {
      this._cancel(h, t, ABORTED);
    }
  }

  _expire(t) {
    t.timer = null;
    const h = t.handle;
    const err = codes.ERR_OFFLOAD_TASK_TIMEOUT(t.timeout);
    if (this._fail(t, err, TIMED_OUT)) this._timedOut++;
    if (h !== null && h.tasks.get(t.id) === t && t.cancelKind === 0) {
      this._cancel(h, t, TIMEOUT_KIND);
    }
  }

  _rejectQueued(error = closedError) {
    for (let t = this._queue.shift(); t !== null; t = this._queue.shift()) {
      if (this._fail(t, error(), IGNORED)) this._cancelled++;
    }
  }

  _maybeClosed() {
    if (this._state !== CLOSING || this._queue.size > 0) return;
    for (const h of this._handles) if (h.tasks.size > 0) return;
    this.destroy();
  }

  /** Clears a task's timer and abort listener; false if already settled. */
  _finish(t) {
    if (t.done) return false;
    t.done = true;
    // Not in a ring slot: no worker will read its side blocks.
    if (t.slot === -1) this._freeSide(t);
    if (t.timer !== null) clearTimeout(t.timer);
    if (t.unlisten !== null) t.unlisten(); // never throws
    return true;
  }

  _succeed(t, value) {
    if (!this._finish(t)) return;
    if (t.ticket !== null) this._guard.success(t.ticket, value);
    t.resolve(value);
  }

  /** Rejects `t`; false if it had already settled. */
  _fail(t, err, kind) {
    if (!this._finish(t)) return false;
    if (t.ticket !== null) {
      const g = this._guard;
      if (kind === IGNORED) g.ignore(t.ticket);
      else {
        g.failure(t.ticket, err, t.payload,
          { byTask: kind === BY_TASK, timeout: kind === TIMED_OUT });
      }
    }
    t.reject(err);
    return true;
  }
}

Object.assign(WorkerPool.prototype, ringMethods);

if (typeof Symbol.asyncDispose === 'symbol') {
  WorkerPool.prototype[Symbol.asyncDispose] = function asyncDispose() {
    return this.close();
  };
}

module.exports = { WorkerPool };
