'use strict';
// CircuitBreaker: opossum's API over the native state machine.
//
// Hot path (see ofl_breaker.h): fire() reads the state word from the shared
// block with Atomics.load. OPEN before reset: reject at once (rejects are
// counted in a batch). CLOSED with no capacity: run the call and make ONE
// native call when it settles (ofl_breaker_settle). Otherwise: native
// acquire, run, native release.
const EventEmitter = require('events');
const { breaker: native } = require('../binding');
const { codes, fromStatus } = require('../errors');
const { validateFunction } = require('../validate');
const { normalize, toNative } = require('./options');
const { Lane } = require('./deadlines');
const S = require('./state');
const { TimedCall, captured, capture } = require('./timed_call');
const handles = require('./handles');

const { OPEN, CLOSED, HALF_OPEN, SUCCESS, FAILURE, TIMEOUT, IGNORED } = S;
const ECIRCUITOPEN = -10; // OFL_ECIRCUITOPEN (ofl_errors.h)
const snap = new Float64Array(21);
const promiseThen = Promise.prototype.then;

// What `await` adopts without a then() call: a native promise whose
// constructor is Promise and whose then is the original (await ignores a
// patched then; calling it here would not).
function isNativePromise(r) {
  return r instanceof Promise && r.constructor === Promise &&
    r.then === promiseThen;
}

/**
 * A circuit breaker whose state lives in native memory.
 * @example
 * const breaker = new offload.CircuitBreaker(fetchUser, { timeout: 2000 });
 * breaker.fallback(() => ({ cached: true }));
 * const user = await breaker.fire(id);
 */
// The hot path asks "does anyone listen to 'fire'/'success'?" on every
// call. EventEmitter's _events is a dictionary-mode object, and two lookups
// in it cost ~40 ns a call, so the answer is kept in two booleans,
// recomputed by every method that adds or removes listeners.
const LISTENER_METHODS = ['on', 'addListener', 'prependListener', 'once',
  'prependOnceListener', 'off', 'removeListener', 'removeAllListeners'];

class CircuitBreaker extends EventEmitter {
  constructor(action, options) {
    super();
    this._onFire = false;
    this._onSuccess = false;
    if (action !== undefined && action !== null) {
      validateFunction(action, 'action');
    }
    const o = normalize(options);
    this._action = action || null;
    this._opts = o;
    this._clock = o.clock || S.monotonicMs;
    this._userClock = o.clock !== null;
    this._watched = false; // in the thread watcher's set
    this._errorFilter = o.errorFilter;
    this._fallback = null;
    this._shut = false;
    const now = this._now();
    const h = native.create(toNative(o), o.shared ? o.name : null, now);
    if (typeof h === 'number') {
      if (h === -1 && o.shared) { // OFL_EINVAL from the registry: conflict
        throw codes.ERR_INVALID_ARG_VALUE('options', o.name,
          'conflicts with the options of the existing shared breaker ' +
          `"${o.name}"`);
      }
      throw fromStatus(h);
    }
    this._h = h;
    const ab = native.block(h);
    this._i32 = ab === null ? null : new Int32Array(ab);
    this._i64 = ab === null ? null : new BigInt64Array(ab);
    // Closed calls need no native acquire when there is no capacity to
    // enforce and the word can be read from shared memory. Not for shared
    // breakers: the fast path batches successes for up to 50 ms, and
    // another thread's failure would be judged without them.
    this._implicit = o.capacity === 0 && this._i32 !== null && !o.shared;
    this._lane = o.timeout > 0 ?
      new Lane(o.timeout, () => codes.ETIMEDOUT(o.timeout)) : null;
    this._bucketMs = o.rollingCountTimeout / o.rollingCountBuckets;
    this._pending = 0; // fail-fast rejects not yet counted natively
    this._pendingAt = 0;
    // Closed fast-path successes not yet counted natively, by latency bin.
    this._okBins = new Uint32Array(24);
    this._okCount = 0;
    this._okWord = 0;
    this._okAt = 0;
    this._okLatency = 0;
    this._tick = -1; // the first call is sampled
    this._fastWord = -1; // the word _fastOk/_fastFail were made for
    this._fastOk = null;
    this._fastFail = null;
    this._timedHalfOpen = -1; // open word for which 'halfOpen' fired on time
    if (o.state !== null) {
      const st = S.NAMES.indexOf(o.state.state);
      const openedAt = Math.max(0, now - o.state.openedAgo);
      native.restore(h, st, openedAt, now);
    }
    this._word = this._load();
    if (o.shared || (this._word & 3) === OPEN) S.watch(this);
    if (o.shared) handles.adopt(this);
    else if (o.name !== undefined) handles.track(this);
  }

  _recountListeners() {
    this._onFire = this.listenerCount('fire') > 0;
    this._onSuccess = this.listenerCount('success') > 0;
  }

  _now() {
    const t = this._clock();
    if (typeof t !== 'number' || !(t >= 0)) {
      throw codes.ERR_INVALID_ARG_VALUE('options.clock', t,
        'must return a number of milliseconds >= 0');
    }
    return t;
  }

  _load() {
    return this._i32 !== null ? Atomics.load(this._i32, S.SLOT_STATE) :
      native.word(this._h);
  }

  /** Calls the action with args (opossum style). Never throws. */
  fire(...args) {
    if (this._action === null) {
      return Promise.reject(codes.ERR_INVALID_STATE(
        'This CircuitBreaker has no action: use execute(fn, ...args)'));
    }
    return this._call(this._action, args);
  }

  /** Guards fn(...args). Never throws. */
  execute(fn, ...args) {
    if (typeof fn !== 'function') {
      return Promise.reject(codes.ERR_INVALID_ARG_TYPE('fn',
        'of type function', fn));
    }
    return this._call(fn, args);
  }

  _call(fn, args) {
    try {
      return this._guard(fn, args);
    } catch (err) { // a listener or a hostile argument threw: never throw
      return Promise.reject(err);
    }
  }

  _guard(fn, args) {
    if (this._shut) return Promise.reject(S.shutdownError());
    const w = this._load();
    if (w !== this._word) this._sync(w);
    // emit() gathers its arguments into an array even with no listener;
    // EventEmitter's _events map tells for free whether anyone listens.
    if (this._onFire) this.emit('fire', args);
    let now = 0;
    if ((w & 3) === CLOSED && this._implicit) {
      // Closed fast path: no clock read unless this call's latency is
      // sampled (see _okFast) or a user clock drives the breaker.
      if (this._userClock || (++this._tick & 7) === 0) {
        try {
          now = this._now();
        } catch (err) {
          return Promise.reject(err);
        }
      }
      if (this._lane !== null) return this._timed(fn, args, now, w, true);
      return this._bare(fn, args, now, w, true);
    }
    try {
      now = this._now();
    } catch (err) {
      return Promise.reject(err);
    }
    if ((w & 3) === OPEN && this._i64 !== null &&
        now < Number(Atomics.load(this._i64, S.SLOT64_RESET_AT))) {
      return this._rejectOpen(now, args);
    }
    const permit = native.acquire(this._h, now);
    this._check();
    if (permit < 0) {
      if (permit === ECIRCUITOPEN) return this._rejected(S.openError(), args);
      return this._rejected(codes.ESEMLOCKED(), args);
    }
    if (this._lane !== null) return this._timed(fn, args, now, permit, false);
    return this._bare(fn, args, now, permit, false);
  }

  // Untimed: behaves as `async` { value = await fn(...args); ... }. A
  // native promise is followed with .then instead, which queues the same
  // reactions in the same ticks without an async frame; an unsampled
  // closed call with no args and no 'fire' listener (which may keep `args`)
  // uses the breaker's cached handlers, so it allocates no closure.
  _bare(fn, args, start, permit, implicit) {
    let r;
    try {
      r = args.length === 0 ? fn() : fn(...args);
    } catch (err) {
      return this._threw(err, start, permit, implicit, args);
    }
    if (!implicit || !isNativePromise(r)) {
      return this._await(r, start, permit, implicit, args);
    }
    if (start === 0 && args.length === 0 && !this._onFire) {
      if (this._fastWord !== permit) this._fastHandlers(permit);
      return promiseThen.call(r, this._fastOk, this._fastFail);
    }
    return promiseThen.call(r, (v) => this._okFast(v, start, permit),
      (e) => this._failed(e, start, permit, true, args, FAILURE));
  }

  _fastHandlers(word) {
    this._fastWord = word;
    this._fastOk = (v) => this._okFast(v, 0, word);
    this._fastFail = (e) => this._failed(e, 0, word, true, [], FAILURE);
  }

  async _threw(err, start, permit, implicit, args) {
    return this._failed(err, start, permit, implicit, args, FAILURE);
  }

  async _await(r, start, permit, implicit, args) {
    let value;
    try {
      value = await r;
    } catch (err) {
      return this._failed(err, start, permit, implicit, args, FAILURE);
    }
    return this._succeeded(value, start, permit, implicit);
  }

  _timed(fn, args, start, permit, implicit) {
    const promise = new Promise(capture);
    const call = new TimedCall(this, captured.resolve, captured.reject,
      start, permit, implicit, args);
    const signal = this._lane.add(call);
    try {
      const r = args.length === 0 ? fn(signal) : fn(...args, signal);
      // Inside the try: a hostile thenable's `then` may throw, and fire()
      // never throws.
      if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
        r.then((v) => call.ok(v), (e) => call.fail(e));
      } else {
        call.ok(r);
      }
    } catch (err) {
      call.fail(err);
    }
    return promise;
  }

  _settle(outcome, start, permit, implicit) {
    if (this._okCount !== 0) this._flushOk(); // keep this thread's order
    let now = this._clock();
    // An unsampled fast-path call has no start: use the latest latency.
    if (start === 0) start = Math.max(0, now - this._okLatency);
    if (!(now >= start)) now = start;
    const latency = now - start;
    if (implicit) native.settle(this._h, permit, outcome, start, now, latency);
    else native.release(this._h, permit, outcome, now, latency);
    this._check();
    return latency;
  }

  _succeeded(value, start, permit, implicit) {
    if (implicit) return this._okFast(value, start, permit);
    const latency = this._settle(SUCCESS, start, permit, implicit);
    this.emit('success', value, latency);
    return value;
  }

  // A closed-state success, counted in a batch: successes in CLOSED never
  // cause a transition, so the batch goes native when the word changes,
  // before any failure this thread records, before stats are read, and at
  // the latest on the thread watcher's next tick (50 ms), which is when
  // it is counted in the rolling window (with a user clock: at the call's
  // start time, exactly). Latency is measured on one call in 8 (`start` is
  // 0 on the others, which count the latest measured latency): a clock read
  // costs as much as the rest of the path.
  _okFast(value, start, word) {
    if (this._okCount !== 0 && (word !== this._okWord ||
        (this._userClock && Math.floor(start / this._bucketMs) !==
         Math.floor(this._okAt / this._bucketMs)))) this._flushOk();
    let lat = this._okLatency;
    if (start !== 0) {
      lat = this._clock() - start;
      this._okLatency = lat = lat > 0 ? lat : 0;
    }
    this._okBins[lat < 1 ? 0 : Math.min(23, 32 - Math.clz32(lat))]++;
    this._okWord = word;
    if (this._okCount++ === 0) {
      this._okAt = start;
      if (!this._watched) S.watch(this);
    }
    if (this._okCount === 4096) this._flushOk();
    if (this._onSuccess) this.emit('success', value, lat);
    return value;
  }

  _flushOk() {
    this._okCount = 0;
    const at = this._userClock ? this._okAt : this._clock();
    native.settleMany(this._h, this._okWord, this._okBins, at);
    this._okBins.fill(0);
    this._check();
  }

  // Returns the call's value: the fallback's result, or a rejection.
  _failed(err, start, permit, implicit, args, outcome) {
    if (outcome === FAILURE && this._errorFilter !== null) {
      let ignore = false;
      try {
        ignore = this._errorFilter(err) === true;
      } catch (filterErr) {
        err = filterErr;
      }
      if (ignore) {
        this._settle(IGNORED, start, permit, implicit);
        return Promise.reject(err);
      }
    }
    const latency = this._settle(outcome, start, permit, implicit);
    if (outcome === TIMEOUT) this.emit('timeout', err, latency, args);
    this.emit('failure', err, latency, args);
    return this._useFallback(err, args);
  }

  _rejectOpen(now, args) {
    this._countReject(now);
    return this._rejected(S.openError(), args);
  }

  // Fail-fast rejects are counted natively in batches, one per rolling
  // bucket (exact counts, at most one bucket late; stats readers flush
  // first).
  _countReject(now) {
    if (this._pending !== 0 &&
        Math.floor(now / this._bucketMs) !==
        Math.floor(this._pendingAt / this._bucketMs)) this._flush();
    this._pending++;
    this._pendingAt = now;
  }

  /**
   * Admission for work that settles elsewhere (offload's shed gate, a
   * WorkerPool): _call's checks without running anything. Returns a ticket
   * to pass to _settle() exactly once, or the error to reject with
   * (CIRCUIT_OPEN, ESEMLOCKED, or ERR_OFFLOAD_CLOSED after shutdown()).
   */
  _admit(now = this._clock()) {
    if (this._shut) return S.shutdownError();
    const w = this._load();
    if (w !== this._word) this._sync(w);
    if ((w & 3) === OPEN && now < this._resetAt()) {
      this._countReject(now);
      return S.openError();
    }
    if ((w & 3) === CLOSED && this._implicit) {
      return { now, permit: w, implicit: true };
    }
    const permit = native.acquire(this._h, now);
    this._check();
    if (permit < 0) {
      return permit === ECIRCUITOPEN ? S.openError() : codes.ESEMLOCKED();
    }
    return { now, permit, implicit: false };
  }

  _rejected(err, args) {
    this.emit('reject', err);
    return this._useFallback(err, args);
  }

  _useFallback(err, args) {
    if (this._fallback === null) return Promise.reject(err);
    native.record(this._h, S.EV_FALLBACK, 1, this._clock());
    this.emit('fallback', err);
    try {
      return Promise.resolve(this._fallback(...args, err));
    } catch (fallbackErr) {
      return Promise.reject(fallbackErr);
    }
  }

  _flush() {
    if (this._okCount !== 0) this._flushOk();
    const n = this._pending;
    if (n === 0) return;
    this._pending = 0;
    native.record(this._h, S.EV_FIRE, n, this._pendingAt);
    native.record(this._h, S.EV_REJECT, n, this._pendingAt);
  }

  /** Emits events for any transition since the last look. */
  _check() {
    const w = this._load();
    if (w !== this._word) this._sync(w);
  }

  _sync(w) {
    const old = this._word;
    this._word = w;
    const steps = (((w >>> 2) - (old >>> 2)) & S.GEN_MASK);
    let from = old & 3;
    const path = S.replay(from, w & 3, steps);
    let i = 0;
    // 'halfOpen' may already have been emitted on time for this episode.
    if (this._timedHalfOpen === old && path[0] === HALF_OPEN) {
      from = HALF_OPEN;
      i = 1;
    }
    this._timedHalfOpen = -1;
    if (!this._opts.shared) {
      if ((w & 3) === OPEN) S.watch(this);
      else if (this._okCount === 0 && this._pending === 0) S.unwatch(this);
    }
    for (; i < path.length; i++) this._transition(from, from = path[i]);
  }

  _transition(from, to) {
    this.emit(S.EVENTS[to]);
    this.emit('stateChange', { from: S.NAMES[from], to: S.NAMES[to] });
  }

  /** Watcher tick: other threads' transitions, and 'halfOpen' on time. */
  _poll() {
    if (this._shut) return;
    const now = this._clock();
    this._check();
    const w = this._word;
    if ((w & 3) === OPEN && this._timedHalfOpen !== w &&
        now >= this._resetAt()) {
      this._timedHalfOpen = w;
      this._transition(OPEN, HALF_OPEN);
    }
    this._flush();
    if (!this._opts.shared && (this._word & 3) !== OPEN) S.unwatch(this);
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

  /** Sets the fallback used while open, on a timeout or on a failure. */
  fallback(fn) {
    validateFunction(fn, 'fallback');
    this._fallback = fn;
    return this;
  }

  get name() { return this._opts.name; }
  get state() {
    if (this._shut) return S.NAMES[this._word & 3];
    const now = this._clock();
    this._check();
    const st = this._word & 3;
    if (st === OPEN && now >= this._resetAt()) return 'halfOpen';
    return S.NAMES[st];
  }

  get opened() { return this.state === 'open'; }
  get closed() { return this.state === 'closed'; }
  get halfOpen() { return this.state === 'halfOpen'; }
  get isShutdown() { return this._shut; }

  /** Rolling-window counts and latency percentiles (ms). */
  get stats() {
    const s = this._snapshot();
    return {
      fires: s[0], successes: s[1], failures: s[2], timeouts: s[3],
      ignored: s[4], rejects: s[5], semlocked: s[6], fallbacks: s[7],
      latency: { p50: s[9], p99: s[10] },
    };
  }

  get status() {
    const s = this._snapshot();
    return {
      state: S.NAMES[s[11]], failureCount: s[2], successCount: s[1],
      lastFailureTime: s[17] === 0 ? null : s[17],
    };
  }

  /** Opens now; it half-opens after resetTimeout. */
  open() {
    if (this._shut) throw S.shutdownError();
    native.force(this._h, true, this._now());
    this._check();
  }

  /** Closes now and clears the window. */
  close() {
    if (this._shut) throw S.shutdownError();
    native.force(this._h, false, this._now());
    this._check();
  }

  /** Stops this handle: later calls reject, listeners are removed. */
  shutdown() {
    if (this._shut) return;
    this._flush();
    this._shut = true;
    S.unwatch(this);
    if (this._opts.shared) {
      handles.forget(this);
      native.close(this._h); // the name goes with the last open handle
    }
    this.emit('shutdown');
    this.removeAllListeners();
  }

  /** Serialisable state; `new CircuitBreaker(fn, { state: json.state })`. */
  toJSON() {
    const state = { state: this.state };
    if (state.state === 'open') {
      const openedAt = this._snapshot()[18];
      state.openedAgo = Math.max(0, Math.floor(this._clock() - openedAt));
    }
    return { name: this.name, state, status: this.status, stats: this.stats };
  }
}

for (const name of LISTENER_METHODS) {
  const base = EventEmitter.prototype[name];
  Object.defineProperty(CircuitBreaker.prototype, name, {
    value: function listenerChange(...args) {
      const r = base.apply(this, args);
      this._recountListeners();
      return r;
    },
    writable: true,
    configurable: true,
  });
}

module.exports = { CircuitBreaker };
