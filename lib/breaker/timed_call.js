'use strict';
// A breaker call with a deadline (options.timeout), and the one promise
// executor all of them share.
const { Deadline } = require('./deadlines');
const { FAILURE, TIMEOUT } = require('./state');

/** A call with a deadline; settles exactly once. */
class TimedCall extends Deadline {
  constructor(breaker, resolve, reject, start, permit, implicit, args) {
    super();
    this.breaker = breaker;
    this.resolve = resolve;
    this.reject = reject;
    this.start = start;
    this.permit = permit;
    this.implicit = implicit;
    this.args = args;
    this.done = false;
  }

  // Each settles the call's promise even if an event listener throws
  // (as the async untimed path does: the call rejects with that error).
  ok(value) {
    if (this.done) return;
    this.done = true;
    this.cancel();
    try {
      this.resolve(this.breaker._succeeded(value, this.start, this.permit,
        this.implicit));
    } catch (err) {
      this.reject(err);
    }
  }

  fail(err) {
    if (this.done) return;
    this.done = true;
    this.cancel();
    this.end(err, FAILURE);
  }

  onExpire(reason) {
    if (this.done) return;
    this.done = true;
    this.end(reason, TIMEOUT);
  }

  end(err, outcome) {
    try {
      this.resolve(this.breaker._failed(err, this.start, this.permit,
        this.implicit, this.args, outcome));
    } catch (listenerErr) {
      this.reject(listenerErr);
    }
  }
}

// One executor for every timed call's promise: no closure per call.
const captured = { resolve: null, reject: null };
function capture(resolve, reject) {
  captured.resolve = resolve;
  captured.reject = reject;
}

module.exports = { TimedCall, captured, capture };
