'use strict';
// CircuitBreaker options: defaults in one frozen object, then one block per
// option, each with one error format (tests assert the exact messages).
const { codes } = require('../errors');
const {
  validateObject, validateInteger, validateFunction, validateString,
  validateOneOf,
} = require('../validate');

const U32 = 2 ** 32 - 1;
const I32 = 2 ** 31 - 1;

/** opossum's defaults, except where the issue says otherwise. */
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
  capacity: 0,
});

const STATES = ['closed', 'open', 'halfOpen'];

function int(options, key, min, max) {
  const v = options[key];
  if (v === undefined) return DEFAULTS[key];
  return validateInteger(v, `options.${key}`, min, max);
}

/** Validates `options`; returns a plain normalised copy. Throws. */
function normalize(options) {
  options = validateObject(options, 'options');
  const o = {};

  // timeout: 0 or false disables it (opossum accepts false).
  if (options.timeout === false) o.timeout = 0;
  else o.timeout = int(options, 'timeout', 0, I32);

  o.errorThresholdPercentage = int(options, 'errorThresholdPercentage', 0,
    100);
  o.rollingCountTimeout = int(options, 'rollingCountTimeout', 1, U32);
  o.rollingCountBuckets = int(options, 'rollingCountBuckets', 1, 1024);
  if (o.rollingCountTimeout % o.rollingCountBuckets !== 0) {
    throw codes.ERR_INVALID_ARG_VALUE('options.rollingCountBuckets',
      o.rollingCountBuckets,
      `must divide options.rollingCountTimeout (${o.rollingCountTimeout})`);
  }
  o.volumeThreshold = int(options, 'volumeThreshold', 0, U32);
  o.failureThreshold = int(options, 'failureThreshold', 0, U32);
  o.resetTimeout = int(options, 'resetTimeout', 0, U32);
  o.halfOpenMaxConcurrent = int(options, 'halfOpenMaxConcurrent', 1, I32);
  o.successThreshold = int(options, 'successThreshold', 1, U32);
  o.capacity = int(options, 'capacity', 0, I32);

  o.errorFilter = options.errorFilter === undefined ? null :
    validateFunction(options.errorFilter, 'options.errorFilter');

  o.clock = null;
  if (options.clock !== undefined) {
    validateFunction(options.clock, 'options.clock');
    o.clock = options.clock;
  }

  o.name = undefined;
  if (options.name !== undefined) {
    validateString(options.name, 'options.name');
    const bytes = Buffer.byteLength(options.name);
    if (bytes === 0 || bytes > 200) {
      throw codes.ERR_OUT_OF_RANGE('options.name',
        'a string of 1 to 200 bytes', options.name);
    }
    o.name = options.name;
  }

  o.shared = false;
  if (options.shared !== undefined) {
    if (typeof options.shared !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('options.shared', 'of type boolean',
        options.shared);
    }
    if (options.shared && o.name === undefined) {
      throw codes.ERR_INVALID_ARG_VALUE('options.shared', true,
        'requires options.name');
    }
    o.shared = options.shared;
  }

  o.state = null;
  if (options.state !== undefined) {
    const s = validateObject(options.state, 'options.state',
      { optional: false });
    validateOneOf(s.state, 'options.state.state', STATES);
    let openedAgo = 0;
    if (s.openedAgo !== undefined) {
      openedAgo = validateInteger(s.openedAgo, 'options.state.openedAgo', 0,
        Number.MAX_SAFE_INTEGER);
    }
    o.state = { state: s.state, openedAgo };
  }
  return o;
}

/** Fields of the native ofl_breaker_opts_t (timeout is call_timeout_ms). */
const NATIVE_FIELDS = 10;

/**
 * The native ofl_breaker_opts_t field order. `timeout` travels too: the
 * core never enforces it, but the registry compares it, so every thread
 * sharing a named breaker agrees on it.
 */
function toNative(o) {
  return new Uint32Array([o.errorThresholdPercentage, o.rollingCountTimeout,
    o.rollingCountBuckets, o.volumeThreshold, o.failureThreshold,
    o.resetTimeout, o.halfOpenMaxConcurrent, o.successThreshold, o.capacity,
    o.timeout]);
}

/** Inverse of toNative, for breakers another thread created. */
function fromNative(u) {
  return {
    errorThresholdPercentage: u[0], rollingCountTimeout: u[1],
    rollingCountBuckets: u[2], volumeThreshold: u[3], failureThreshold: u[4],
    resetTimeout: u[5], halfOpenMaxConcurrent: u[6], successThreshold: u[7],
    capacity: u[8], timeout: u[9],
  };
}

module.exports = {
  DEFAULTS, STATES, NATIVE_FIELDS, normalize, toNative, fromNative,
};
