'use strict';
// Result caching (options.cache) and coalescing (options.coalesce:
// concurrent identical calls share one action call), as opossum has them.

/**
 * A Map with per-entry expiry (ms since the epoch; 0 = never) and a
 * maximum size: the oldest entry goes first.
 */
class MemoryCache {
  constructor(maxEntries) {
    this.cache = new Map();
    this.maxEntries = maxEntries ?? 2 ** 24 - 1; // a Map holds at most 2^24
  }

  get(key) {
    const e = this.cache.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt === 0 || e.expiresAt > Date.now()) return e.value;
    this.cache.delete(key);
    return undefined;
  }

  set(key, value, expiresAt) {
    if (!this.cache.has(key) && this.cache.size >= this.maxEntries) {
      this.cache.delete(this.cache.keys().next().value);
    }
    this.cache.set(key, { expiresAt, value });
  }

  delete(key) {
    this.cache.delete(key);
  }

  flush() {
    this.cache.clear();
  }
}

const KEY = Symbol('offload.coalesceKey');
const expiry = (ttl) => (ttl > 0 ? Date.now() + ttl : 0);

/**
 * fire()/call() with cache or coalesce on: answers from the caches, or
 * runs `guard(wrapped)` with an action wrapper that fills them from the
 * action's own outcome. Returns the call's promise.
 */
function cachedCall(breaker, fn, args, guard) {
  const o = breaker._opts;
  const key = o.cacheGetKey.apply(breaker, args);
  const status = breaker._status;
  if (o.cache) {
    const hit = o.cacheTransport.get(key);
    if (hit) {
      status.increment('cacheHits');
      breaker.emit('cacheHit');
      return hit;
    }
    status.increment('cacheMisses');
    breaker.emit('cacheMiss');
  }
  const co = o.coalesceCache;
  if (co !== null) {
    const shared = co.get(key);
    if (shared) {
      status.increment('coalesceCacheHits');
      breaker.emit('coalesceCacheHit');
      return shared;
    }
    status.increment('coalesceCacheMisses');
    breaker.emit('coalesceCacheMiss');
  }
  const reset = (event) => {
    if (co !== null && o.coalesceResetOn.includes(event)) co.delete(key);
  };
  let called = false;
  const ok = (value) => {
    reset('success');
    if (o.cache) {
      o.cacheTransport.set(key, Promise.resolve(value), expiry(o.cacheTTL));
    }
  };
  const wrapped = function cachedAction(...a) {
    called = true;
    let r;
    try {
      r = fn.apply(this, a);
    } catch (err) {
      reset('error');
      throw err;
    }
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      r.then(ok, () => reset('error'));
    } else {
      ok(r);
    }
    return r;
  };
  if (co !== null) args[KEY] = key; // for a timeout's reset
  const p = guard(wrapped);
  // Rejected before the action ran (open, no capacity): nothing to share.
  if (co !== null) {
    if (called) co.set(key, p, expiry(o.coalesceTTL));
    else co.delete(key);
  }
  return p;
}

/** A timeout resets the coalesced call of `args` (when asked to). */
function timedOut(breaker, args) {
  const o = breaker._opts;
  if (o.coalesceCache !== null && args[KEY] !== undefined &&
      o.coalesceResetOn.includes('timeout')) {
    o.coalesceCache.delete(args[KEY]);
  }
}

module.exports = { MemoryCache, cachedCall, timedOut };
