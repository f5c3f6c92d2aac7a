'use strict';
// Argument validation: one function per shape, each throwing the coded
// error Node core would (TypeError for a type, RangeError for a range).
const { codes } = require('./errors');

function validateObject(value, name, { optional = true } = {}) {
  if (value === undefined && optional) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type object', value);
  }
  return value;
}

function validateInteger(value, name, min, max) {
  if (typeof value !== 'number') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number', value);
  }
  if (!Number.isInteger(value)) {
    throw codes.ERR_OUT_OF_RANGE(name, 'an integer', value);
  }
  if (value < min || value > max) {
    throw codes.ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
  }
  return value;
}

function validateNumber(value, name, min, max) {
  if (typeof value !== 'number') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number', value);
  }
  if (!(value >= min && value <= max)) {
    throw codes.ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
  }
  return value;
}

function validateFunction(value, name) {
  if (typeof value !== 'function') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type function', value);
  }
  return value;
}

function validateString(value, name) {
  if (typeof value !== 'string') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type string', value);
  }
  return value;
}

function validateOneOf(value, name, allowed) {
  if (!allowed.includes(value)) {
    throw codes.ERR_INVALID_ARG_VALUE(name, value,
      `must be one of: ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value;
}

function validateAbortSignal(signal, name = 'options.signal') {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'an instance of AbortSignal',
      signal);
  }
  return signal;
}

/**
 * Calls `listener` once when `signal` aborts. Returns a remover that never
 * throws: it runs in completion callbacks, where a signal-like object whose
 * removeEventListener is missing or throws must not reach the top level.
 */
function listenAbort(signal, listener) {
  signal.addEventListener('abort', listener, { once: true });
  return () => {
    try {
      signal.removeEventListener('abort', listener);
    } catch (err) {
      process.emitWarning(`offload: removing an abort listener failed: ${
        err && err.message}`, { code: 'OFFLOAD_ABORT_LISTENER' });
    }
  };
}

const BYTES = 'of type string or an instance of Buffer, TypedArray, ' +
  'DataView, ArrayBuffer or SharedArrayBuffer';

/**
 * Returns a native-readable view of binary input (Buffer, TypedArray,
 * DataView, ArrayBuffer, SharedArrayBuffer), or throws. Strings are left
 * to the caller (pass allowString to get them back unchanged).
 */
function toBytes(value, name, { allowString = false } = {}) {
  if (ArrayBuffer.isView(value)) return value;
  if (value instanceof ArrayBuffer) return value;
  if (typeof SharedArrayBuffer !== 'undefined' &&
      value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (allowString && typeof value === 'string') return value;
  throw codes.ERR_INVALID_ARG_TYPE(name, allowString ? BYTES :
    BYTES.replace('of type string or ', ''), value);
}

const LANES = { high: 0, normal: 1, low: 2 };

/** Reads the options every async API shares: signal, priority, timeout. */
function taskOptions(options) {
  const signal = validateAbortSignal(options.signal);
  let lane = 1;
  if (options.priority !== undefined) {
    validateOneOf(options.priority, 'options.priority', Object.keys(LANES));
    lane = LANES[options.priority];
  }
  let timeout = 0;
  if (options.timeout !== undefined) {
    timeout = validateNumber(options.timeout, 'options.timeout', 0, 2 ** 31);
  }
  return { signal, lane, timeout };
}

module.exports = {
  validateObject, validateInteger, validateNumber, validateFunction,
  validateString, validateOneOf, validateAbortSignal, listenAbort, toBytes, taskOptions,
};
