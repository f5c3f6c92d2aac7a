'use strict';
// The registry of shared breakers, as this thread sees it: one JS object
// per name per thread, each a handle on the one process-wide native
// breaker of that name.
const { breaker: native } = require('./binding');
const { codes } = require('./errors');
const { validateString, validateObject } = require('./validate');
const { fromNative } = require('./breaker_options');

const byName = new Map();

/**
 * The process-wide breaker `name`, created with `options` by the first
 * caller in any thread. A later call with conflicting options throws.
 * @example const db = offload.breakers.get('db', { resetTimeout: 5000 });
 */
function get(name, options) {
  validateString(name, 'name');
  validateObject(options, 'options');
  const { CircuitBreaker } = require('./breaker');
  const known = byName.get(name);
  if (known !== undefined) {
    // Native options are checked by the registry; check the JS-only one.
    const probe = new CircuitBreaker(undefined,
      { ...options, name, shared: true });
    const conflict = probe._opts.timeout !== known._opts.timeout;
    probe.shutdown();
    if (conflict) {
      throw codes.ERR_INVALID_ARG_VALUE('options', name,
        'conflicts with the options of the existing shared breaker ' +
        `"${name}"`);
    }
    return known;
  }
  const breaker = new CircuitBreaker(undefined,
    { ...options, name, shared: true });
  byName.set(name, breaker);
  return breaker;
}

/**
 * Every named breaker of the process, including those only other threads
 * hold (this thread then keeps a handle on them, with their options).
 * @example app.get('/health', (req, res) =>
 *   res.json(offload.breakers.getAll().map((b) => ({ name: b.name, ...b.status }))));
 */
function getAll() {
  const out = [];
  const u32 = new Uint32Array(9);
  for (const name of native.names().sort()) {
    let b = byName.get(name);
    if (b === undefined) {
      const h = native.find(name);
      if (typeof h === 'number') continue; // released meanwhile
      native.opts(h, u32);
      try {
        b = get(name, fromNative(u32));
      } catch {
        continue;
      }
    }
    out.push(b);
  }
  return out;
}

/** Called by shutdown(): a later get() makes a fresh handle. */
function _forget(breaker) {
  if (byName.get(breaker.name) === breaker) byName.delete(breaker.name);
}

module.exports = { get, getAll, _forget };
