'use strict';
// The main thread's side of one pool worker: its Worker, its ring (ring.js:
// tasks in, results out), its control word and its port (setup, crash
// reports and the rare paths). It is ref'd only while it has tasks, so an
// idle pool never keeps the process alive.
const path = require('path');
const { Worker, MessageChannel } = require('worker_threads');
const {
  WAKE, SLEEP, CANCEL, CANCEL_KIND, CTRL_SLOTS, CANCEL_MSG, SAB_MSG,
  PREFETCH_MAX, tag,
} = require('./control');
const { Ring } = require('./ring');

const ENTRY = path.join(__dirname, 'worker.js');

class WorkerHandle {
  /** @param o the pool's normalised options; the events go to `pool`. */
  constructor(pool, o) {
    // A null-prototype options object: the Worker constructor reads keys
    // we never set (eval, stdin, trackUnmanagedFds ...), and a polluted
    // Object.prototype must not answer for them.
    const wo = Object.create(null);
    wo.workerData = o.workerData;
    wo.env = o.env;
    wo.argv = o.argv;
    wo.execArgv = o.execArgv;
    wo.resourceLimits = o.resourceLimits;
    wo.trackUnmanagedFds = o.trackUnmanagedFds;
    const worker = new Worker(ENTRY, wo);
    const { port1, port2 } = new MessageChannel();
    this.worker = worker;
    this.port = port1;
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_SLOTS));
    const cap = o.concurrentTasksPerWorker;
    // Tasks a worker may hold: running, plus (one at a time) queued ahead
    // (as many as the pool's prefetch says, at most PREFETCH_MAX).
    this.pool = pool;
    this.prefetching = cap === 1 && o.taskQueue === null;
    this.slots = this.prefetching ? 1 + PREFETCH_MAX : cap;
    this.ring = new Ring(this.slots);
    this.counts = pool._ports; // port messages, both ways (a test hook)
    this.told = new WeakSet(); // shared buffers announced to the worker
    this.theirs = new Map(); // wire id → the worker's shared buffers
    this.inRing = []; // tasks written to the ring, not yet seen taken
    this.passed = 0; // task slots the worker was last seen to have passed
    this.tasks = new Map(); // id → PoolTask it holds (running or in ring)
    this.signalled = 0; // how many of them have a signal
    this.ready = false; // the task module has been imported
    this.exiting = false; // terminated on purpose
    this.error = null; // the uncaught error that is killing it
    this.idleTimer = null;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ port: port2, ctrl: this.ctrl, url: o.filename,
      name: o.name, atomics: o.atomics, nice: o.niceIncrement, cap,
      ring: this.ring.sab, slots: this.slots, done: pool._done,
      wake: pool._wakeId, addon: pool._wakeFile }, [port2]);
    // What a task posts on worker_threads.parentPort (piscina's 'message').
    worker.on('message', (msg) => pool.emit('message', msg));
    port1.on('message', (msg) => {
      this.counts.received++;
      pool._onMessage(this, msg);
    });
    worker.on('error', (err) => {
      if (this.error === null) this.error = err;
    });
    worker.on('exit', (code) => pool._onExit(this, code));
    this.unref();
  }

  /** Posts `task` by the port and wakes the worker. Throws DataCloneError. */
  post(task) {
    this.port.postMessage(task.message, task.transferList);
    this.counts.sent++;
    this.hold(task);
  }

  /**
   * Writes `task` (its wire bytes) into the ring and wakes the worker;
   * false if the ring has no free slot. `spill(bytes)` → [sab, offset]
   * places bytes too big for a slot.
   */
  push(task, table, spill) {
    for (const sab of task.sabs) this.tell(table, sab);
    const k = this.ring.write(0, task.bytes, tag(task.id), (bytes) => {
      const [sab, off] = spill(bytes);
      this.tell(table, sab);
      return [table.idOf(sab), off];
    });
    if (k === -1) return false;
    task.slot = k;
    this.inRing.push(task);
    this.hold(task);
    return true;
  }

  /** Announces a shared buffer before the first task that refers to it. */
  tell(table, sab) {
    if (this.told.has(sab)) return;
    this.told.add(sab);
    this.port.postMessage([SAB_MSG, table.idOf(sab), sab]);
    this.counts.sent++;
  }

  /** Tasks it may hold now. */
  get depth() {
    return this.prefetching ? 1 + this.pool._prefetch : this.slots;
  }

  hold(task) {
    this.tasks.set(task.id, task);
    if (task.signal !== null) this.signalled++;
    this.wake();
    // ref() costs a handle update: only on the way out of idle.
    if (this.tasks.size === 1) {
      this.worker.ref();
      this.port.ref();
    }
  }

  /**
   * Bumps the control word; notifies only a worker that may be waiting
   * (a notify costs a futex wake). The worker sets SLEEP before it reads
   * the word, and all are sequentially consistent: if SLEEP reads 0 here,
   * the worker's read of the word sees this bump and it does not sleep.
   */
  wake() {
    Atomics.add(this.ctrl, WAKE, 1);
    if (Atomics.load(this.ctrl, SLEEP) !== 0) {
      Atomics.notify(this.ctrl, WAKE, 1);
    }
  }

  /** Ring tasks the worker has taken since the last call, in order. */
  taken() {
    const n = this.ring.takes - this.passed;
    if (n <= 0) return null;
    this.passed += n;
    return this.inRing.splice(0, n);
  }

  /** Takes task `t` back out of the ring if the worker has not taken it. */
  unpush(t) {
    if (t.slot === -1 || !this.ring.skip(t.slot, tag(t.id))) return false;
    t.slot = -1;
    this.wake(); // to pass the slot, so the ring has room again
    return true;
  }

  /** `task` has answered. */
  settled(task) {
    this.tasks.delete(task.id);
    if (task.signal !== null) this.signalled--;
  }

  /** Aborts a running task's signal in the worker. */
  cancel(t, kind) {
    Atomics.store(this.ctrl, CANCEL_KIND, kind);
    Atomics.store(this.ctrl, CANCEL, tag(t.id));
    this.port.postMessage([CANCEL_MSG, t.id, kind]);
    this.counts.sent++;
    this.wake();
  }

  unref() {
    this.worker.unref();
    this.port.unref();
  }

  /** Ends the worker on purpose; resolves when it has exited. */
  terminate() {
    this.exiting = true;
    clearTimeout(this.idleTimer);
    this.port.close();
    return this.worker.terminate();
  }
}

module.exports = { WorkerHandle };
