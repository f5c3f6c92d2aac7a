'use strict';
// Status: opossum's rolling statistics object (breaker.status). A window
// of buckets, newest first, rotated every rollingCountTimeout /
// rollingCountBuckets ms (or on a rotateBucketController's 'rotate'), a
// 'snapshot' event per rotation, and `stats`: the window's totals with
// latency percentiles and mean.
//
// It counts what this breaker object saw; the trip decisions are the
// native window's. For a shared breaker the call counters in `stats` are
// the process-wide native ones, and with a user clock the native window's
// on that clock (see CircuitBreaker#_nativeCounts).
const EventEmitter = require('events');

const PERCENTILES = [0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 1];
const COUNTERS = ['failures', 'fallbacks', 'successes', 'rejects', 'fires',
  'timeouts', 'cacheHits', 'cacheMisses', 'coalesceCacheHits',
  'coalesceCacheMisses', 'semaphoreRejections'];
// latencyTimes keeps at most this many samples per bucket (a uniform
// reservoir sample beyond it), so memory stays bounded at any call rate;
// latencyMean stays exact.
const LATENCY_SAMPLES = 1024;
const ROTATE = 'rotate';

// A bucket of the window: opossum's keys as fields (one hidden class, so
// the per-call increments stay cheap), the exact latency totals behind
// the sampled latencyTimes in private fields (invisible to keys and JSON).
class Bucket {
  #count = 0;
  #sum = 0;

  constructor() {
    this.failures = 0;
    this.fallbacks = 0;
    this.successes = 0;
    this.rejects = 0;
    this.fires = 0;
    this.timeouts = 0;
    this.cacheHits = 0;
    this.cacheMisses = 0;
    this.coalesceCacheHits = 0;
    this.coalesceCacheMisses = 0;
    this.semaphoreRejections = 0;
    this.percentiles = {};
    this.latencyTimes = [];
  }

  get latencyCount() { return this.#count; }
  get latencySum() { return this.#sum; }

  /** Records one latency sample. */
  addLatency(ms) {
    const n = ++this.#count;
    this.#sum += ms;
    const times = this.latencyTimes;
    if (times.length < LATENCY_SAMPLES) times.push(ms);
    else {
      const i = Math.floor(Math.random() * n);
      if (i < LATENCY_SAMPLES) times[i] = ms;
    }
  }

  /** Primes the totals from given latencyTimes. */
  prime() {
    if (!Array.isArray(this.latencyTimes)) this.latencyTimes = [];
    this.#count = this.latencyTimes.length;
    this.#sum = this.latencyTimes.reduce((a, v) => a + (Number(v) || 0), 0);
  }
}

const bucket = () => new Bucket();
const addLatency = (b, ms) => b.addLatency(ms);

function totalsObject() {
  const t = {};
  for (const k of COUNTERS) t[k] = 0;
  t.percentiles = {};
  t.latencyTimes = [];
  return t;
}

function percentile(p, sorted) {
  if (p === 0) return sorted[0] || 0;
  return sorted[Math.ceil(p * sorted.length) - 1] || 0;
}

// The timer holds the Status weakly, so a breaker dropped without
// shutdown() (and its native state) can still be collected. Made outside
// the constructor: a closure made there would share its context, which
// holds `this` strongly.
function rotateWeakly(status, every) {
  const ref = new WeakRef(status);
  const interval = setInterval(() => {
    const s = ref.deref();
    if (s === undefined) clearInterval(interval);
    else s._rotate(true);
  }, every);
  interval.unref();
  return interval;
}

/**
 * opossum's Status. `new Status({ rollingCountTimeout, rollingCountBuckets,
 * rollingPercentilesEnabled, enableSnapshots, rotateBucketController,
 * stats })`; `stats` primes the newest bucket.
 */
class Status extends EventEmitter {
  constructor(options = {}) {
    super();
    const o = options === null || typeof options !== 'object' ? {} : options;
    this._buckets = Number(o.rollingCountBuckets) || 10;
    this._timeout = Number(o.rollingCountTimeout) || 10000;
    this._window = [];
    for (let i = 0; i < this._buckets; i++) this._window.push(bucket());
    this._cur = this._window[0];
    this.rollingPercentilesEnabled = o.rollingPercentilesEnabled !== false;
    this.enableSnapshots = o.enableSnapshots !== false;
    this.rotateBucketController = o.rotateBucketController;
    this._native = null; // shared breakers: () => process-wide counters
    this._interval = null;
    this.rotateBucket = () => this._rotate(true);
    const every = Math.max(1, Math.floor(this._timeout / this._buckets));
    if (this.rotateBucketController) {
      this.startListeningForRotateEvent();
    } else {
      this._interval = rotateWeakly(this, every);
    }
    if (o.stats !== null && typeof o.stats === 'object') {
      const primed = Object.assign(bucket(), o.stats);
      primed.prime();
      this._window[0] = this._cur = primed;
    }
  }

  _rotate(snapshot) {
    this._window.pop();
    this._cur = bucket();
    this._window.unshift(this._cur);
    // A snapshot costs a sort of the window's latencies: only for listeners.
    if (snapshot && this.enableSnapshots && this.listenerCount('snapshot')) {
      this.emit('snapshot', this.stats);
    }
  }

  /** The window's totals (opossum's keys), percentiles and mean latency. */
  get stats() {
    const totals = totalsObject();
    let times = [];
    let count = 0;
    let sum = 0;
    for (const b of this._window) {
      for (const k of COUNTERS) totals[k] += Number(b[k]) || 0;
      if (this.rollingPercentilesEnabled && Array.isArray(b.latencyTimes)) {
        times = times.concat(b.latencyTimes);
        count += b.latencyCount;
        sum += b.latencySum;
      }
    }
    if (this._native !== null) Object.assign(totals, this._native());
    totals.latencyTimes = times;
    if (this.rollingPercentilesEnabled) {
      times.sort((a, b) => a - b);
      totals.latencyMean = count > 0 ? sum / count : 0;
      for (const p of PERCENTILES) totals.percentiles[p] = percentile(p, times);
    } else {
      totals.latencyMean = -1;
      for (const p of PERCENTILES) totals.percentiles[p] = -1;
    }
    return totals;
  }

  /** A copy of the buckets, newest first. */
  get window() {
    return this._window.slice();
  }

  increment(property, latency) {
    const b = this._cur;
    b[property]++;
    if (property === 'successes' || property === 'failures' ||
        property === 'timeouts') b.addLatency(latency || 0);
  }

  open() {
    this._cur.isCircuitBreakerOpen = true;
  }

  close() {
    this._cur.isCircuitBreakerOpen = false;
  }

  shutdown() {
    this.removeAllListeners();
    if (this._interval !== null) clearInterval(this._interval);
    this._interval = null;
    this.removeRotateBucketControllerListener();
  }

  removeRotateBucketControllerListener() {
    const c = this.rotateBucketController;
    if (c) c.removeListener(ROTATE, this.rotateBucket);
  }

  startListeningForRotateEvent() {
    const c = this.rotateBucketController;
    if (c && c.listeners(ROTATE).indexOf(this.rotateBucket) === -1) {
      c.on(ROTATE, this.rotateBucket);
    }
  }

  // opossum's spelling of the same method.
  startListeneningForRotateEvent() {
    this.startListeningForRotateEvent();
  }
}

module.exports = { Status, addLatency };
