'use strict';
// The breaker's control and observation surface (opossum's getters,
// open/close/shutdown, enable/disable, healthCheck, abort controller,
// toJSON), as the base class of CircuitBreaker, which adds the calls.
const EventEmitter = require('events');
const { breaker: native } = require('../binding');
const S = require('./state');
const handles = require('./handles');
const { addLatency } = require('./status');

const { OPEN, CLOSED, HALF_OPEN, SUCCESS, FAILURE, TIMEOUT, IGNORED } = S;
const ECIRCUITOPEN = -10; // OFL_ECIRCUITOPEN (ofl_errors.h)
const SLOT_IN_FLIGHT = 1;
const SLOT_PROBES = 2;
const I32 = 2 ** 31 - 1;
const snap = new Float64Array(21);

/** breaker.semaphore: the capacity left (opossum's Semaphore.count). */
class CapacityView {
  constructor(breaker) {
    this._b = breaker;
  }

  get capacity() {
    return this._b._opts.capacity;
  }

  get count() {
    const b = this._b;
    if (!b._limited) return b._opts.capacity;
    const used = b._i32 !== null ? Atomics.load(b._i32, SLOT_IN_FLIGHT) :
      b._snapshot()[15];
    return b._opts.capacity - used;
  }
}

// The 'halfOpen' timer holds its breaker weakly, so an open breaker
// dropped without shutdown() can be collected before resetTimeout. Made
// outside the constructor, whose context holds `this` strongly.
function halfOpenWeakly(breaker) {
  const ref = new WeakRef(breaker);
  return () => {
    const b = ref.deref();
    if (b !== undefined) b._halfOpenDue();
  };
}

class BreakerControls extends EventEmitter {
  get name() { return this._opts.name; }
  get group() { return this._opts.group; }
  get action() { return this._action; }
  get options() { return this._view; }
  get enabled() { return this._enabled; }
  get volumeThreshold() { return this._opts.volumeThreshold; }
  get isShutdown() { return this._shut; }
  get semaphore() { return new CapacityView(this); }
  get warmUp() { return this._warmUntil !== 0 && this._clock() < this._warmUntil; }

  /** 'closed', 'open' or 'halfOpen' (open past its reset timeout). */
  get state() {
    if (this._shut) return S.NAMES[this._word & 3];
    const now = this._clock();
    this._check();
    const st = this._word & 3;
    if (st === OPEN && now >= this._resetAt()) return 'halfOpen';
    return S.NAMES[st];
  }

  // As opossum's: all false once shut down, until a call still in flight
  // moves the state.
  get opened() { return this._live() && this.state === 'open'; }
  get closed() { return this._live() && this.state === 'closed'; }
  get halfOpen() { return this._live() && this.state === 'halfOpen'; }

  _live() {
    if (!this._shut) return true;
    if (!this._opts.shared) this._check();
    return this._word !== this._shutWord;
  }

  /** Half-open with a probe left to let through. */
  get pendingClose() {
    if (!this.halfOpen) return false;
    if ((this._word & 3) === OPEN) return true; // no probe taken yet
    const probes = this._i32 !== null ? Atomics.load(this._i32, SLOT_PROBES) :
      this._snapshot()[16];
    return probes < this._opts.halfOpenMaxConcurrent;
  }

  /** opossum's Status: rolling counts, window, 'snapshot' events. */
  get status() { return this._status; }

  /** The Status's totals (opossum's keys). */
  get stats() {
    this._flush();
    return this._status.stats;
  }

  /** Opens now; it half-opens after resetTimeout. */
  open() {
    if (this._shut) throw S.shutdownError();
    native.force(this._h, true, this._now());
    this._check();
  }

  /** Closes now; the rolling window keeps its counts (opossum). */
  close() {
    if (this._shut) throw S.shutdownError();
    native.force(this._h, false, this._now());
    this._check();
  }

  /** Calls go straight to the action, unguarded and uncounted. */
  disable() {
    this._enabled = false;
    this._status.removeRotateBucketControllerListener();
  }

  enable() {
    this._enabled = true;
    this._status.startListeningForRotateEvent();
  }

  /**
   * Calls fn (this = the breaker) now and every `interval` ms (default
   * 5000); a rejection emits 'healthCheckFailed' and opens the breaker.
   */
  healthCheck(fn, interval) {
    interval = interval || 5000;
    if (typeof fn !== 'function') {
      throw new TypeError('Health check function must be a function');
    }
    if (isNaN(interval)) {
      throw new TypeError('Health check interval must be a number');
    }
    const failed = (err) => {
      if (this._shut) return;
      this.emit('healthCheckFailed', err);
      if (!this._shut) this.open(); // a listener may have shut it down
    };
    const check = () => {
      if (this._shut) return;
      let r;
      try {
        r = fn.apply(this);
      } catch (err) {
        r = Promise.reject(err);
      }
      Promise.resolve(r).catch(failed);
    };
    const timer = setInterval(check, Number(interval));
    timer.unref();
    this._healthTimers.push(timer);
    check();
  }

  getSignal() {
    const ac = this._opts.abortController;
    return ac !== null && ac.signal ? ac.signal : undefined;
  }

  getAbortController() {
    return this._opts.abortController ?? undefined;
  }

  // autoRenewAbortController: a fresh controller once the breaker
  // half-opens or closes after a timeout aborted the old one.
  _renewAbortController() {
    const o = this._opts;
    if (o.autoRenewAbortController && o.abortController !== null &&
        o.abortController.signal && o.abortController.signal.aborted) {
      o.abortController = new AbortController();
      this._view.abortController = o.abortController;
    }
  }

  clearCache() {
    const o = this._opts;
    if (o.cache) o.cacheTransport.flush();
    if (o.coalesceCache !== null) o.coalesceCache.flush();
  }

  /** Stops this handle: later calls reject, listeners are removed. */
  shutdown() {
    if (this._shut) return;
    this._flush();
    this.emit('shutdown');
    this.disable();
    this._shut = true;
    this._shutWord = this._word;
    this.removeAllListeners();
    S.unwatch(this);
    this._disarmHalfOpen();
    for (const t of this._healthTimers) clearInterval(t);
    this._healthTimers.length = 0;
    this._status.shutdown();
    this.clearCache();
    if (this._opts.shared) {
      handles.forget(this);
      native.close(this._h); // the name goes with the last open handle
    }
  }

  // One unref'd timer per open breaker: 'halfOpen' when the reset timeout
  // ends (with a user clock, on the next look instead).
  _armHalfOpen() {
    if (this._shut) return;
    if (this._userClock) {
      if (!this._watched) S.watch(this);
      return;
    }
    if (this._hoTimer !== null) clearTimeout(this._hoTimer);
    const wait = Math.max(0, Math.ceil(this._resetAt() - this._clock()));
    if (this._onHalfOpenTimer === null) {
      this._onHalfOpenTimer = halfOpenWeakly(this);
    }
    this._hoTimer = setTimeout(this._onHalfOpenTimer, Math.min(wait, I32));
    this._hoTimer.unref();
  }

  _disarmHalfOpen() {
    if (this._hoTimer === null) return;
    clearTimeout(this._hoTimer);
    this._hoTimer = null;
  }

  _halfOpenDue() {
    this._hoTimer = null;
    if (this._shut) return;
    this._check();
    const w = this._word;
    if ((w & 3) !== OPEN || this._timedHalfOpen === w) return;
    if (this._clock() < this._resetAt()) { // timers may run a little early
      this._armHalfOpen();
      return;
    }
    this._timedHalfOpen = w;
    this._transition(OPEN, HALF_OPEN);
  }

  _resetAt() {
    if (this._i64 !== null) {
      return Number(Atomics.load(this._i64, S.SLOT64_RESET_AT));
    }
    return this._snapshot()[19];
  }

  _snapshot() {
    this._flush();
    native.snapshot(this._h, this._clock(), snap);
    return snap;
  }

  /**
   * From the native window: latency p50/p99 (ms, the upper edge of a
   * power-of-two bin), `ignored` (calls an offload gate settled as
   * neither, e.g. aborted pool tasks), and with `counts` the counters in the
   * Status's keys (a shared breaker's are process-wide).
   */
  _nativeCounts(counts) {
    const s = this._snapshot();
    const latency = { p50: s[9], p99: s[10] };
    if (!counts) return { ignored: s[4], latency };
    return { fires: s[0], successes: s[1], failures: s[2], timeouts: s[3],
      rejects: s[5], semaphoreRejections: s[6], fallbacks: s[7],
      ignored: s[4], latency };
  }

  /**
   * Admission for work that settles elsewhere (offload's shed gate, a
   * WorkerPool): _call's checks without running anything. Returns a ticket
   * to pass to _settle() exactly once, or the error to reject with
   * (CIRCUIT_OPEN, ESEMLOCKED, or ERR_OFFLOAD_CLOSED after shutdown()).
   */
  _admit(now = this._clock()) {
    if (this._shut) return S.gateShutdownError();
    const w = this._load();
    if (w !== this._word) this._sync(w);
    const b = this._status._cur;
    b.fires++;
    if ((w & 3) === OPEN && now < this._resetAt()) {
      this._countReject(now);
      b.rejects++;
      return S.gateOpenError();
    }
    if ((w & 3) === CLOSED && this._implicit) {
      this._countFire(now);
      return { now, permit: w, implicit: true };
    }
    this._flushFires();
    const permit = native.acquire(this._h, now);
    this._check();
    if (permit === ECIRCUITOPEN) {
      b.rejects++;
      return S.gateOpenError();
    }
    if (permit < 0) {
      b.semaphoreRejections++;
      b.failures++;
      return S.semLockedError();
    }
    return { now, permit, implicit: false };
  }

  /**
   * Settles a ticket from _admit() (offload's shed gate, a WorkerPool)
   * with an outcome; counts it in the Status. Returns the latency.
   */
  _settle(outcome, start, permit, implicit) {
    const latency = this._latency(start);
    this._nativeSettle(outcome, start, permit, implicit, latency);
    const b = this._status._cur;
    if (outcome === SUCCESS) b.successes++;
    if (outcome === TIMEOUT) b.timeouts++;
    if (outcome === FAILURE || outcome === TIMEOUT) b.failures++;
    if (outcome !== IGNORED) addLatency(b, latency);
    this._check();
    return latency;
  }

  /**
   * opossum's shape: { state: { name, enabled, closed, open, halfOpen,
   * warmUp, shutdown, lastTimerAt }, status: stats }; pass both back as
   * options (`{ state, status }`) to restore a breaker.
   */
  toJSON() {
    const state = {
      name: this.name, enabled: this.enabled, closed: this.closed,
      open: this.opened, halfOpen: this.halfOpen, warmUp: this.warmUp,
      shutdown: this.isShutdown, lastTimerAt: undefined,
    };
    const openedAt = this._snapshot()[18];
    if (openedAt !== 0) {
      state.lastTimerAt = Math.round(Date.now() - (this._clock() - openedAt));
    }
    return { state, status: this.stats };
  }
}

// The hot path asks "does anyone listen to 'fire'/'success'?" on every
// call. EventEmitter's _events is a dictionary-mode object, and two lookups
// in it cost ~40 ns a call, so the answers are kept in booleans,
// recomputed by every method that adds or removes listeners.
const LISTENER_METHODS = ['on', 'addListener', 'prependListener', 'once',
  'prependOnceListener', 'off', 'removeListener', 'removeAllListeners'];

for (const name of LISTENER_METHODS) {
  const base = EventEmitter.prototype[name];
  Object.defineProperty(BreakerControls.prototype, name, {
    value: function listenerChange(...args) {
      const r = base.apply(this, args);
      this._recountListeners();
      return r;
    },
    writable: true,
    configurable: true,
  });
}

module.exports = { BreakerControls };
