'use strict';
// Express (or plain node:http) middleware for breakers.
const { codes } = require('../errors');
const { CircuitBreaker } = require('../breaker');
const { shedBreaker } = require('../executor');

/**
 * Answers 503 with Retry-After (seconds until the breaker may half-open)
 * while `breaker` is open; otherwise passes the request on. Without an
 * argument it guards offload's own load-shedding breaker
 * (configure({ shed })).
 * @example app.use(offload.express.shed(dbBreaker));
 */
function shed(breaker) {
  if (breaker !== undefined && !(breaker instanceof CircuitBreaker)) {
    throw codes.ERR_INVALID_ARG_TYPE('breaker',
      'an instance of CircuitBreaker', breaker);
  }
  return function offloadShed(req, res, next) {
    const b = breaker !== undefined ? breaker : shedBreaker();
    if (b === null || b.state !== 'open') {
      next();
      return;
    }
    const ms = Math.max(0, b._resetAt() - b._clock());
    res.statusCode = 503;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Service Unavailable: circuit breaker is open\n');
  };
}

module.exports = { shed };
