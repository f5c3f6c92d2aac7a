'use strict';
const os = require('os');
const binding = require('../binding');
const { codes, unreadable } = require('../errors');
const {
  validateObject, validateInteger, validateNumber, taskOptions,
} = require('../validate');
const { run } = require('./task');
const { configureShed } = require('./shed');

const MAX_THREADS = 256;
const MAX_QUEUE = 2 ** 31 - 1;

/**
 * Sets the process-wide executor's size. Allowed before first use; later
 * only with the values already in force (so every worker may call it).
 * `niceIncrement` (0..19, Linux) lowers the executor threads' scheduling
 * priority, so that when the CPUs are saturated the JS thread runs first.
 * @example offload.configure({ threads: 4, maxQueue: 10000 })
 */
function configure(input) {
  const options = validateObject(input, 'options', { optional: false });
  let threads = 0;
  let maxQueue = 0;
  if (options.threads !== undefined) {
    threads = validateInteger(options.threads, 'options.threads', 1,
      MAX_THREADS);
  }
  if (options.maxQueue !== undefined) {
    maxQueue = validateInteger(options.maxQueue, 'options.maxQueue', 1,
      MAX_QUEUE);
  }
  let nice = 0;
  if (options.niceIncrement !== undefined) {
    nice = validateInteger(options.niceIncrement, 'options.niceIncrement', 0, 19);
  }
  if (options.shed !== undefined) {
    configureShed(options.shed);
  }
  if (options.threads === undefined && options.maxQueue === undefined &&
      options.niceIncrement === undefined) return;
  const status = binding.configure(threads, maxQueue, nice);
  if (status !== 0) {
    const now = binding.stats();
    throw codes.ERR_OFFLOAD_ALREADY_CONFIGURED(
      `it runs with { threads: ${now.threads}, maxQueue: ${now.maxQueue} }`);
  }
}

/** Executor counters and latency percentiles (ms). */
function stats() {
  const s = binding.stats();
  return {
    threads: s.threads,
    maxQueue: s.maxQueue,
    queued: s.queued,
    running: s.running,
    completed: s.completed,
    rejected: s.rejected,
    cancelled: s.cancelled,
    timedOut: s.timedOut,
    waitTime: s.waitTime,
    runTime: s.runTime,
  };
}

/**
 * INTERNAL, for tests: busy-waits `ms` on an executor thread, checking for
 * cancellation between slices. Resolves with the milliseconds spent.
 */
function spin(ms, options) {
  try {
    validateNumber(ms, 'ms', 0, 3.6e6);
    const opts = taskOptions(validateObject(options, 'options'));
    return run((cb, timeout) => binding.spin(ms, opts.lane, timeout, cb),
      opts);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
}

/**
 * The executor's thread count: read once it has started (it cannot change
 * afterwards); before that, what it would start with.
 */
let threads = 0;
function executorThreads() {
  if (threads === 0) {
    threads = binding.stats().threads;
    if (threads === 0) {
      return Math.max(1, Number(process.env.OFFLOAD_THREADS) ||
        os.availableParallelism());
    }
  }
  return threads;
}

module.exports = { configure, stats, spin, executorThreads };
