'use strict';
// One run() call, from submission until its promise settles. It is also
// what a custom `taskQueue` holds: piscina's PiscinaTask fields are getters.

/** piscina's queueOptionsSymbol: per-task data for a custom taskQueue. */
const QUEUE_OPTIONS = Symbol.for('Piscina.queueOptions');

// How a settled task is counted by the pool's breaker (guard.js).
const OK = 0;
const BY_TASK = 1; // the task function threw or rejected
const BY_POOL = 2; // crash, full queue, a worker that could not start
const TIMED_OUT = 3;
const IGNORED = 4; // aborted, closed, uncloneable: not the work's fault

class PoolTask {
  constructor(id, name, payload, transferList, signal, timeout, ticket,
    resolve, reject) {
    this.message = [id, name, payload, null]; // null: the pool's filename
    this.transferList = transferList;
    this.signal = signal;
    this.timeout = timeout;
    this.ticket = ticket; // the breaker's, or null
    this.resolve = resolve;
    this.reject = reject;
    this.handle = null;
    this.timer = null;
    this.cancelKind = 0; // its signal was aborted in the worker: why
    this.graceTimer = null; // then, after cancelGrace, its worker ends
    this.unlisten = null; // removes the abort listener
    this.enqueuedAt = 0;
    this.startedAt = 0;
    this.done = false;
    this.lane = 1; // PriorityQueue lane: 0 high, 1 normal, 2 low
    this.seq = 0; // the queue's dispatch count when it was queued
    // Shared-memory dispatch (dispatch.js)
    this.bytes = null; // its wire.js encoding, or null: it goes by the port
    this.sabs = null; // SharedArrayBuffers it refers to
    this.spill = null; // the arena block holding bytes too big for a slot
    this.side = []; // arena blocks holding its big plain views' bytes
    this.slot = -1; // its ring slot until the worker passes it
    this.started = false; // taken by its worker (its clock runs)
    this.skipped = false; // taken back out of the ring
    // TaskQueue links
    this.queued = false;
    this.prev = null;
    this.next = null;
  }

  get id() {
    return this.message[0];
  }

  get payload() {
    return this.message[2];
  }

  // PiscinaTask, for a custom taskQueue.
  get taskId() {
    return this.id;
  }

  get task() {
    return this.message[2];
  }

  get filename() {
    return this.message[3];
  }

  get name() {
    return this.message[1];
  }

  get created() {
    return this.enqueuedAt;
  }

  get isAbortable() {
    return this.signal !== null;
  }

  get [QUEUE_OPTIONS]() {
    const p = this.message[2];
    return p !== null && typeof p === 'object' && QUEUE_OPTIONS in p ?
      p[QUEUE_OPTIONS] : null;
  }
}

module.exports = {
  PoolTask, QUEUE_OPTIONS, OK, BY_TASK, BY_POOL, TIMED_OUT, IGNORED,
};
