'use strict';
// The worker pool's face. pool/worker.js is each thread's entry, loaded by
// path, never through this file. run() is traced on offload:pool.
const { traceMethod } = require('../tracing');
const { WorkerPool } = require('./pool');

traceMethod('pool', WorkerPool.prototype, 'run');

module.exports = { WorkerPool };
