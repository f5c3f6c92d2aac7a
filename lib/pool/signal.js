'use strict';
// Worker side of cancellation: the `signal` a task function receives.
// The main thread cancels a task two ways at once: it writes the task's
// tag into the control word (seen by a synchronous task that reads
// signal.aborted or calls throwIfAborted(), with no event loop turn) and
// posts a cancel message (which fires 'abort' for an async task). The
// AbortController is made only when the task first reads its signal.
const { codes } = require('../errors');
const { CANCEL, CANCEL_KIND, ABORTED, TIMED_OUT, tag } = require('./control');

const proto = AbortSignal.prototype;
const ABORTED_GET = Object.getOwnPropertyDescriptor(proto, 'aborted').get;
const THROW_IF = proto.throwIfAborted;

function reasonFor(kind, timeout) {
  if (kind === ABORTED) return codes.ABORT_ERR();
  if (kind === TIMED_OUT) return codes.ERR_OFFLOAD_TASK_TIMEOUT(timeout);
  return codes.ERR_OFFLOAD_CLOSED('The WorkerPool');
}

/** One running task's context: the second argument of the task function. */
class TaskContext {
  constructor(id, ctrl) {
    this._tag = tag(id);
    this._ctrl = ctrl;
    this._ac = null;
  }

  /** The kind the main thread asked for, or 0. */
  requested() {
    return Atomics.load(this._ctrl, CANCEL) === this._tag ?
      Atomics.load(this._ctrl, CANCEL_KIND) : 0;
  }

  /** Aborts the signal (once) with the reason for `kind`. */
  cancel(kind) {
    const ac = this._ac;
    if (ac === null || ABORTED_GET.call(ac.signal)) return;
    ac.abort(reasonFor(kind, 0));
  }

  poll() {
    const kind = this.requested();
    if (kind !== 0) this.cancel(kind);
  }

  get signal() {
    if (this._ac !== null) return this._ac.signal;
    const ac = new AbortController();
    this._ac = ac;
    const s = ac.signal;
    const ctx = this;
    Object.defineProperty(s, 'aborted', {
      configurable: true,
      get() {
        ctx.poll();
        return ABORTED_GET.call(s);
      },
    });
    Object.defineProperty(s, 'throwIfAborted', {
      configurable: true, writable: true,
      value: function throwIfAborted() {
        ctx.poll();
        return THROW_IF.call(s);
      },
    });
    this.poll();
    return s;
  }
}

module.exports = { TaskContext, reasonFor };
