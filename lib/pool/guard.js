'use strict';
// A pool's CircuitBreaker, fed the way offload's shed gate feeds its own
// (lib/executor/shed.js): the breaker's _admit() before anything is queued (so the
// native state machine also enforces halfOpenMaxConcurrent), then exactly
// one _settle() per admitted task. The breaker's own timeout and fallback
// are not used: the pool has taskTimeout, and run() rejects.
const { state: S } = require('../breaker');

class BreakerGuard {
  constructor(breaker) {
    this.breaker = breaker;
  }

  /** A ticket for one of the methods below, or the Error to reject with. */
  admit() {
    const ticket = this.breaker._admit();
    if (ticket instanceof Error) this.breaker.emit('reject', ticket);
    return ticket;
  }

  success(ticket, value) {
    const b = this.breaker;
    const latency = b._settle(S.SUCCESS, ticket.now, ticket.permit,
      ticket.implicit);
    if (b._onSuccess) b.emit('success', value, latency);
  }

  /**
   * `byTask`: the task function threw, which the breaker's errorFilter may
   * excuse (any truthy answer: then it counts as a success, as in
   * opossum); timeouts, crashes and a full queue always count.
   */
  failure(ticket, err, task, { byTask = false, timeout = false } = {}) {
    const b = this.breaker;
    if (byTask && b._errorFilter !== null) {
      let excused = false;
      try {
        excused = Boolean(b._errorFilter(err, task));
      } catch {
        // a throwing filter excuses nothing
      }
      if (excused) {
        this.success(ticket, err);
        return;
      }
    }
    const latency = b._settle(timeout ? S.TIMEOUT : S.FAILURE, ticket.now,
      ticket.permit, ticket.implicit);
    if (timeout) b.emit('timeout', err, latency, [task]);
    b.emit('failure', err, latency, [task]);
  }

  /** Aborted by the caller, or cut short by close()/destroy(). */
  ignore(ticket) {
    this.breaker._settle(S.IGNORED, ticket.now, ticket.permit,
      ticket.implicit);
  }
}

module.exports = { BreakerGuard };
