'use strict';
// The main thread's side of one pool worker: its Worker, its task port and
// its control word. A worker runs one task at a time; it is ref'd only
// while it does, so an idle pool never keeps the process alive.
const path = require('path');
const { Worker, MessageChannel } = require('worker_threads');
const {
  WAKE, CANCEL, CANCEL_KIND, CTRL_SLOTS, CANCEL_MSG, tag,
} = require('./control');

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
    this.tasks = new Map(); // id → running PoolTask
    this.signalled = 0; // how many of them have a signal
    this.ready = false; // the task module has been imported
    this.exiting = false; // terminated on purpose
    this.error = null; // the uncaught error that is killing it
    this.idleTimer = null;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ port: port2, ctrl: this.ctrl, url: o.filename,
      name: o.name, atomics: o.atomics, nice: o.niceIncrement }, [port2]);
    // What a task posts on worker_threads.parentPort (piscina's 'message').
    worker.on('message', (msg) => pool.emit('message', msg));
    port1.on('message', (msg) => pool._onMessage(this, msg));
    worker.on('error', (err) => {
      if (this.error === null) this.error = err;
    });
    worker.on('exit', (code) => pool._onExit(this, code));
    this.unref();
  }

  /** Posts `task` and wakes the worker. Throws DataCloneError. */
  post(task) {
    this.port.postMessage(task.message, task.transferList);
    this.tasks.set(task.id, task);
    if (task.signal !== null) this.signalled++;
    Atomics.add(this.ctrl, WAKE, 1);
    Atomics.notify(this.ctrl, WAKE, 1);
    this.worker.ref();
    this.port.ref();
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
