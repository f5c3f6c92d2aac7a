'use strict';
// A value thrown by a task, across the thread boundary. Structured clone
// keeps an Error's message and stack but drops `code` and other own
// properties, so errors travel as plain records and are rebuilt here.

const CTORS = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError,
  URIError,
};
const KNOWN = ['code', 'errno', 'syscall', 'path'];
const MAX_CAUSES = 4;

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

/** Worker side: a thrown value as something postMessage can carry. */
function toWire(value, depth = 0) {
  if (!(value instanceof Error)) {
    return { error: false, value: cloneable(value) ? value : String(value) };
  }
  const props = {};
  for (const key of new Set([...Object.keys(value), ...KNOWN])) {
    if (key === 'cause' || key === 'message' || key === 'stack' ||
        key === 'name') continue;
    const v = value[key];
    if (v !== undefined && cloneable(v)) props[key] = v;
  }
  const wire = {
    error: true, name: String(value.name), message: String(value.message),
    stack: value.stack, props,
  };
  if (value.cause !== undefined && depth < MAX_CAUSES) {
    wire.cause = toWire(value.cause, depth + 1);
  }
  return wire;
}

/** Main side: the thrown value again, an Error with its name and code. */
function fromWire(wire) {
  if (!wire.error) return wire.value;
  const Ctor = Object.hasOwn(CTORS, wire.name) ? CTORS[wire.name] : Error;
  const err = new Ctor(wire.message);
  if (err.name !== wire.name) {
    Object.defineProperty(err, 'name', {
      value: wire.name, writable: true, configurable: true,
    });
  }
  err.stack = wire.stack;
  Object.assign(err, wire.props);
  if (wire.cause !== undefined) err.cause = fromWire(wire.cause);
  return err;
}

module.exports = { toWire, fromWire };
