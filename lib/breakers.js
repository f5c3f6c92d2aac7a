'use strict';
// The registry of shared breakers, as this thread sees it: one JS object
// per name per thread (the first this thread made, by get() or by
// `new CircuitBreaker(fn, { name, shared: true })`), each a handle on the
// one process-wide native breaker of that name.
const { breaker: native } = require('./binding');
const { codes } = require('./errors');
const { validateString, validateObject } = require('./validate');
const {
  NATIVE_FIELDS, normalize, toNative, fromNative,
} = require('./breaker_options');

const byName = new Map();

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
  const { CircuitBreaker } = require('./breaker');
  const known = byName.get(name);
  if (known !== undefined) {
    if (options !== undefined) {
      const want = toNative(normalize({ ...options, name, shared: true }));
      const have = toNative(known._opts);
      if (want.some((v, i) => v !== have[i])) throw conflict(name);
    }
    return known;
  }
  if (options === undefined) options = storedOptions(name) || {};
  // Registers itself in byName (_adopt); the native registry throws on a
  // conflict with another thread's options.
  return new CircuitBreaker(undefined, { ...options, name, shared: true });
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
  const out = [];
  for (const ref of local) {
    const b = ref.deref();
    if (b === undefined || b._shut) local.delete(ref);
    else out.push(b);
  }
  for (const name of native.names().sort()) {
    let b = byName.get(name);
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

// Named breakers that are not shared live in their thread only: listed by
// this thread's getAll() until shut down or collected (weakly held, so the
// registry never keeps one alive).
const local = new Set();

/** Called by the constructor of a named breaker that is not shared. */
function _track(breaker) {
  local.add(new WeakRef(breaker));
}

/** Called by the constructor of a shared breaker. */
function _adopt(breaker) {
  if (!byName.has(breaker.name)) byName.set(breaker.name, breaker);
}

/** Called by shutdown(): a later get() makes a fresh handle. */
function _forget(breaker) {
  if (byName.get(breaker.name) === breaker) byName.delete(breaker.name);
}

module.exports = { get, getAll, _adopt, _forget, _track };
