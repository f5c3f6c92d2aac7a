'use strict';
// The breaker module's face: the class, the registry of named breakers, and
// (for offload's shed gate and the pool's guard) the outcome and state
// constants that feed a breaker from outside a call. fire(), call() and
// execute() are traced on offload:breaker.
const { traceMethod } = require('../tracing');
const { CircuitBreaker } = require('./circuit_breaker');
const { get, getAll } = require('./registry');
const state = require('./state');
const { Status } = require('./status');
const { MemoryCache } = require('./cache');

for (const m of ['fire', 'call', 'execute']) {
  if (typeof CircuitBreaker.prototype[m] === 'function') {
    traceMethod('breaker', CircuitBreaker.prototype, m);
  }
}

module.exports = { CircuitBreaker, Status, MemoryCache, get, getAll, state };
