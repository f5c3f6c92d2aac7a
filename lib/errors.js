'use strict';
// One factory per error code (DESIGN.md §6). Native code reports negative
// status numbers; fromStatus() maps them through the native table, so the
// mapping has a single source (src/core/common/ofl_errors.h).
const { inspect } = require('util');

function coded(Base, code, message, props) {
  const err = new Base(message);
  Object.defineProperty(err, 'code', {
    value: code, enumerable: true, writable: true, configurable: true,
  });
  if (props) Object.assign(err, props);
  return err;
}

// A Proxy or a throwing getter must not turn an argument error into a
// different, uncoded one.
function describe(value) {
  try {
    return describeValue(value);
  } catch {
    return ` Received type ${typeof value}`;
  }
}

function describeValue(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') {
    return ` Received function ${value.name || '<anonymous>'}`;
  }
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) {
      return ` Received an instance of ${value.constructor.name}`;
    }
    return ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

const mib = (n) => (n >= 2 ** 20 ? `${n / 2 ** 20} MiB` : `${n} bytes`);

const codes = {
  ERR_INVALID_ARG_TYPE: (name, expected, actual) => coded(TypeError,
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${name.includes('.') ? 'property' : 'argument'} must be ` +
    `${expected}.${describe(actual)}`),
  ERR_INVALID_ARG_VALUE: (name, value, reason = 'is invalid') => coded(
    TypeError, 'ERR_INVALID_ARG_VALUE',
    `The ${name.includes('.') ? 'property' : 'argument'} '${name}' ` +
    `${reason}. Received ${inspect(value)}`),
  ERR_OUT_OF_RANGE: (name, range, value) => coded(RangeError,
    'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. ` +
    `Received ${inspect(value)}`),
  ERR_INVALID_TRANSFER_OBJECT: (detail) => coded(TypeError,
    'ERR_INVALID_TRANSFER_OBJECT', `Found invalid object in transferList${
      detail ? `: ${detail}` : ''}`),
  ERR_BUFFER_TOO_LARGE: (max) => coded(RangeError, 'ERR_BUFFER_TOO_LARGE',
    `Cannot create a Buffer larger than ${max} bytes`),
  ERR_OFFLOAD_CORRUPT_DATA: (detail) => coded(Error,
    'ERR_OFFLOAD_CORRUPT_DATA',
    `Corrupt or truncated compressed data${detail ? `: ${detail}` : ''}`),
  ERR_OFFLOAD_WINDOW_TOO_LARGE: (limitLog, needed) => coded(Error,
    'ERR_OFFLOAD_WINDOW_TOO_LARGE', `The zstd frame needs a window of ${
      needed === undefined ? `more than ${mib(2 ** limitLog)}` : mib(needed)}, ` +
    `over the decoder's limit of ${mib(2 ** limitLog)} (maxWindowLog ` +
    `${limitLog}); raise maxWindowLog (up to 31) to decode it`,
  { windowLogMax: limitLog, windowSize: needed }),
  ERR_OFFLOAD_QUEUE_FULL: (max, what = 'The offload executor queue') =>
    coded(Error, 'ERR_OFFLOAD_QUEUE_FULL', `${what} is full${max ?
      ` (maxQueue ${max})` : max === 0 ?
      ' (maxQueue 0: no queue, and every worker is busy)' : ''}`),
  ERR_OFFLOAD_CLOSED: (what = 'The offload executor') => coded(Error,
    'ERR_OFFLOAD_CLOSED', `${what} is closed`),
  ERR_OFFLOAD_TASK_TIMEOUT: (ms) => coded(Error, 'ERR_OFFLOAD_TASK_TIMEOUT',
    `The task did not finish within its timeout${ms ? ` of ${ms} ms` : ''}`),
  ERR_OFFLOAD_WORKER_CRASHED: (detail, props) => coded(Error,
    'ERR_OFFLOAD_WORKER_CRASHED', `The worker crashed: ${detail}`, props),
  ERR_OFFLOAD_ALREADY_CONFIGURED: (detail) => coded(Error,
    'ERR_OFFLOAD_ALREADY_CONFIGURED',
    `offload.configure() cannot change the executor after first use: ${detail}`),
  ERR_INVALID_STATE: (msg) => coded(Error, 'ERR_INVALID_STATE', msg),
  ABORT_ERR: (reason) => {
    const err = coded(Error, 'ABORT_ERR', 'The operation was aborted',
      reason === undefined ? undefined : { cause: reason });
    err.name = 'AbortError';
    return err;
  },
  CIRCUIT_OPEN: () => coded(Error, 'CIRCUIT_OPEN', 'Breaker is open'),
  ETIMEDOUT: (ms) => coded(Error, 'ETIMEDOUT',
    `Timed out after ${ms}ms`),
  ESEMLOCKED: () => coded(Error, 'ESEMLOCKED', 'Semaphore locked'),
  EOPENBREAKER: () => coded(Error, 'EOPENBREAKER', 'Breaker is open'),
  ESHUTDOWN: () => coded(Error, 'ESHUTDOWN', 'The circuit has been shutdown.'),
};

let table = null; // native status → [code, message], loaded on first use

/** Turns a native status (negative) into a coded Error. */
function fromStatus(status, detail, ctx = {}) {
  if (table === null) table = require('./binding').errors;
  const [code, message] = table[status] || ['ERR_OFFLOAD_INTERNAL',
    `unknown native status ${status}`];
  switch (code) {
    case 'ABORT_ERR': return codes.ABORT_ERR(ctx.signal && ctx.signal.reason);
    case 'ERR_BUFFER_TOO_LARGE':
      return codes.ERR_BUFFER_TOO_LARGE(ctx.maxOutputLength);
    case 'ERR_OFFLOAD_CORRUPT_DATA':
      return codes.ERR_OFFLOAD_CORRUPT_DATA(detail);
    case 'ERR_OFFLOAD_WINDOW_TOO_LARGE':
      return codes.ERR_OFFLOAD_WINDOW_TOO_LARGE(ctx.windowLogMax,
        ctx.windowSize && ctx.windowSize());
    case 'ERR_OFFLOAD_QUEUE_FULL': return codes.ERR_OFFLOAD_QUEUE_FULL();
    case 'ERR_OFFLOAD_TASK_TIMEOUT':
      return codes.ERR_OFFLOAD_TASK_TIMEOUT(ctx.timeout);
    case 'ERR_OFFLOAD_CLOSED': return codes.ERR_OFFLOAD_CLOSED();
    case 'CIRCUIT_OPEN': return codes.CIRCUIT_OPEN();
    case 'ESEMLOCKED': return codes.ESEMLOCKED();
    default: {
      const Base = code === 'ERR_OUT_OF_RANGE' ? RangeError : Error;
      return coded(Base, code, detail ? `${message}: ${detail}` : message);
    }
  }
}

/**
 * What a promise API rejects with when reading an argument threw (a Proxy
 * trap, a getter): a coded error carrying the original as `cause`.
 */
function unreadable(err, name) {
  if (err !== null && typeof err === 'object' && typeof err.code === 'string') {
    return err;
  }
  const e = codes.ERR_INVALID_ARG_VALUE(name, '<unreadable>',
    `threw while it was read (${err && err.message})`);
  e.cause = err;
  return e;
}

module.exports = { codes, fromStatus, coded, unreadable };
