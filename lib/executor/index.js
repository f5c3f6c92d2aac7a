'use strict';
// The executor module's face: configuration and stats of the process-wide
// native executor, the one task path every promise API runs through, and
// its load-shedding admission.
const { configure, stats, spin, executorThreads } = require('./executor');
const { run } = require('./task');
const { admit, admitStream, shedBreaker } = require('./shed');

module.exports = {
  configure, stats, spin, executorThreads, run, admit, admitStream,
  shedBreaker,
};
