'use strict';
// WorkerPool.move(): mark a buffer to be transferred, not copied (piscina's
// Piscina.move). Only a task's or a result's top-level value is looked at.
const { MessagePort } = require('worker_threads');
const { codes } = require('../errors');
const { MOVE } = require('./control');

function wrap(value, transfer) {
  return Object.freeze({ [MOVE]: true, value, transfer });
}

/**
 * @example pool.run(WorkerPool.move(new Float64Array(1 << 20)))
 * A SharedArrayBuffer (or a view of one) is returned as is: it is shared,
 * never copied.
 */
function move(value) {
  if (value instanceof ArrayBuffer) return wrap(value, value);
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) return wrap(value, value.buffer);
    return value; // over a SharedArrayBuffer
  }
  if (value instanceof SharedArrayBuffer) return value;
  if (value instanceof MessagePort) return wrap(value, value);
  throw codes.ERR_INVALID_ARG_TYPE('value', 'an instance of ArrayBuffer, ' +
    'TypedArray, DataView, SharedArrayBuffer or MessagePort', value);
}

/** A moved value's payload; its transferable is pushed onto `list`. */
function unwrap(value, list) {
  if (value !== null && typeof value === 'object' && value[MOVE] === true) {
    list.push(value.transfer);
    return value.value;
  }
  return value;
}

module.exports = { move, unwrap };
