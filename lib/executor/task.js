'use strict';
// The shared async-task path: every promise API goes through run(), which
// handles AbortSignal, timeouts and native status codes the same way.
const binding = require('../binding');
const { codes, fromStatus } = require('../errors');
const { admit } = require('./shed');
const { listenAbort } = require('../validate');

/**
 * Runs a native job. `start(callback, timeoutMs)` submits it and returns
 * its id, or a negative status if it could not be queued. Resolves with the native
 * result; never throws. With load shedding configured, an open shed
 * breaker rejects here with CIRCUIT_OPEN before anything is queued.
 * `ticket` is a shed admission the caller took already (lib/executor/shed.js).
 */
function run(start, { signal, timeout = 0 } = {}, ctx = {}, ticket) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      if (ticket) ticket.settle(-9);
      reject(codes.ABORT_ERR(signal.reason));
      return;
    }
    const token = ticket === undefined ? admit() : ticket;
    if (token instanceof Error) {
      reject(token);
      return;
    }
    let unlisten = null;
    let timer = null;
    // Runs from a native completion: nothing may throw out of it.
    const callback = (status, result, detail) => {
      try {
        if (token !== null) token.settle(status);
        if (unlisten !== null) unlisten();
        if (timer !== null) clearTimeout(timer);
        if (status === 0) resolve(result);
        else if (ctx.toError) reject(ctx.toError(status, detail));
        else reject(fromStatus(status, detail, { signal, timeout, ...ctx }));
      } catch (err) {
        reject(err);
      }
    };
    let id;
    try {
      id = start(callback, timeout);
    } catch (err) {
      if (token !== null) token.settle(-9); // never ran: not counted
      reject(err);
      return;
    }
    if (id < 0) {
      if (token !== null) token.settle(id);
      reject(fromStatus(id, undefined, { timeout, ...ctx }));
      return;
    }
    // ctx.settleOnCancel (file reads, which may block in the kernel where
    // no flag is checked): the promise settles at the abort or deadline
    // itself; the native job finishes on its own and its result is dropped.
    const cancel = (how) => {
      binding.cancel(id, how);
      if (ctx.settleOnCancel !== true) return;
      reject(how === 0 ? codes.ABORT_ERR(signal.reason) :
        codes.ERR_OFFLOAD_TASK_TIMEOUT(timeout));
    };
    if (signal) {
      try {
        unlisten = listenAbort(signal, () => cancel(0));
      } catch (err) {
        binding.cancel(id, 0);
        reject(err);
        return;
      }
    }
    if (timeout > 0) {
      // Native code enforces the deadline while running; the timer also
      // drops a task that is still queued when it expires.
      timer = setTimeout(() => cancel(1), timeout);
      timer.unref();
    }
  });
}

module.exports = { run };
