'use strict';
// Entry of a WorkerPool thread. Task modules are loaded once each
// (loader.js); tasks, and cancels of running ones (signal.js), arrive on a
// private MessagePort; up to concurrentTasksPerWorker run at once. While idle the thread sleeps on its
// control word with Atomics.wait, and the main thread's Atomics.notify
// after each post wakes it to pull the task with receiveMessageOnPort:
// no hop through this thread's event loop (piscina's atomics
// optimisation). Atomics.wait is only used while no task is running, so an
// async task's promise keeps the loop to itself; after IDLE_SPIN_MS the
// thread returns to its loop and the port's 'message' listener takes over
// (Atomics.waitAsync would wake through the loop too, so it buys nothing).
const os = require('os');
const { parentPort, receiveMessageOnPort } = require('worker_threads');
const {
  WORKER_FLAG, WAKE, IDLE_SPIN_MS, READY, CANCEL_MSG, ABORTED, TIMED_OUT,
} = require('./control');
const { TaskContext, reasonFor } = require('./signal');
const { toWire } = require('./thrown');
const { unwrap } = require('./move');
const { cached, resolve } = require('./loader');

globalThis[WORKER_FLAG] = true;

let port = null;
let ctrl = null;
let defaultUrl = null;
let defaultName = 'default';
let running = 0; // tasks started and not yet answered
let atomics = true; // false: never Atomics.wait while idle
const contexts = new Map(); // id → TaskContext of a running task

parentPort.once('message', async (init) => {
  ({ port, ctrl, url: defaultUrl, name: defaultName } = init);
  atomics = init.atomics !== 'disabled';
  if (init.nice > 0) renice(init.nice);
  // A module that fails to load fails each task that needs it, with its
  // error: no crash-and-respawn loop.
  if (defaultUrl !== null) await resolve(defaultUrl, defaultName).catch(noop);
  port.on('message', (msg) => {
    run(msg);
  });
  port.postMessage([READY]);
  idle();
});

function noop() {}

// On Linux a thread has its own nice value, and setpriority(0) is the
// calling thread's; elsewhere it would renice the process, so it is skipped.
function renice(increment) {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + increment));
  } catch {
    // not permitted here: the worker runs at its inherited priority
  }
}

/** Runs a task message (true) or applies a cancel message (false). */
function run(msg) {
  const id = msg[0];
  if (id === CANCEL_MSG) {
    const ctx = contexts.get(msg[1]);
    if (ctx !== undefined) ctx.cancel(msg[2]);
    return false;
  }
  running++;
  const ctx = new TaskContext(id, ctrl);
  // Aborted or timed out before it started: it never runs (its run() has
  // settled). A forced close still lets it run, with its signal aborted.
  const early = ctx.requested();
  if (early === ABORTED || early === TIMED_OUT) {
    reply(id, reasonFor(early, 0), false);
    return true;
  }
  contexts.set(id, ctx);
  const url = msg[3] === null ? defaultUrl : msg[3];
  const name = msg[1] === null ? defaultName : msg[1];
  const fn = cached(url, name);
  if (fn !== undefined) invoke(id, fn, msg[2], ctx);
  else {
    resolve(url, name).then((f) => invoke(id, f, msg[2], ctx),
      (err) => reply(id, err, false));
  }
  return true;
}

function invoke(id, fn, data, ctx) {
  let result;
  try {
    result = fn(data, ctx);
    if (result !== null && (typeof result === 'object' ||
        typeof result === 'function') && typeof result.then === 'function') {
      Promise.resolve(result).then((v) => reply(id, v, true),
        (e) => reply(id, e, false));
      return;
    }
  } catch (err) {
    reply(id, err, false);
    return;
  }
  reply(id, result, true);
}

function reply(id, value, ok) {
  if (ok) {
    try {
      const transfer = [];
      const payload = unwrap(value, transfer); // a Proxy's trap may throw
      port.postMessage([id, 1, payload], transfer);
    } catch (err) { // DataCloneError: the result cannot cross threads
      port.postMessage([id, 0, toWire(err)]);
    }
  } else {
    port.postMessage([id, 0, toWire(value)]);
  }
  contexts.delete(id);
  // One turn of the loop first: immediates and callbacks the task left
  // behind run now, so a late throw is seen while this thread is idle.
  if (--running === 0) setImmediate(idle);
}

function idle() {
  while (running === 0 && atomics) {
    // Read the word before looking at the port: a post that lands in
    // between changes it, and the wait returns at once.
    const seen = Atomics.load(ctrl, WAKE);
    const m = receiveMessageOnPort(port);
    if (m !== undefined) {
      if (run(m.message)) return; // reply() schedules the next idle()
      continue; // a stale cancel message
    }
    if (Atomics.wait(ctrl, WAKE, seen, IDLE_SPIN_MS) === 'timed-out') return;
  }
}
