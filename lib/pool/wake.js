'use strict';
// How completions wake the pool's thread (the thread that made the pool):
// 'atomics', one Atomics.waitAsync on the pool's done word, or 'async', a
// native uv_async_t on that thread's loop (src/napi/pool_binding.c) that
// the workers signal by id. The mode comes from OFFLOAD_POOL_WAKE, read
// when a pool is made (internal; docs/api.md). Both share the done word:
// [0] counts results written, [1] is 1 while the pool thread waits on the
// native handle (armed); a worker that bumps [0] and takes the 1 signals
// the handle, so a busy pool thread is not woken once per result.
const { coded } = require('../errors');

// Loaded on first use: a worker of an 'atomics' pool never loads the addon.
let binding = null;
const native = () => binding || (binding = require('../binding'));

const MODES = ['async', 'atomics'];
const DEFAULT_MODE = 'async'; // measured: docs/benchmarks.md
const DONE = 0;
const ARMED = 1;

/** The wake mode for a pool made now. Throws on an unknown value. */
function wakeMode() {
  const v = process.env.OFFLOAD_POOL_WAKE;
  if (v === undefined || v === '') return DEFAULT_MODE;
  if (!MODES.includes(v)) {
    throw coded(RangeError, 'ERR_INVALID_ARG_VALUE',
      `The OFFLOAD_POOL_WAKE environment variable must be 'async' or ` +
      `'atomics'. Received '${v}'`);
  }
  return v;
}

// A pool dropped without close() or destroy(): its handle closes once the
// pool is collected (and in any case at the env's teardown, natively).
const collected = new FinalizationRegistry((id) => native().poolWakeClose(id));

/**
 * Opens the native handle for `pool`; `drain` runs on each wake. The
 * handle holds `drain` only through a WeakRef to the pool, so an
 * abandoned pool can still be collected. Returns its id (> 0).
 */
function openWake(pool, drain) {
  const ref = new WeakRef(pool);
  const id = native().poolWakeOpen(() => {
    const p = ref.deref();
    if (p !== undefined) drain.call(p);
  });
  collected.register(pool, id, pool);
  return id;
}

/** Closes `pool`'s native handle `id` (idempotent). */
function closeWake(pool, id) {
  collected.unregister(pool);
  native().poolWakeClose(id);
}

/** The addon's file, for a worker to load as is (or undefined). */
const addonFile = () => native().file;

/**
 * Worker side: the function that signals handle `id`. `file` is the addon
 * the pool thread loaded (resolved and checked there already).
 */
function signaller(id, file) {
  const signal = (file === undefined ? native() : require(file))
    .poolWakeSignal;
  return () => signal(id);
}

module.exports = {
  wakeMode, openWake, closeWake, signaller, addonFile, DONE, ARMED, MODES,
};
