'use strict';
// Reading a native breaker from JS: the state word layout (ofl_breaker.h,
// "shared layout"), the process-wide monotonic clock, cheap errors, and
// the thread's watcher that turns other threads' transitions into events.
const { performance } = require('perf_hooks');
const { codes, coded } = require('../errors');

// Shared-block slots, a stable ABI (see src/core/breaker/ofl_breaker.h).
const SLOT_STATE = 0;
const SLOT64_OPENED_AT = 8;
const SLOT64_RESET_AT = 9;
const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const NAMES = ['closed', 'open', 'halfOpen'];
const EVENTS = ['close', 'open', 'halfOpen'];
const GEN_MASK = 0x1FFFFFFF;

// Outcomes and stat events (ofl_breaker.h).
const SUCCESS = 0;
const FAILURE = 1;
const TIMEOUT = 2;
const IGNORED = 3;
const EV_FIRE = 0;
const EV_REJECT = 1;
const EV_FALLBACK = 2;

// One clock for every thread of the process: performance.now() is
// uv_hrtime() minus this thread's time origin, so adding the origin
// measured once against process.hrtime gives process-wide monotonic ms
// (wall-clock jumps change nothing).
const ORIGIN = Number(process.hrtime.bigint() / 1000000n) - performance.now();
function monotonicMs() {
  return ORIGIN + performance.now();
}

// Errors the breaker makes (opossum's codes and messages), marked so that
// CircuitBreaker.isOurError() knows them.
const OURS = Symbol('offload.breakerError');

function ours(err) {
  Object.defineProperty(err, OURS, { value: true });
  return err;
}

function isOurError(err) {
  return err !== null && (typeof err === 'object' || typeof err === 'function')
    && err[OURS] === true;
}

// EOPENBREAKER is produced at up to millions per second while open, and
// even a stackless `new Error` costs ~0.5 µs. Each rejection is a fresh
// object (so a caller may annotate it) whose prototype is one real,
// stackless Error: `instanceof Error`, `message`, `code` and `name` all
// hold. fire()/execute() reject with opossum's EOPENBREAKER; offload's
// own gates (the executor's shedding, a WorkerPool's breaker) with
// CIRCUIT_OPEN, as they always have.
function stackless(make) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = ours(make());
  Error.stackTraceLimit = limit;
  return err;
}
const OPEN_PROTO = stackless(() => codes.EOPENBREAKER());
const GATE_PROTO = stackless(() => codes.CIRCUIT_OPEN());
function openError() {
  return Object.create(OPEN_PROTO);
}
function gateOpenError() {
  return Object.create(GATE_PROTO);
}

function shutdownError() {
  return ours(codes.ESHUTDOWN());
}

function gateShutdownError() {
  return ours(coded(Error, 'ERR_OFFLOAD_CLOSED',
    'The circuit breaker has been shut down'));
}

function semLockedError() {
  return ours(codes.ESEMLOCKED());
}

function timeoutError(ms) {
  return ours(codes.ETIMEDOUT(ms));
}

// Transitions a thread can miss between two looks at the word, in order of
// likelihood: natural moves first, then forced ones (open()/close()/
// restore). replay() finds the first path of exactly `steps` moves.
const NEXT = [[OPEN, HALF_OPEN, CLOSED], [HALF_OPEN, CLOSED, OPEN],
  [CLOSED, OPEN, HALF_OPEN]];

function replay(from, to, steps) {
  if (steps <= 1 || steps > 6) return [to];
  const path = [];
  const walk = (at, left) => {
    if (left === 0) return at === to;
    for (const n of NEXT[at]) {
      path.push(n);
      if (walk(n, left - 1)) return true;
      path.pop();
    }
    return false;
  };
  walk(from, steps);
  return path;
}

// ---- the thread's watcher ----------------------------------------------
// One unref'd interval per thread looks at every breaker that needs it:
// shared ones (another thread may move them) and ones with batched counts
// to flush. A look is one Atomics.load per breaker. ('halfOpen' has a
// timer of its own per open breaker.)
const POLL_MS = 50;
const watched = new Set();
let interval = null;

function watch(breaker) {
  breaker._watched = true;
  watched.add(breaker);
  if (interval === null) {
    interval = setInterval(() => {
      for (const b of watched) b._poll();
    }, POLL_MS);
    interval.unref();
  }
}

function unwatch(breaker) {
  breaker._watched = false;
  watched.delete(breaker);
  if (watched.size === 0 && interval !== null) {
    clearInterval(interval);
    interval = null;
  }
}

module.exports = {
  SLOT_STATE, SLOT64_OPENED_AT, SLOT64_RESET_AT, CLOSED, OPEN, HALF_OPEN,
  NAMES, EVENTS, GEN_MASK, SUCCESS, FAILURE, TIMEOUT, IGNORED, EV_FIRE,
  EV_REJECT, EV_FALLBACK, monotonicMs, openError, gateOpenError,
  shutdownError, gateShutdownError, semLockedError, timeoutError, ours,
  isOurError, replay, watch, unwatch,
};
