'use strict';
// Call deadlines without a timer per call: one unref'd timer per thread.
//
// Each breaker owns a Lane for its (constant) timeout, so calls joining a
// lane have non-decreasing deadlines and the lane is a FIFO: a doubly
// linked list of calls in flight. A call unlinks itself in O(1) when it
// settles, so nothing is retained after settle. The thread's one timer is
// armed at the earliest head deadline among lanes; when it fires it
// expires every head that is due, then re-arms. With steady traffic it
// fires about once per `timeout`, not once per call. Like a per-call
// timer, it holds the process open only while a call is in flight.
//
// Deadlines are rounded up to the lane's grain (1 ms below 200 ms, then
// 1% of the timeout, at most 10 ms). Calls whose deadlines round to the
// same instant share one AbortController: they all expire together, so
// its signal aborts exactly when each unsettled one of them times out.
const { performance } = require('perf_hooks');

const lanes = new Set();
let timer = null;
let armedAt = Infinity;
// The timer keeps the process alive only while some call is in flight,
// as a per-call timer would.
let inFlight = 0;

// ref()/unref() are native calls: toggling them on every call would cost
// more than the rest of the timed path. The timer is unref'd lazily, once
// the calls of this macrotask have settled (a sequential await loop keeps
// it ref'd throughout).
let refed = false;
let unrefQueued = false;

function lazyUnref() {
  unrefQueued = false;
  if (inFlight === 0 && refed && timer !== null) {
    timer.unref();
    refed = false;
  }
}

function track(delta) {
  inFlight += delta;
  if (timer === null) return;
  if (inFlight > 0) {
    if (!refed) {
      timer.ref();
      refed = true;
    }
  } else if (refed && !unrefQueued) {
    unrefQueued = true;
    setImmediate(lazyUnref); // ref'd: it must run before the loop can idle
  }
}

function grainFor(timeout) {
  return timeout < 200 ? 1 : Math.min(10, Math.floor(timeout / 100));
}

function arm(due) {
  if (due >= armedAt) return;
  if (timer !== null) clearTimeout(timer);
  armedAt = due;
  timer = setTimeout(onTimer, Math.max(0, due - performance.now()));
  refed = inFlight > 0;
  if (!refed) timer.unref();
}

function onTimer() {
  timer = null;
  armedAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const lane of lanes) {
    lane.expireUntil(now);
    if (lane.head === null) {
      lane.listed = false;
      lanes.delete(lane);
    }
    else if (lane.head.due < next) next = lane.head.due;
  }
  if (next !== Infinity) arm(next);
}

/**
 * A call in flight: subclasses implement onExpire(reason). The lane
 * fields are prev/next/due/group.
 */
class Deadline {
  constructor() {
    this.prev = null;
    this.next = null;
    this.due = 0;
    this.group = null;
    this.lane = null;
  }

  /** Leaves the lane (settled before the deadline). */
  cancel() {
    const lane = this.lane;
    if (lane === null) return;
    this.lane = null;
    track(-1);
    if (this.prev !== null) this.prev.next = this.next;
    else lane.head = this.next;
    if (this.next !== null) this.next.prev = this.prev;
    else lane.tail = this.prev;
    this.prev = this.next = null;
  }
}

class Lane {
  constructor(timeout, makeReason) {
    this.timeout = timeout;
    this.grain = grainFor(timeout);
    this.makeReason = makeReason;
    this.head = null;
    this.tail = null;
    this.group = null; // { due, controller } of the newest deadline
    this.listed = false; // in `lanes`
  }

  /** Links d with a deadline `timeout` from now; returns its AbortSignal. */
  add(d) {
    const g = this.grain;
    const due = Math.ceil((performance.now() + this.timeout) / g) * g;
    let group = this.group;
    if (group === null || group.due !== due) {
      group = this.group = { due, controller: new AbortController() };
    }
    d.due = due;
    d.group = group;
    d.lane = this;
    d.prev = this.tail;
    if (this.tail !== null) this.tail.next = d;
    else {
      this.head = d;
      // An emptied lane stays in `lanes` until the timer drops it, so a
      // sequence of one-at-a-time calls does no Set operation.
      if (!this.listed) {
        this.listed = true;
        lanes.add(this);
      }
    }
    this.tail = d;
    track(1);
    arm(due);
    return group.controller.signal;
  }

  expireUntil(now) {
    while (this.head !== null && this.head.due <= now) {
      const d = this.head;
      d.cancel();
      const ctl = d.group.controller;
      const reason = this.makeReason();
      d.onExpire(reason);
      if (!ctl.signal.aborted) ctl.abort(reason);
    }
  }
}

module.exports = { Deadline, Lane };
