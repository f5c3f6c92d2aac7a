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
// 1% of the timeout, at most 10 ms). Calls in one group share one
// AbortController and one deadline: they all expire together, so its
// signal aborts exactly when each unsettled one of them times out.
//
// Reading the clock costs as much as the rest of a call, so a call does
// not read it when it joins: it joins the lane's newest group and gets
// its deadline at the next read (the STAMP_EVERY-th join, a nextTick at
// the end of the current run of JS, or the timer, whichever is first),
// `timeout` after that read; a call without one never expires. A read
// after the call started is an upper bound of its start, so a deadline
// never comes early. If that read falls in a later grain than the
// group's, the whole group moves to it and closes, so a deadline may come
// late by two grains plus the time to that read.
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
  // Stamp every lane before any expiry runs listeners: a call they start
  // must not get a deadline from this earlier read.
  for (const lane of lanes) lane.stamp(now);
  for (const lane of lanes) {
    lane.expireUntil(now);
    if (lane.head === null) {
      lane.listed = false;
      lanes.delete(lane);
    } else if (lane.head !== lane.unstamped && lane.head.group.due < next) {
      next = lane.head.group.due;
    }
  }
  if (next !== Infinity) arm(next);
}

const STAMP_EVERY = 8;
let stampQueued = false;

function stampLanes() {
  stampQueued = false;
  const now = performance.now();
  for (const lane of lanes) {
    if (lane.unstamped !== null) {
      lane.stamp(now);
      arm(lane.head.group.due);
    } else if (lane.head === null) {
      // No call got a deadline, so no timer may come to drop it.
      lane.listed = false;
      lanes.delete(lane);
    }
  }
}

/**
 * A call in flight: subclasses implement onExpire(reason). The lane
 * fields are prev/next/group/lane; the deadline is group.due.
 */
class Deadline {
  constructor() {
    this.prev = null;
    this.next = null;
    this.group = null;
    this.lane = null;
  }

  /** Leaves the lane (settled before the deadline). */
  cancel() {
    const lane = this.lane;
    if (lane === null) return;
    this.lane = null;
    track(-1);
    if (lane.unstamped === this) lane.unstamped = this.next;
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
    // The newest group, { due, controller, signal }; due is 0 until first
    // stamped.
    this.group = null;
    // The first call without a deadline yet: unstamped calls are the
    // lane's tail and all belong to this.group.
    this.unstamped = null;
    this.unread = 0; // joins since the last clock read
    this.listed = false; // in `lanes`
  }

  /** Links d (deadline: `timeout` or more from now); returns its signal. */
  add(d) {
    let group = this.group;
    if (group === null) {
      const controller = new AbortController();
      // signal is a getter: read it once per group, not once per call.
      group = this.group = { due: 0, controller, signal: controller.signal };
    }
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
    if (this.unstamped === null) this.unstamped = d;
    track(1);
    if (++this.unread >= STAMP_EVERY) {
      this.stamp(performance.now());
      arm(this.head.group.due);
    } else if (!stampQueued) {
      stampQueued = true;
      process.nextTick(stampLanes);
    }
    return group.signal;
  }

  /** Gives the unstamped calls (all started before `now`) their deadline. */
  stamp(now) {
    this.unread = 0;
    if (this.unstamped === null) return;
    this.unstamped = null;
    const g = this.grain;
    const due = Math.ceil((now + this.timeout) / g) * g;
    const group = this.group;
    if (group.due === 0) {
      group.due = due;
    } else if (due > group.due) {
      group.due = due;
      this.group = null;
    }
  }

  expireUntil(now) {
    // Calls that join while this runs (from 'timeout' listeners, say)
    // start a new group: this one's signal may be about to abort.
    this.group = null;
    while (this.head !== null && this.head !== this.unstamped &&
           this.head.group.due <= now) {
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
