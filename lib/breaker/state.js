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

// CIRCUIT_OPEN is produced at up to millions per second while open, and
// even a stackless `new Error` costs ~0.5 µs. Each rejection is a fresh
// object (so a caller may annotate it) whose prototype is one real,
// stackless CIRCUIT_OPEN Error: `instanceof Error`, `message`, `code` and
// `name` all hold.
const OPEN_PROTO = (() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = codes.CIRCUIT_OPEN();
  Error.stackTraceLimit = limit;
  return err;
})();
function openError() {
  return Object.create(OPEN_PROTO);
}

function shutdownError() {
  return coded(Error, 'ERR_OFFLOAD_CLOSED',
    'The circuit breaker has been shut down');
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
// shared ones (another thread may move them), open ones (to emit
// 'halfOpen' on time) and ones with batched counts to flush. A look is one
// Atomics.load per breaker.
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
  EV_REJECT, EV_FALLBACK, monotonicMs, openError, shutdownError, replay,
  watch, unwatch,
};
