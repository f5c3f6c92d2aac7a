'use strict';
// CircuitBreaker options: opossum's names, defaults and interpretation,
// plus offload's own (failureThreshold, halfOpenMaxConcurrent,
// successThreshold, shared, clock). Accepted as opossum accepts them
// (numeric strings, fractions, 0 meaning "the default" for the rolling
// window); rejected only when no number can be read (a wrong type, NaN, a
// negative count), with one error format per kind.
const { randomUUID } = require('crypto');
const { codes } = require('../errors');
const {
  validateObject, validateInteger, validateFunction, validateString,
  validateOneOf,
} = require('../validate');
const { MemoryCache } = require('./cache');

const U32 = 2 ** 32 - 1;
const I32 = 2 ** 31 - 1;
const MAX_BUCKETS = 1024; // the native window's limit

/** opossum's defaults, and offload's for its own options. */
const DEFAULTS = Object.freeze({
  timeout: 10000,
  errorThresholdPercentage: 50,
  rollingCountTimeout: 10000,
  rollingCountBuckets: 10,
  volumeThreshold: 0,
  failureThreshold: 0,
  resetTimeout: 30000,
  halfOpenMaxConcurrent: 1,
  successThreshold: 1,
  capacity: Number.MAX_SAFE_INTEGER,
  cacheTTL: 0,
});

const STATES = ['closed', 'open', 'halfOpen'];
const RESET_ON = ['error', 'success', 'timeout'];
const defaultKey = (...args) => JSON.stringify(args);
const noFilter = () => false;
const DEPRECATED = 'options.maxFailures is deprecated. ' +
  'Please use options.errorThresholdPercentage';

/** A number from a number or a numeric string (as opossum coerces). */
function numeric(v, name) {
  if (typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v))) {
    return Number(v);
  }
  if (typeof v !== 'number') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number', v);
  }
  return v;
}

/** options[key] as a number >= 0 (absent, null: the default). */
function num(options, key, def = DEFAULTS[key]) {
  const raw = options[key];
  if (raw === undefined || raw === null) return def;
  const v = numeric(raw, `options.${key}`);
  if (!(v >= 0)) {
    throw codes.ERR_OUT_OF_RANGE(`options.${key}`, '>= 0', raw);
  }
  return v;
}

/** offload's own integer options, checked strictly. */
function int(options, key, min, max) {
  const raw = options[key];
  if (raw === undefined || raw === null) return DEFAULTS[key];
  return validateInteger(numeric(raw, `options.${key}`), `options.${key}`,
    min, max);
}

const ms32 = (v) => Math.min(U32, Math.ceil(v));

function cacheOptions(options, o, view) {
  o.cache = Boolean(options.cache);
  o.cacheTTL = num(options, 'cacheTTL');
  o.cacheGetKey = options.cacheGetKey ?? defaultKey;
  validateFunction(o.cacheGetKey, 'options.cacheGetKey');
  o.cacheTransport = null;
  if (o.cache) {
    const t = options.cacheTransport;
    if (t === undefined) {
      o.cacheTransport = new MemoryCache(options.cacheSize);
    } else if (t === null || typeof t !== 'object' ||
               typeof t.get !== 'function' || typeof t.set !== 'function' ||
               typeof t.flush !== 'function') {
      throw new TypeError('options.cacheTransport should be an object with ' +
        '`get`, `set` and `flush` methods');
    } else {
      o.cacheTransport = t;
    }
  }
  o.coalesce = Boolean(options.coalesce);
  o.coalesceTTL = options.coalesceTTL === undefined ? o.timeout :
    num(options, 'coalesceTTL');
  o.coalesceResetOn = Array.isArray(options.coalesceResetOn) ?
    options.coalesceResetOn.filter((e) => RESET_ON.includes(e)) : [];
  o.coalesceCache = o.coalesce ? new MemoryCache(options.coalesceSize) : null;
  Object.assign(view, {
    cacheTTL: o.cacheTTL, cacheGetKey: o.cacheGetKey,
    coalesce: o.coalesce, coalesceTTL: o.coalesceTTL,
    coalesceResetOn: o.coalesceResetOn,
  });
  if (o.cache) view.cacheTransport = o.cacheTransport;
  if (o.coalesce) view.coalesceCache = o.coalesceCache;
}

function restoredState(options) {
  if (options.state === undefined || options.state === null) return null;
  const s = validateObject(options.state, 'options.state',
    { optional: false });
  if (typeof s.state === 'string') { // offload's { state, openedAgo }
    validateOneOf(s.state, 'options.state.state', STATES);
    let openedAgo = 0;
    if (s.openedAgo !== undefined) {
      openedAgo = validateInteger(s.openedAgo, 'options.state.openedAgo', 0,
        Number.MAX_SAFE_INTEGER);
    }
    return { state: s.state, openedAgo, enabled: true, warmUp: false,
      shutdown: false };
  }
  // opossum's toJSON().state: closed unless closed === false; halfOpen
  // wins over open; lastTimerAt (epoch ms) dates the opening.
  let state = 'closed';
  if (s.closed === false) state = s.halfOpen ? 'halfOpen' : 'open';
  let openedAgo = 0;
  if (s.lastTimerAt !== undefined && s.lastTimerAt !== null) {
    const at = numeric(s.lastTimerAt, 'options.state.lastTimerAt');
    openedAgo = Math.max(0, Math.floor(Date.now() - at));
  }
  return { state, openedAgo, enabled: s.enabled !== false,
    warmUp: Boolean(s.warmUp), shutdown: Boolean(s.shutdown) };
}

/**
 * Validates `options`. Returns { o, view }: o the normalised copy the
 * breaker uses, view the `breaker.options` object (the caller's options
 * with opossum's defaults filled in). Throws.
 */
function normalize(options, actionName) {
  const given = validateObject(options, 'options');
  const o = Object.create(null);

  // timeout: false or 0 disables it; so does one no timer can hold.
  o.timeout = given.timeout === false ? 0 : num(given, 'timeout');
  if (o.timeout >= I32) o.timeout = 0;

  // opossum trips above the percentage, so anything >= 100 never trips on
  // it; a fraction rounds up (never earlier than opossum).
  o.errorThresholdPercentage = Math.min(100,
    Math.ceil(num(given, 'errorThresholdPercentage')));
  // 0 means the default, as in opossum's Status.
  const rollingCountTimeout = num(given, 'rollingCountTimeout');
  const rollingCountBuckets = num(given, 'rollingCountBuckets');
  if (!Number.isInteger(rollingCountBuckets) ||
      rollingCountBuckets > MAX_BUCKETS) {
    throw codes.ERR_OUT_OF_RANGE('options.rollingCountBuckets',
      `an integer >= 0 && <= ${MAX_BUCKETS}`, given.rollingCountBuckets);
  }
  o.rollingCountBuckets = rollingCountBuckets || DEFAULTS.rollingCountBuckets;
  // Buckets of floor(window / buckets) ms, at least 1, as opossum rotates.
  o.bucketMs = Math.min(Math.floor(U32 / o.rollingCountBuckets), Math.max(1,
    Math.floor((rollingCountTimeout || DEFAULTS.rollingCountTimeout) /
      o.rollingCountBuckets)));
  o.rollingCountTimeout = o.bucketMs * o.rollingCountBuckets;
  // opossum ignores a volumeThreshold or capacity that is not an integer.
  const vt = num(given, 'volumeThreshold');
  o.volumeThreshold = Number.isInteger(vt) ? Math.min(U32, vt) : 0;
  const cap = num(given, 'capacity');
  o.capacity = Number.isInteger(cap) ? cap : DEFAULTS.capacity;
  o.resetTimeout = num(given, 'resetTimeout');
  o.failureThreshold = int(given, 'failureThreshold', 0, U32);
  o.halfOpenMaxConcurrent = int(given, 'halfOpenMaxConcurrent', 1, I32);
  o.successThreshold = int(given, 'successThreshold', 1, U32);

  o.errorFilter = given.errorFilter ?? null;
  if (o.errorFilter !== null) {
    validateFunction(o.errorFilter, 'options.errorFilter');
  }
  o.clock = null;
  if (given.clock !== undefined) {
    o.clock = validateFunction(given.clock, 'options.clock');
  }

  o.explicitName = undefined;
  if (given.name !== undefined && given.name !== null && given.name !== '') {
    o.explicitName = validateString(given.name, 'options.name');
  }
  o.name = o.explicitName ?? (actionName || randomUUID());
  o.group = given.group ? String(given.group) : o.name;

  o.shared = false;
  if (given.shared !== undefined) {
    if (typeof given.shared !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('options.shared', 'of type boolean',
        given.shared);
    }
    if (given.shared && o.explicitName === undefined) {
      throw codes.ERR_INVALID_ARG_VALUE('options.shared', true,
        'requires options.name');
    }
    o.shared = given.shared;
  }
  if (o.shared && Buffer.byteLength(o.name) > 200) {
    throw codes.ERR_OUT_OF_RANGE('options.name',
      'a string of 1 to 200 bytes', o.name);
  }

  o.state = restoredState(given);
  o.enabled = o.state !== null ? o.state.enabled : given.enabled !== false;
  o.allowWarmUp = given.allowWarmUp === true ||
    (o.state !== null && o.state.warmUp);
  o.rollingPercentilesEnabled = given.rollingPercentilesEnabled !== false;
  o.enableSnapshots = given.enableSnapshots !== false;
  o.rotateBucketController = given.rotateBucketController ?? undefined;
  const rbc = o.rotateBucketController;
  if (rbc !== undefined && (rbc === null || typeof rbc.on !== 'function' ||
      typeof rbc.removeListener !== 'function')) {
    throw codes.ERR_INVALID_ARG_TYPE('options.rotateBucketController',
      'an EventEmitter', rbc);
  }
  o.status = given.status ?? null;

  let ac = given.abortController;
  o.autoRenewAbortController = given.autoRenewAbortController === true;
  if (o.autoRenewAbortController && !ac) ac = new AbortController();
  if (ac && typeof ac.abort !== 'function') {
    throw new TypeError('AbortController does not contain `abort()` method');
  }
  o.abortController = ac || null;
  if (given.maxFailures) console.error(DEPRECATED);

  // breaker.options: what the caller gave, opossum's defaults filled in.
  const view = Object.assign({}, given, {
    timeout: given.timeout ?? DEFAULTS.timeout,
    resetTimeout: given.resetTimeout ?? DEFAULTS.resetTimeout,
    errorThresholdPercentage: given.errorThresholdPercentage ??
      DEFAULTS.errorThresholdPercentage,
    rollingCountTimeout: given.rollingCountTimeout ??
      DEFAULTS.rollingCountTimeout,
    rollingCountBuckets: given.rollingCountBuckets ??
      DEFAULTS.rollingCountBuckets,
    rollingPercentilesEnabled: o.rollingPercentilesEnabled,
    capacity: o.capacity,
    errorFilter: o.errorFilter ?? noFilter,
    enableSnapshots: o.enableSnapshots,
    rotateBucketController: o.rotateBucketController,
  });
  if (o.abortController !== null) view.abortController = o.abortController;
  cacheOptions(given, o, view);
  return { o, view };
}

/** Fields of the native ofl_breaker_opts_t (timeout is call_timeout_ms). */
const NATIVE_FIELDS = 11;

/**
 * The native ofl_breaker_opts_t field order. `timeout` travels too: the
 * core never enforces it, but the registry compares it, so every thread
 * sharing a named breaker agrees on it. A capacity no int32 holds is
 * unlimited (0) natively.
 */
function toNative(o) {
  return new Uint32Array([o.errorThresholdPercentage, o.rollingCountTimeout,
    o.rollingCountBuckets, o.volumeThreshold, o.failureThreshold,
    ms32(o.resetTimeout), o.halfOpenMaxConcurrent, o.successThreshold,
    o.capacity >= I32 ? 0 : o.capacity, ms32(o.timeout),
    o.allowWarmUp ? o.rollingCountTimeout : 0]);
}

/** Inverse of toNative, for breakers another thread created. */
function fromNative(u) {
  return {
    errorThresholdPercentage: u[0], rollingCountTimeout: u[1],
    rollingCountBuckets: u[2], volumeThreshold: u[3], failureThreshold: u[4],
    resetTimeout: u[5], halfOpenMaxConcurrent: u[6], successThreshold: u[7],
    capacity: u[8] === 0 ? DEFAULTS.capacity : u[8], timeout: u[9],
    allowWarmUp: u[10] !== 0,
  };
}

module.exports = {
  DEFAULTS, STATES, NATIVE_FIELDS, normalize, toNative, fromNative,
};
