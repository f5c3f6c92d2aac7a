'use strict';
// A value thrown by a task, across the thread boundary. Structured clone
// keeps an Error's message and stack but drops `code` and other own
// properties, so errors travel as plain records and are rebuilt here.
// Reading a thrown value runs user code (getters, Proxy traps): whatever
// goes wrong while it is read becomes a DataCloneError, never a crash.

const CTORS = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError,
  URIError, AggregateError,
};
const KNOWN = ['code', 'errno', 'syscall', 'path'];
const MAX_CAUSES = 4;
const MAX_ERRORS = 1000;

function cloneable(value) {
  if (value === null || typeof value !== 'object') {
    return typeof value !== 'function' && typeof value !== 'symbol';
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function dataCloneError(detail) {
  return new DOMException(`The thrown value could not be cloned: ${detail}`,
    'DataCloneError');
}

function errorWire(value, depth) {
  const props = {};
  for (const key of new Set([...Object.keys(value), ...KNOWN])) {
    if (key === 'cause' || key === 'message' || key === 'stack' ||
        key === 'name' || key === 'errors') continue;
    const v = value[key];
    if (v !== undefined && cloneable(v)) props[key] = v;
  }
  const stack = value.stack;
  const wire = {
    error: true, name: String(value.name), message: String(value.message),
    stack: typeof stack === 'string' ? stack : undefined, props,
  };
  if (value.cause !== undefined && depth < MAX_CAUSES) {
    wire.cause = nested(value.cause, depth + 1);
  }
  const errors = Object.hasOwn(value, 'errors') ? value.errors : undefined;
  if (Array.isArray(errors) && depth < MAX_CAUSES) {
    wire.errors = errors.slice(0, MAX_ERRORS)
      .map((e) => nested(e, depth + 1));
  }
  return wire;
}

function encode(value, depth) {
  if (value instanceof Error) return errorWire(value, depth);
  if (cloneable(value)) return { error: false, value };
  throw dataCloneError(`${typeof value} is not cloneable`);
}

// A cause or an AggregateError entry that cannot be read stands alone as a
// DataCloneError; the error around it still arrives.
function nested(value, depth) {
  try {
    return encode(value, depth);
  } catch (err) {
    return errorWire(asCloneError(err), MAX_CAUSES);
  }
}

function asCloneError(err) {
  return err instanceof DOMException && err.name === 'DataCloneError' ?
    err : dataCloneError(describe(err));
}

/** Worker side: a thrown value as something postMessage can carry. */
function toWire(value) {
  try {
    return encode(value, 0);
  } catch (err) {
    return errorWire(asCloneError(err), MAX_CAUSES);
  }
}

// What went wrong while reading, without running more user code.
function describe(err) {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return typeof err;
  } catch {
    return 'reading it threw';
  }
}

/** Main side: the thrown value again, an Error with its name and code. */
function fromWire(wire) {
  if (!wire.error) return wire.value;
  const Ctor = Object.hasOwn(CTORS, wire.name) ? CTORS[wire.name] : Error;
  const err = Ctor === AggregateError ?
    new AggregateError((wire.errors || []).map(fromWire), wire.message) :
    new Ctor(wire.message);
  if (err.name !== wire.name) {
    Object.defineProperty(err, 'name', {
      value: wire.name, writable: true, configurable: true,
    });
  }
  err.stack = wire.stack;
  Object.assign(err, wire.props);
  if (wire.cause !== undefined) err.cause = fromWire(wire.cause);
  if (wire.errors !== undefined && Ctor !== AggregateError) {
    Object.defineProperty(err, 'errors', {
      value: wire.errors.map(fromWire), writable: true, configurable: true,
    });
  }
  return err;
}

module.exports = { toWire, fromWire };
