'use strict';
// Load shedding for offload's own executor: an internal breaker in front
// of every submission (lib/task.js run()). It is fed two ways:
//  - each task's outcome: a task that timed out, or was refused because the
//    queue was full, counts as a failure; errorThresholdPercentage over the
//    rolling window trips it, as for any breaker;
//  - queue wait: at most every SAMPLE_MS, on the submission path, the
//    current queue wait is estimated from executor stats (queued tasks /
//    recent completion rate; the executor's own wait percentiles are
//    lifetime figures and cannot show a recovery), and a wait over
//    maxQueueWait opens it.
// While open, every offload API rejects with CIRCUIT_OPEN at the cost of a
// shared-memory read; after resetTimeout one probe task is let through.
const binding = require('./binding');
const { validateObject, validateInteger } = require('./validate');
const S = require('./breaker_state');

const SAMPLE_MS = 50;
const SHED_NAME = 'offload.shed';

let gate = null;

class Gate {
  constructor(breaker, maxQueueWait) {
    this.breaker = breaker;
    this.maxQueueWait = maxQueueWait;
    this.nextSample = 0;
    this.lastDone = 0;
    this.lastProgress = 0;
    this.lastAt = 0;
  }

  // Estimated wait of a task queued now, in ms.
  sample(now) {
    this.nextSample = now + SAMPLE_MS;
    const s = binding.stats();
    const done = s.completed + s.cancelled + s.timedOut;
    const dt = now - this.lastAt;
    const rate = this.lastAt === 0 || dt <= 0 ? 0 :
      (done - this.lastDone) / dt;
    if (done !== this.lastDone || this.lastAt === 0) this.lastProgress = now;
    this.lastDone = done;
    this.lastAt = now;
    if (s.queued === 0) return 0;
    if (rate > 0) return s.queued / rate;
    return now - this.lastProgress;
  }

  /** @return a token for done(), or an Error to reject with. */
  admit() {
    const b = this.breaker;
    const now = b._clock();
    if (this.maxQueueWait > 0 && now >= this.nextSample &&
        (b._word & 3) === S.CLOSED &&
        this.sample(now) > this.maxQueueWait) b.open();
    return b._admit(now);
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
 * configure({ shed: { maxQueueWait, errorThresholdPercentage, resetTimeout } })
 * (or shed: false to stop shedding in this thread).
 */
function configureShed(value) {
  if (value === false || value === null) {
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
  const { get } = require('./breakers');
  const breaker = get(SHED_NAME, {
    timeout: 0, errorThresholdPercentage, resetTimeout, volumeThreshold: 10,
  });
  gate = new Gate(breaker, maxQueueWait);
}

/** The active gate of this thread, or null (read on every submission). */
function shedGate() {
  return gate;
}

/** The internal breaker, for offload.express.shed() without an argument. */
function shedBreaker() {
  return gate === null ? null : gate.breaker;
}

module.exports = { configureShed, shedGate, shedBreaker, SHED_NAME };
