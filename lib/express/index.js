'use strict';
// The Express helpers' face: the compression middleware and the breaker
// gate (503 with Retry-After while a breaker is open).
const { compression } = require('./compression');
const { shed } = require('./shed');

module.exports = { compression, shed };
