'use strict';
// Load shedding for offload's own executor: a shared internal breaker
// ('offload.shed') in front of every submission. Promise APIs are admitted
// in lib/executor/task.js run(); streams (createHash, compression streams) once, in
// their constructor; offload.compression() per response. It is fed two
// ways:
//  - each task's outcome: a task that timed out, or was refused because the
//    queue was full, counts as a failure; errorThresholdPercentage over the
//    rolling window (with at least volumeThreshold tasks in it) trips it,
//    as for any breaker;
//  - queue wait: at most every SAMPLE_MS, on the admission path, the
//    executor's measured wait p99 over the window since the previous sample
//    (or the age of the oldest queued task, if larger: a stuck queue has no
//    departures to measure) is compared with maxQueueWait, and a wait over
//    it opens the breaker.
// While open, every offload API fails fast with CIRCUIT_OPEN at the cost of
// a shared-memory read; after resetTimeout one probe is let through.
const binding = require('../binding');
const { validateObject, validateInteger } = require('../validate');
const { get, state: S } = require('../breaker');

const SAMPLE_MS = 50;
const SHED_NAME = 'offload.shed';
const WAIT_BINS = 320; // OFL_EXECUTOR_WAIT_BINS
const STATUS = { ERR_OFFLOAD_QUEUE_FULL: -6, ERR_OFFLOAD_TASK_TIMEOUT: -8 };

let gate = null;

/** One admission: settle() it exactly once (later calls are ignored). */
class Ticket {
  constructor(owner, token) {
    this.owner = owner;
    this.token = token;
    this.settled = false;
  }

  /** A native status: 0, or a negative OFL_E* code. */
  settle(status) {
    if (this.settled) return;
    this.settled = true;
    this.owner.done(this.token, status);
  }
}

class Gate {
  constructor(breaker, maxQueueWait) {
    this.breaker = breaker;
    this.maxQueueWait = maxQueueWait;
    this.nextSample = 0;
    this.window = new BigUint64Array(WAIT_BINS);
    binding.recentWait(this.window, 0.99); // waits before now do not count
  }

  /** Measured queue wait (p99, ms) since the previous sample. */
  sample(now) {
    this.nextSample = now + SAMPLE_MS;
    return binding.recentWait(this.window, 0.99);
  }

  /** @return a Ticket, or an Error to fail with. */
  admit() {
    const b = this.breaker;
    const now = b._clock();
    if (this.maxQueueWait > 0 && now >= this.nextSample &&
        (b._word & 3) === S.CLOSED &&
        this.sample(now) > this.maxQueueWait) b.open();
    const token = b._admit(now);
    return token instanceof Error ? token : new Ticket(this, token);
  }

  /** Feeds a task's native status (0 or negative OFL_E*) back. */
  done(token, status) {
    let outcome = S.SUCCESS;
    if (status === -8 || status === -6) outcome = S.FAILURE; // timeout, full
    else if (status === -9) outcome = S.IGNORED; // aborted by the caller
    this.breaker._settle(outcome, token.now, token.permit, token.implicit);
  }
}

/**
 * configure({ shed: { maxQueueWait, errorThresholdPercentage, resetTimeout,
 * volumeThreshold } }), or shed: false to stop shedding in this thread
 * (the shared breaker goes once no thread uses it, so a later
 * configure({ shed }) may choose other options).
 */
function configureShed(value) {
  if (value === false || value === null) {
    if (gate !== null) gate.breaker.shutdown();
    gate = null;
    return;
  }
  const o = validateObject(value, 'options.shed', { optional: false });
  const maxQueueWait = o.maxQueueWait === undefined ? 0 :
    validateInteger(o.maxQueueWait, 'options.shed.maxQueueWait', 0,
      2 ** 31 - 1);
  const errorThresholdPercentage = o.errorThresholdPercentage === undefined ?
    50 : validateInteger(o.errorThresholdPercentage,
      'options.shed.errorThresholdPercentage', 0, 100);
  const resetTimeout = o.resetTimeout === undefined ? 5000 :
    validateInteger(o.resetTimeout, 'options.shed.resetTimeout', 0,
      2 ** 32 - 1);
  const volumeThreshold = o.volumeThreshold === undefined ? 10 :
    validateInteger(o.volumeThreshold, 'options.shed.volumeThreshold', 0,
      2 ** 32 - 1);
  const breaker = get(SHED_NAME, {
    timeout: 0, errorThresholdPercentage, resetTimeout, volumeThreshold,
  });
  if (gate !== null && gate.breaker === breaker) {
    gate.maxQueueWait = maxQueueWait;
    return;
  }
  gate = new Gate(breaker, maxQueueWait);
}

/**
 * Admission for one unit of work: null when shedding is off, a Ticket to
 * settle with the work's native status, or the Error (CIRCUIT_OPEN) to
 * fail with.
 */
function admit() {
  return gate === null ? null : gate.admit();
}

/**
 * Admits a stream for its writable life, in its constructor: throws
 * CIRCUIT_OPEN while shedding; otherwise the ticket is settled on
 * 'finish' (all native work done: a success), on 'error' (queue-full and
 * timeout errors count as failures, others are ignored) or on 'close'
 * without either (ignored), whichever comes first. Not on 'close' alone: a
 * pass-through nobody reads never closes. `ticket` is one the caller took
 * already (offload.compression()).
 */
function admitStream(stream, ticket = admit()) {
  if (ticket === null) return;
  if (ticket instanceof Error) throw ticket;
  stream.once('finish', () => ticket.settle(0));
  stream.once('error', (err) => ticket.settle(STATUS[err && err.code] || -9));
  stream.once('close', () => ticket.settle(-9));
}

/** The internal breaker, for offload.express.shed() without an argument. */
function shedBreaker() {
  return gate === null ? null : gate.breaker;
}

module.exports = {
  configureShed, admit, admitStream, shedBreaker, SHED_NAME,
};
