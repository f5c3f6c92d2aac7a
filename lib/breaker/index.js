'use strict';
// The breaker module's face: the class, the registry of named breakers, and
// (for offload's shed gate and the pool's guard) the outcome and state
// constants that feed a breaker from outside a call. fire(), call() and
// execute() trace themselves on offload:breaker (circuit_breaker.js).
const { CircuitBreaker } = require('./circuit_breaker');
const { get, getAll } = require('./registry');
const state = require('./state');
const { Status } = require('./status');
const { MemoryCache } = require('./cache');

module.exports = { CircuitBreaker, Status, MemoryCache, get, getAll, state };
