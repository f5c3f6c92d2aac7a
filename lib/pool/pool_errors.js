'use strict';
// The errors a WorkerPool rejects with: offload's codes, piscina's
// messages where code written for piscina may match on them.
const { codes, coded } = require('../errors');

// A task the pool will not run because it is closing or closed: offload's
// code, piscina's message and cause.
const closedError = () => coded(Error, 'ERR_OFFLOAD_CLOSED',
  'The task has been aborted', { cause: 'queue is being terminated' });
// What a task cut short by destroy() rejects with (piscina's message).
const terminating = () => coded(Error, 'ERR_OFFLOAD_CLOSED',
  'Terminating worker thread');
// A refused run(): piscina's messages, offload's code.
function queueFull(max) {
  return coded(Error, 'ERR_OFFLOAD_QUEUE_FULL', max === 0 ?
    'No task queue available and all Workers are busy (maxQueue 0)' :
    `Task queue is at limit (maxQueue ${max})`, { maxQueue: max });
}
// An aborted task's error: piscina's message, Node's name and code.
function abortError(reason) {
  const err = codes.ABORT_ERR(reason);
  err.message = 'The task has been aborted';
  return err;
}

function crashError(error, exitCode) {
  const detail = error === null ? `worker exited with code: ${exitCode}` :
    `uncaught ${error.name}: ${error.message} (exit code ${exitCode})`;
  return codes.ERR_OFFLOAD_WORKER_CRASHED(detail,
    error === null ? { exitCode } : { exitCode, cause: error });
}

module.exports = {
  closedError, terminating, queueFull, abortError, crashError,
};
