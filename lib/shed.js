'use strict';
// Placeholder-free: load shedding is configured by the CircuitBreaker
// issue; until then a `shed` option is rejected explicitly.
const { codes } = require('./errors');

function configureShed(value) {
  throw codes.ERR_INVALID_ARG_VALUE('options.shed', value,
    'is not supported by this version of offload');
}

module.exports = { configureShed };
