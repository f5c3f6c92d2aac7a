'use strict';
// diagnostics_channel tracing channels, as Node core's own: one per
// module ('offload:hash', 'offload:codec', 'offload:image', 'offload:pool',
// 'offload:breaker'), each with start/end/asyncStart/asyncEnd/error. The
// context is { operation, arguments }; tracePromise adds `result` or
// `error`. With no subscriber a call costs one check of five booleans.
const dc = require('diagnostics_channel');

function subscribed(tc) {
  return tc.start.hasSubscribers || tc.end.hasSubscribers ||
    tc.asyncStart.hasSubscribers || tc.asyncEnd.hasSubscribers ||
    tc.error.hasSubscribers;
}

function named(traced, fn) {
  Object.defineProperty(traced, 'name', { value: fn.name });
  Object.defineProperty(traced, 'length', { value: fn.length });
  return traced;
}

/** `fn`, a promise API, published on offload:<module> while subscribed. */
function tracePromise(module, operation, fn) {
  const tc = dc.tracingChannel(`offload:${module}`);
  // fn.apply(this, arguments) allocates nothing (V8 forwards the frame's
  // arguments); a rest parameter would copy them on every call.
  return named(function traced() {
    if (!subscribed(tc)) return fn.apply(this, arguments);
    const args = Array.from(arguments);
    return tc.tracePromise(fn, { operation, arguments: args }, this, ...args);
  }, fn);
}

/** The same for a synchronous API. */
function traceSync(module, operation, fn) {
  const tc = dc.tracingChannel(`offload:${module}`);
  return named(function traced() {
    if (!subscribed(tc)) return fn.apply(this, arguments);
    const args = Array.from(arguments);
    return tc.traceSync(fn, { operation, arguments: args }, this, ...args);
  }, fn);
}

/**
 * Replaces the promise-returning method `name` of `proto` with its traced
 * form (a class's own methods, for the pool and the breaker).
 */
function traceMethod(module, proto, name, operation = name) {
  const fn = proto[name];
  Object.defineProperty(proto, name, {
    value: tracePromise(module, operation, fn),
    writable: true,
    configurable: true,
  });
}

module.exports = { tracePromise, traceSync, traceMethod, subscribed };
