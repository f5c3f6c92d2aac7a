'use strict';
// One run() call, from submission until its promise settles.

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
}

module.exports = { PoolTask, OK, BY_TASK, BY_POOL, TIMED_OUT, IGNORED };
