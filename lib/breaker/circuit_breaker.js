'use strict';
// CircuitBreaker: opossum's API and semantics over the native state machine.
//
// Hot path (see ofl_breaker.h): fire() reads the state word from the shared
// block with Atomics.load. OPEN before reset: reject at once (rejects are
// counted in a batch). CLOSED with no capacity: run the call, counting its
// fire and its success in batches, and make one native call only for a
// failure (ofl_breaker_settle). Otherwise: native acquire, run, native
// release. Every call also feeds this object's Status (opossum's rolling
// stats) with its own latency.
const dc = require('diagnostics_channel');
const { breaker: native } = require('../binding');
const { subscribed } = require('../tracing');
const { codes, fromStatus } = require('../errors');
const { validateFunction } = require('../validate');
const { normalize, toNative } = require('./options');
const { Lane } = require('./deadlines');
const S = require('./state');
const { TimedCall, captured, capture } = require('./timed_call');
const { Status, addLatency } = require('./status');
const { cachedCall, timedOut } = require('./cache');
const { BreakerControls } = require('./controls');
const handles = require('./handles');

const { OPEN, CLOSED, HALF_OPEN, SUCCESS, FAILURE, TIMEOUT } = S;
const ECIRCUITOPEN = -10; // OFL_ECIRCUITOPEN (ofl_errors.h)
const I32 = 2 ** 31 - 1;
const promiseThen = Promise.prototype.then;
// execute(fn, ...args): fn gets the call's AbortSignal last, `this`
// undefined (offload's own entry point; fire() and call() never add one).
const EXECUTE = Symbol('execute');
const channel = dc.tracingChannel('offload:breaker');

// What `await` adopts without a then() call: a native promise whose
// constructor is Promise and whose then is the original (await ignores a
// patched then; calling it here would not).
function isNativePromise(r) {
  return r instanceof Promise && r.constructor === Promise &&
    r.then === promiseThen;
}

function invoke(fn, ctx, args, signal) {
  if (ctx === EXECUTE) return signal === null ? fn(...args) : fn(...args, signal);
  return args.length === 0 ? fn.call(ctx) : fn.apply(ctx, args);
}

/**
 * A circuit breaker whose state lives in native memory.
 * @example
 * const breaker = new offload.CircuitBreaker(fetchUser, { timeout: 2000 });
 * breaker.fallback(() => ({ cached: true }));
 * const user = await breaker.fire(id);
 */
class CircuitBreaker extends BreakerControls {
  static isOurError(err) {
    return S.isOurError(err);
  }

  static newStatus(options) {
    return new Status(options);
  }

  constructor(action, options) {
    super();
    this._onFire = false;
    this._onSuccess = false;
    this._exact = false;
    // null: execute()-only (offload); any other non-function value is
    // what fire() resolves with (opossum).
    if (action === undefined || (action !== null && !action)) {
      throw new TypeError('No action provided. Cannot construct a ' +
        'CircuitBreaker without an invocable action.');
    }
    const { o, view } = normalize(options,
      typeof action === 'function' ? action.name : undefined);
    if (action === null || typeof action === 'function') {
      this._action = action;
    } else {
      this._action = () => Promise.resolve(action);
    }
    this._opts = o;
    this._view = view;
    this._clock = o.clock || S.monotonicMs;
    this._userClock = o.clock !== null;
    this._watched = false; // in the thread watcher's set
    this._errorFilter = o.errorFilter;
    this._fallback = null;
    this._shut = false;
    this._shutWord = -1;
    this._enabled = o.enabled;
    this._cached = o.cache || o.coalesce;
    this._healthTimers = [];
    this._hoTimer = null; // 'halfOpen' on time
    this._onHalfOpenTimer = null; // made on first use: halfOpenWeakly
    if (o.status instanceof Status) this._status = o.status;
    else if (o.status !== null) this._status = new Status({ stats: o.status });
    else this._status = new Status(o);
    const now = this._now();
    this._warmUntil = o.allowWarmUp ? now + o.rollingCountTimeout : 0;
    const h = native.create(toNative(o), o.shared ? o.name : null, now);
    if (typeof h === 'number') {
      this._status.shutdown();
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
    this._limited = o.capacity > 0 && o.capacity < I32;
    // Closed calls need no native acquire when there is no capacity to
    // enforce and the word can be read from shared memory. Not for shared
    // breakers: the fast path batches counts for up to 50 ms, and another
    // thread's failure would be judged without them.
    this._implicit = !this._limited && this._i32 !== null && !o.shared;
    // Shared: process-wide counts. A user clock: counts on that clock.
    // Always: the native latency percentiles (all threads, 24 bins).
    const allCounts = o.shared || this._userClock;
    this._status._native = () => this._nativeCounts(allCounts);
    this._lane = o.timeout > 0 ?
      new Lane(o.timeout, () => S.timeoutError(o.timeout)) : null;
    this._bucketMs = o.bucketMs;
    this._pending = 0; // fail-fast rejects not yet counted natively
    this._pendingAt = 0;
    this._fires = 0; // closed fast-path fires not yet counted natively
    this._firesAt = 0;
    // Closed fast-path successes not yet counted natively, by latency bin.
    this._okBins = new Uint32Array(24);
    this._okCount = 0;
    this._okWord = 0;
    this._okAt = 0;
    this._okLatency = 0;
    this._tick = -1; // the first call is measured
    this._fastWord = -1; // the word _fastOk/_fastFail were made for
    this._fastOk = null;
    this._fastFail = null;
    this._timedHalfOpen = -1; // open word for which 'halfOpen' fired on time
    if (o.state !== null && !o.state.shutdown) {
      const st = S.NAMES.indexOf(o.state.state);
      const openedAt = Math.max(0, now - o.state.openedAgo);
      native.restore(h, st, openedAt, now);
    }
    this._word = this._load();
    if ((this._word & 3) === OPEN) this._armHalfOpen();
    if (o.shared) S.watch(this);
    if (o.shared) handles.adopt(this);
    else if (o.explicitName !== undefined) handles.track(this);
    if (o.state !== null && o.state.shutdown) this.shutdown();
  }

  _recountListeners() {
    this._onFire = this.listenerCount('fire') > 0;
    this._onSuccess = this.listenerCount('success') > 0;
    // Someone reads latencies: measure every closed fast-path call.
    this._exact = this._onSuccess || this.listenerCount('failure') > 0 ||
      this.listenerCount('timeout') > 0;
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

  // fire(), call() and execute() publish on offload:breaker while someone
  // subscribes (the context's `arguments` are the method's); checked here
  // rather than by a wrapper at the face, which cost a call layer each.

  /** Calls the action with args, `this` being the action (opossum). */
  fire(...args) {
    if (subscribed(channel)) {
      return channel.tracePromise(this._call, { operation: 'fire',
        arguments: args }, this, this._action, this._action, args);
    }
    return this._call(this._action, this._action, args);
  }

  /** Calls the action with args and `this` = context (opossum). */
  call(context, ...args) {
    if (subscribed(channel)) {
      return channel.tracePromise(this._call, { operation: 'call',
        arguments: [context, ...args] }, this, this._action, context, args);
    }
    return this._call(this._action, context, args);
  }

  /** Guards fn(...args, signal): signal aborts on timeout. Never throws. */
  execute(fn, ...args) {
    if (subscribed(channel)) {
      return channel.tracePromise(this._execute, { operation: 'execute',
        arguments: [fn, ...args] }, this, fn, args);
    }
    return this._execute(fn, args);
  }

  _execute(fn, args) {
    if (typeof fn !== 'function') {
      return Promise.reject(codes.ERR_INVALID_ARG_TYPE('fn',
        'of type function', fn));
    }
    return this._call(fn, EXECUTE, args);
  }

  _call(fn, ctx, args) {
    try {
      if (this._shut) return Promise.reject(S.shutdownError());
      if (fn === null) {
        return Promise.reject(codes.ERR_INVALID_STATE(
          'This CircuitBreaker has no action: use execute(fn, ...args)'));
      }
      this._status._cur.fires++;
      if (this._onFire) this.emit('fire', args);
      if (!this._enabled) return Promise.resolve(invoke(fn, ctx, args, null));
      if (this._cached) {
        return cachedCall(this, fn, args, (f) => this._guard(f, ctx, args));
      }
      return this._guard(fn, ctx, args);
    } catch (err) { // the action, a listener or a hostile argument threw
      return Promise.reject(err);
    }
  }

  _guard(fn, ctx, args) {
    const w = this._load();
    if (w !== this._word) this._sync(w);
    if ((w & 3) === CLOSED && this._implicit) {
      // Closed fast path: a clock read costs as much as the rest of it, so
      // with no listener for latencies, one call in 8 measures its own
      // (start 0 on the others: they count the latest measured one
      // natively, and no sample in the Status).
      let start = 0;
      if (this._exact || this._userClock || (++this._tick & 7) === 0) {
        start = this._now();
      }
      this._countFire(start);
      if (this._lane !== null) {
        return this._timed(fn, ctx, args, start, w, true);
      }
      return this._bare(fn, ctx, args, start, w, true);
    }
    const now = this._now();
    if ((w & 3) === OPEN && this._i64 !== null &&
        now < Number(Atomics.load(this._i64, S.SLOT64_RESET_AT))) {
      return this._rejectOpen(now, args);
    }
    this._flushFires();
    const permit = native.acquire(this._h, now);
    if (permit < 0) {
      if (permit === ECIRCUITOPEN) {
        this._check();
        this._status._cur.rejects++;
        return this._rejected(S.openError(), args);
      }
      return this._semLocked(args);
    }
    this._check();
    if (this._lane !== null) {
      return this._timed(fn, ctx, args, now, permit, false);
    }
    return this._bare(fn, ctx, args, now, permit, false);
  }

  // Untimed: behaves as `async` { value = await fn(...args); ... }. A
  // native promise is followed with .then instead, which queues the same
  // reactions in the same ticks without an async frame.
  _bare(fn, ctx, args, start, permit, implicit) {
    let r;
    try {
      r = invoke(fn, ctx, args, null);
    } catch (err) {
      return this._threw(err, start, permit, implicit, args);
    }
    if (!implicit || !isNativePromise(r)) {
      return this._await(r, start, permit, implicit, args);
    }
    // An unmeasured call with no args (and no 'fire' listener, which may
    // keep `args`) uses the cached handlers: no closure per call.
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

  _timed(fn, ctx, args, start, permit, implicit) {
    const promise = new Promise(capture);
    const call = new TimedCall(this, captured.resolve, captured.reject,
      start, permit, implicit, args);
    const signal = this._lane.add(call);
    try {
      const r = invoke(fn, ctx, args, ctx === EXECUTE ? signal : null);
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

  // start 0: an unmeasured call, which counts the latest measured latency.
  _latency(start) {
    if (start === 0) return this._okLatency;
    const lat = this._clock() - start;
    return (this._okLatency = lat > 0 ? lat : 0);
  }

  // The native half of settling a call; transitions are looked at by the
  // caller, after the call's own event (opossum's order: 'failure' before
  // 'open', 'close' before 'success').
  _nativeSettle(outcome, start, permit, implicit, latency) {
    if (this._okCount !== 0 || this._fires !== 0) this._flushOk();
    const now = start === 0 ? this._clock() : start + latency;
    const lat = Math.floor(latency);
    if (implicit) native.settle(this._h, permit, outcome, start, now, lat);
    else native.release(this._h, permit, outcome, now, lat);
  }

  _succeeded(value, start, permit, implicit) {
    if (implicit) return this._okFast(value, start, permit);
    const latency = this._latency(start);
    this._nativeSettle(SUCCESS, start, permit, false, latency);
    const b = this._status._cur;
    b.successes++;
    addLatency(b, latency);
    this._check();
    this.emit('success', value, latency);
    return value;
  }

  // A closed-state success, counted natively in a batch: successes in
  // CLOSED never cause a transition, so the batch goes native when the
  // word changes, before any failure this thread records, before stats
  // are read, and at the latest on the thread watcher's next tick (50 ms),
  // which is when it is counted in the rolling window (with a user clock:
  // at the call's start time, exactly).
  _okFast(value, start, word) {
    if (this._okCount !== 0 && (word !== this._okWord ||
        (this._userClock && Math.floor(start / this._bucketMs) !==
         Math.floor(this._okAt / this._bucketMs)))) this._flushOk();
    const lat = this._latency(start);
    this._okBins[lat < 1 ? 0 : Math.min(23, 32 - Math.clz32(lat))]++;
    this._okWord = word;
    if (this._okCount++ === 0) {
      this._okAt = start;
      if (!this._watched) S.watch(this);
    }
    if (this._okCount === 4096) this._flushOk();
    const b = this._status._cur;
    b.successes++;
    if (start !== 0) addLatency(b, lat);
    if (this._onSuccess) this.emit('success', value, lat);
    return value;
  }

  // Closed fast-path fires, counted natively in a batch (before any
  // outcome this thread records, so calls in flight weigh in the rate).
  _countFire(now) {
    if (this._fires++ === 0) {
      this._firesAt = now;
      if (!this._watched) S.watch(this);
    }
  }

  _flushFires() {
    const n = this._fires;
    if (n === 0) return;
    this._fires = 0;
    native.record(this._h, S.EV_FIRE, n,
      this._userClock ? this._firesAt : this._clock());
  }

  _flushOk() {
    this._flushFires();
    if (this._okCount === 0) return;
    this._okCount = 0;
    const at = this._userClock ? this._okAt : this._clock();
    native.settleMany(this._h, this._okWord, this._okBins, at);
    this._okBins.fill(0);
    this._check();
  }

  // Returns the call's value: the fallback's result, or a rejection.
  _failed(err, start, permit, implicit, args, outcome) {
    const latency = this._latency(start);
    let filtered = false;
    if (this._errorFilter !== null) {
      try {
        filtered = Boolean(this._errorFilter(err, ...args));
      } catch (filterErr) {
        err = filterErr;
      }
    }
    // opossum: a filtered error is a success (and closes from half-open).
    this._nativeSettle(filtered ? SUCCESS : outcome, start, permit, implicit,
      latency);
    const b = this._status._cur;
    const sample = start !== 0; // measured (see _guard)
    if (outcome === TIMEOUT) {
      b.timeouts++;
      if (sample) addLatency(b, latency);
      this.emit('timeout', err, latency, args);
    }
    if (filtered) {
      b.successes++;
      if (sample) addLatency(b, latency);
      this._check();
      this.emit('success', err, latency);
      if (outcome === TIMEOUT) this._timedOut(args);
      return Promise.reject(err);
    }
    b.failures++;
    if (sample) addLatency(b, latency);
    this.emit('failure', err, latency, args);
    this._check();
    const r = this._useFallback(err, args);
    if (outcome === TIMEOUT) this._timedOut(args);
    return r;
  }

  _timedOut(args) {
    if (this._cached) timedOut(this, args);
    const ac = this._opts.abortController;
    if (ac !== null) ac.abort();
  }

  // ESEMLOCKED: a failure, as in opossum (counted natively by acquire).
  _semLocked(args) {
    const err = S.semLockedError();
    const b = this._status._cur;
    b.semaphoreRejections++;
    this.emit('semaphoreLocked', err, 0);
    b.failures++;
    addLatency(b, 0);
    this.emit('failure', err, 0, args);
    this._check();
    return this._useFallback(err, args);
  }

  _rejectOpen(now, args) {
    this._countReject(now);
    this._status._cur.rejects++;
    return this._rejected(S.openError(), args);
  }

  // Fail-fast rejects are counted natively in batches, one per rolling
  // bucket (exact counts, at most one bucket late; stats readers flush
  // first).
  _countReject(now) {
    if (this._pending !== 0 &&
        Math.floor(now / this._bucketMs) !==
        Math.floor(this._pendingAt / this._bucketMs)) this._flush();
    if (this._pending++ === 0 && !this._watched) S.watch(this);
    this._pendingAt = now;
  }

  _rejected(err, args) {
    this.emit('reject', err);
    return this._useFallback(err, args);
  }

  // opossum: the fallback gets the call's args and the error, and
  // 'fallback' reports its result after it ran.
  _useFallback(err, args) {
    const fb = this._fallback;
    if (fb === null) return Promise.reject(err);
    let r;
    try {
      r = fb.apply(fb, [...args, err]);
    } catch (fallbackErr) {
      return Promise.reject(fallbackErr);
    }
    native.record(this._h, S.EV_FALLBACK, 1, this._clock());
    this._status._cur.fallbacks++;
    this.emit('fallback', r, err);
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  _flush() {
    this._flushOk();
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
    if ((w & 3) === OPEN) this._armHalfOpen();
    else this._disarmHalfOpen();
    if (!this._watchNeeded()) S.unwatch(this);
    for (; i < path.length; i++) this._transition(from, from = path[i]);
  }

  _transition(from, to) {
    if (to === OPEN) this._status.open();
    else {
      if (to === CLOSED) this._status.close();
      this._renewAbortController();
    }
    if (to === HALF_OPEN) this.emit('halfOpen', this._opts.resetTimeout);
    else this.emit(S.EVENTS[to]);
    this.emit('stateChange', { from: S.NAMES[from], to: S.NAMES[to] });
  }

  /** Watcher tick: other threads' transitions, and batched counts. */
  _poll() {
    if (this._shut) return;
    this._check();
    if (this._userClock && (this._word & 3) === OPEN &&
        this._timedHalfOpen !== this._word &&
        this._clock() >= this._resetAt()) {
      this._timedHalfOpen = this._word;
      this._transition(OPEN, HALF_OPEN);
    }
    this._flush();
    if (!this._watchNeeded()) S.unwatch(this);
  }

  // Shared breakers, batched counts, and (with a user clock, which no
  // timer follows) 'halfOpen' need the watcher.
  _watchNeeded() {
    return this._opts.shared || this._okCount !== 0 || this._pending !== 0 ||
      this._fires !== 0 || (this._userClock && (this._word & 3) === OPEN);
  }

  /** Sets the fallback: a function, or another breaker to fire. */
  fallback(fn) {
    if (fn instanceof CircuitBreaker) {
      const other = fn;
      fn = (...args) => other.fire(...args);
    }
    validateFunction(fn, 'fallback');
    this._fallback = fn;
    return this;
  }
}

module.exports = { CircuitBreaker };
