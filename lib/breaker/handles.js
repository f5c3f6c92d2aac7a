'use strict';
// This thread's named breakers, as the registry lists them. Kept apart from
// registry.js so that the class can record its handles without depending on
// the registry, which depends on the class.

// Shared breakers: one JS object per name per thread (the first this
// thread made, by get() or by `new CircuitBreaker(fn, { name, shared:
// true })`), each a handle on the one process-wide native breaker.
const byName = new Map();

// Named breakers that are not shared live in their thread only: listed by
// this thread's getAll() until shut down or collected (weakly held, so the
// registry never keeps one alive).
const local = new Set();

/** Called by the constructor of a named breaker that is not shared. */
function track(breaker) {
  local.add(new WeakRef(breaker));
}

/** Called by the constructor of a shared breaker. */
function adopt(breaker) {
  if (!byName.has(breaker.name)) byName.set(breaker.name, breaker);
}

/** Called by shutdown(): a later get() makes a fresh handle. */
function forget(breaker) {
  if (byName.get(breaker.name) === breaker) byName.delete(breaker.name);
}

/** This thread's handle on the shared breaker `name`, or undefined. */
function sharedHandle(name) {
  return byName.get(name);
}

/** This thread's live named breakers that are not shared, oldest first. */
function localBreakers() {
  const out = [];
  for (const ref of local) {
    const b = ref.deref();
    if (b === undefined || b._shut) local.delete(ref);
    else out.push(b);
  }
  return out;
}

module.exports = { track, adopt, forget, sharedHandle, localBreakers };
