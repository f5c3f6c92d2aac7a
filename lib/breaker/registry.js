'use strict';
// The registry of breakers by name: get() and getAll(), and
// CircuitBreaker.shared(). It depends on the class, never the reverse: the
// class records its handles in handles.js.
const { breaker: native } = require('../binding');
const { codes } = require('../errors');
const { validateString, validateObject } = require('../validate');
const {
  NATIVE_FIELDS, normalize, toNative, fromNative,
} = require('./options');
const { CircuitBreaker } = require('./circuit_breaker');
const { sharedHandle, localBreakers } = require('./handles');

function conflict(name) {
  return codes.ERR_INVALID_ARG_VALUE('options', name,
    'conflicts with the options of the existing shared breaker ' +
    `"${name}"`);
}

/** The exact options of the existing native breaker `name`, or null. */
function storedOptions(name) {
  const h = native.find(name);
  if (typeof h === 'number') return null;
  const u32 = new Uint32Array(NATIVE_FIELDS);
  native.opts(h, u32);
  native.close(h); // a look only: hold no reference until GC
  return fromNative(u32);
}

/**
 * The process-wide breaker `name`, created with `options` by the first
 * caller in any thread. A later call (any thread) whose options differ
 * throws ERR_INVALID_ARG_VALUE; without `options` an existing breaker is
 * returned as it is (a lookup), and a missing one is made with the
 * defaults. `errorFilter` and `clock` are functions and belong to this
 * thread's handle only: they are neither shared nor compared.
 * @example const db = offload.breakers.get('db', { resetTimeout: 5000 });
 */
function get(name, options) {
  validateString(name, 'name');
  if (options !== undefined) validateObject(options, 'options');
  const known = sharedHandle(name);
  if (known !== undefined) {
    if (options !== undefined) {
      const want = toNative(normalize({ ...options, name, shared: true }).o);
      const have = toNative(known._opts);
      if (want.some((v, i) => v !== have[i])) throw conflict(name);
    }
    return known;
  }
  if (options === undefined) options = storedOptions(name) || {};
  // Registers itself in byName (_adopt); the native registry throws on a
  // conflict with another thread's options.
  return new CircuitBreaker(null, { ...options, name, shared: true });
}

/**
 * This thread's named breakers that are not shared (in creation order),
 * then every shared breaker of the process, including those only other
 * threads hold (this thread then keeps a handle on them, with their exact
 * options, as get(name) would).
 * @example app.get('/health', (req, res) =>
 *   res.json(offload.breakers.getAll().map((b) => ({ name: b.name, ...b.status }))));
 */
function getAll() {
  const out = localBreakers();
  for (const name of native.names().sort()) {
    let b = sharedHandle(name);
    if (b === undefined) {
      const options = storedOptions(name);
      if (options === null) continue; // released meanwhile
      try {
        b = get(name, options);
      } catch {
        continue; // released and re-made with other options meanwhile
      }
    }
    out.push(b);
  }
  return out;
}

/** The process-wide breaker `name`, one JS object per thread. */
Object.defineProperty(CircuitBreaker, 'shared', {
  value: function shared(name, options) {
    return get(name, options);
  },
  writable: true,
  configurable: true,
});

module.exports = { get, getAll };
