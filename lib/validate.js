'use strict';
// Argument validation: one function per shape, each throwing the coded
// error Node core would (TypeError for a type, RangeError for a range).
const { codes, unreadable } = require('./errors');

function validateObject(value, name, { optional = true } = {}) {
  if (value === undefined && optional) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type object', value);
  }
  // Own properties only, into a null-prototype copy: nothing set on
  // Object.prototype reaches an option, and a Proxy's trap or a throwing
  // getter fails here, as a coded argument error.
  try {
    return Object.assign(Object.create(null), value);
  } catch (err) {
    throw unreadable(err, name);
  }
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

const getter = (proto, key) => {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  return d === undefined ? undefined : d.get;
};
const TA = Object.getPrototypeOf(Uint8Array.prototype);
const TA_BUFFER = getter(TA, 'buffer');
const TA_OFFSET = getter(TA, 'byteOffset');
const TA_LENGTH = getter(TA, 'byteLength');
const DV_BUFFER = getter(DataView.prototype, 'buffer');
const DV_OFFSET = getter(DataView.prototype, 'byteOffset');
const DV_LENGTH = getter(DataView.prototype, 'byteLength');
const AB_RESIZABLE = getter(ArrayBuffer.prototype, 'resizable');
// Brand checks: a prototype swapped or faked cannot pass for a view.
const { isTypedArray, isDataView } = require('util').types;
const detached = (name) =>
  codes.ERR_INVALID_STATE(`The "${name}" argument's buffer is detached`);

/**
 * Returns a fresh Uint8Array over the bytes of binary input (Buffer,
 * TypedArray, DataView, ArrayBuffer, SharedArrayBuffer), or throws a coded
 * error. Offsets and lengths come from the intrinsic getters, as native
 * code reads them, so an own `byteLength` that lies, a Proxy or a
 * prototype-only object can never disagree with what native code sees. A
 * resizable ArrayBuffer is copied: it could shrink under a running task.
 * Strings are left to the caller (pass allowString to get them back).
 */
function toBytes(value, name, { allowString = false } = {}) {
  if (allowString && typeof value === 'string') return value;
  let buffer;
  let offset = 0;
  let length;
  try {
    if (isTypedArray(value)) {
      buffer = TA_BUFFER.call(value);
      offset = TA_OFFSET.call(value);
      length = TA_LENGTH.call(value);
    } else if (isDataView(value)) {
      buffer = DV_BUFFER.call(value);
      offset = DV_OFFSET.call(value);
      length = DV_LENGTH.call(value);
    } else if (value instanceof ArrayBuffer ||
        (typeof SharedArrayBuffer !== 'undefined' &&
         value instanceof SharedArrayBuffer)) {
      buffer = value;
    }
  } catch {
    throw detached(name); // a DataView's getters throw once it is detached
  }
  if (buffer === undefined) {
    throw codes.ERR_INVALID_ARG_TYPE(name, allowString ? BYTES :
      BYTES.replace('of type string or ', ''), value);
  }
  let view;
  try {
    view = length === undefined ? new Uint8Array(buffer) :
      new Uint8Array(buffer, offset, length);
  } catch {
    throw detached(name);
  }
  return isResizable(buffer) ? view.slice() : view;
}

/** True for a resizable ArrayBuffer (Node 20+): it can shrink mid-call. */
function isResizable(buffer) {
  return AB_RESIZABLE !== undefined && buffer instanceof ArrayBuffer &&
    AB_RESIZABLE.call(buffer);
}

/** The byte length of a view as native code sees it; -1 if not a view. */
function viewByteLength(value) {
  if (isTypedArray(value)) return TA_LENGTH.call(value);
  if (isDataView(value)) {
    try {
      return DV_LENGTH.call(value);
    } catch {
      return 0; // detached: toBytes reports it
    }
  }
  return -1;
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
  validateString, validateOneOf, validateAbortSignal, listenAbort, toBytes,
  viewByteLength, isResizable, taskOptions,
};
