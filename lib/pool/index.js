'use strict';
// The worker pool's face. pool/worker.js is each thread's entry, loaded by
// path, never through this file.
const { WorkerPool } = require('./pool');

module.exports = { WorkerPool };
