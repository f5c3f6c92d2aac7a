'use strict';
// WorkerPool.move(): mark a value to be transferred, not copied (piscina's
// Piscina.move and its Transferable protocol). A Transferable is an object
// with [transferableSymbol] (what goes in the transfer list) and
// [valueSymbol] (what arrives); the symbols are the registered ones piscina
// uses, so an object written for piscina works here. Only a task's or a
// result's top-level value is looked at.
const { MessagePort } = require('worker_threads');
const { codes } = require('../errors');
const { MOVE } = require('./control');

const TRANSFERABLE = Symbol.for('Piscina.transferable');
const VALUE = Symbol.for('Piscina.valueOf');

const isObject = (v) => v !== null && typeof v === 'object';

function isTransferable(value) {
  return isObject(value) && TRANSFERABLE in value && VALUE in value;
}

/** A Transferable that move() has marked. */
function isMovable(value) {
  return isTransferable(value) && value[MOVE] === true;
}

function markMovable(value) {
  Object.defineProperty(value, MOVE, {
    value: true, writable: true, configurable: true, enumerable: false,
  });
}

function wrap(value, transfer) {
  const w = { [TRANSFERABLE]: transfer, [VALUE]: value };
  markMovable(w);
  return Object.freeze(w);
}

/**
 * @example pool.run(WorkerPool.move(new Float64Array(1 << 20)))
 * A primitive, a SharedArrayBuffer or a view of one is returned as is: it
 * is copied or shared, never transferred.
 */
function move(value) {
  if (!isObject(value)) return value;
  if (isTransferable(value)) {
    markMovable(value);
    return value;
  }
  if (value instanceof ArrayBuffer) return wrap(value, value);
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) return wrap(value, value.buffer);
    return value; // over a SharedArrayBuffer
  }
  if (value instanceof SharedArrayBuffer) return value;
  if (value instanceof MessagePort) return wrap(value, value);
  throw codes.ERR_INVALID_ARG_TYPE('value', 'an instance of ArrayBuffer, ' +
    'TypedArray, DataView, SharedArrayBuffer or MessagePort, a ' +
    'Transferable, or a primitive', value);
}

/** A moved value's payload; its transferable is pushed onto `list`. */
function unwrap(value, list) {
  if (!isMovable(value)) return value;
  const t = value[TRANSFERABLE];
  if (Array.isArray(t)) list.push(...t);
  else list.push(t);
  return value[VALUE];
}

module.exports = {
  move, unwrap, isMovable, markMovable, isTransferable, TRANSFERABLE, VALUE,
};
