'use strict';
// Entry of a WorkerPool thread. Task modules are loaded once each
// (loader.js). Tasks arrive in this worker's shared ring (ring.js, encoded
// by wire.js): the thread takes the next one itself as soon as it has
// room (concurrentTasksPerWorker), and writes each result into the ring's
// completion slots, then bumps the pool's done word, which wakes the main
// thread once per batch. While idle it sleeps on its control word with
// Atomics.wait (woken by the main thread's notify after a write, no hop
// through this thread's event loop); after IDLE_SPIN_MS, or with atomics
// 'disabled', or while async tasks run, it waits with Atomics.waitAsync so
// its loop stays free. The port carries only the rare paths: tasks and
// results that need a transfer (move(), transferList) or a bare
// SharedArrayBuffer, cancels, buffer announcements, READY.
const os = require('os');
const { parentPort, receiveMessageOnPort } = require('worker_threads');
const {
  WORKER_FLAG, WAKE, SLEEP, IDLE_SPIN_MS, READY, CANCEL_MSG, SAB_MSG, ABORTED,
  TIMED_OUT, onChange,
} = require('./control');
const { TaskContext, reasonFor } = require('./signal');
const { toWire } = require('./thrown');
const { unwrap } = require('./move');
const { cached, resolve } = require('./loader');
const { Ring } = require('./ring');
const { DONE, ARMED } = require('./wake');
const {
  SabTable, encode, decode, sabFor, SIDE_BUDGET,
} = require('./wire');

globalThis[WORKER_FLAG] = true;

let port = null;
let ctrl = null;
let defaultUrl = null;
let defaultName = 'default';
let running = 0; // tasks taken and not yet answered
let atomics = true; // false: never Atomics.wait while idle
let cap = 1; // concurrentTasksPerWorker
let ring = null;
let done = null; // the pool's done word
let signal = null; // the pool's native wake handle (wake.js), or null
let table = null; // this side's shared buffers (wire.js)
let driving = false;
let idleSoon = false; // an idle() is scheduled
let waiting = false; // an Atomics.waitAsync on the control word is armed
const later = []; // tasks taken while another task was answering
const contexts = new Map(); // id → TaskContext of a running task
const spills = []; // result spill buffers: [busy word, bytes...]

parentPort.once('message', async (init) => {
  ({ port, ctrl, url: defaultUrl, name: defaultName, cap, done } = init);
  if (init.wake !== 0) {
    signal = require('./wake').signaller(init.wake, init.addon);
  }
  ring = new Ring(init.slots, init.ring);
  table = new SabTable(1, (id, sab) => port.postMessage([SAB_MSG, id, sab]));
  atomics = init.atomics !== 'disabled';
  if (init.nice > 0) renice(init.nice);
  // A module that fails to load fails each task that needs it, with its
  // error: no crash-and-respawn loop.
  if (defaultUrl !== null) await resolve(defaultUrl, defaultName).catch(noop);
  port.on('message', (msg) => {
    onPort(msg);
    drive();
  });
  port.postMessage([READY]);
  drive();
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

const getSab = (id) => table.byId.get(id);

function onPort(msg) {
  if (msg[0] === SAB_MSG) table.learn(msg[1], msg[2]);
  else if (msg[0] === CANCEL_MSG) {
    const ctx = contexts.get(msg[1]);
    if (ctx !== undefined) ctx.cancel(msg[2]);
  } else {
    running++;
    later.push(msg);
  }
}

/** A buffer announcement not seen yet waits on the port: read it now. */
function drainPort() {
  for (let m = receiveMessageOnPort(port); m !== undefined;
    m = receiveMessageOnPort(port)) onPort(m.message);
}

const readSlot = (u8, off, len) =>
  decode(u8.subarray(off, off + len), getSab, drainPort);
const readSpill = (id, off, len) =>
  decode(new Uint8Array(sabFor(getSab, id, drainPort), off, len), getSab,
    drainPort);

/** The next task of the ring, taken (counted in `running`), or undefined. */
function take() {
  if (running >= cap) return undefined;
  const skips = ring.skips;
  const msg = ring.read(0, readSlot, readSpill);
  if (ring.skips !== skips) wakeMain(); // the main thread may refill
  if (msg !== undefined) running++;
  return msg;
}

function wakeMain() {
  Atomics.add(done, DONE, 1);
  if (signal === null) Atomics.notify(done, DONE);
  else if (Atomics.exchange(done, ARMED, 0) === 1) signal();
}

/**
 * Runs what has been taken, then takes from the ring while there is room;
 * true if it ran anything. Iterative: a task that answers synchronously
 * takes the next into `later`, and this loop runs it.
 */
function pump() {
  if (driving) return false;
  driving = true;
  let ran = false;
  try {
    for (;;) {
      let msg = later.shift();
      if (msg === undefined) msg = take();
      if (msg === undefined) break;
      ran = true;
      run(msg);
    }
  } finally {
    driving = false;
  }
  return ran;
}

/** pump(), then wait for more the right way. */
function drive() {
  if (driving) return; // the pump() below us goes on
  pump();
  // One turn of the loop first when idle: immediates and callbacks the
  // task left behind run now, so a late throw is seen while this thread
  // is idle.
  if (running === 0) {
    if (!idleSoon) {
      idleSoon = true;
      setImmediate(idle);
    }
  } else if (running < cap) waitRing();
}

/** Runs a taken task message [id, name, data, url]. */
function run(msg) {
  const id = msg[0];
  const ctx = new TaskContext(id, ctrl);
  // Aborted or timed out before it started: it never runs (its run() has
  // settled). A forced close still lets it run, with its signal aborted.
  const early = ctx.requested();
  if (early === ABORTED || early === TIMED_OUT) {
    reply(id, reasonFor(early, 0), false);
    return;
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
  let bytes = null;
  let msg;
  let transfer;
  if (ok) {
    try {
      transfer = [];
      msg = [id, 1, unwrap(value, transfer)]; // a Proxy's trap may throw
      if (transfer.length === 0) bytes = tryEncode(msg);
    } catch (err) {
      ok = false;
      value = err;
    }
  }
  if (!ok) {
    msg = [id, 0, toWire(value)];
    transfer = undefined;
    bytes = tryEncode(msg);
  }
  contexts.delete(id);
  running--;
  // Take the next task before this result is published: the main thread
  // then sees it started (and starts its timeout) when it reads the result.
  const next = take();
  if (next !== undefined) later.push(next);
  if (bytes !== null) publish(bytes);
  else {
    try {
      port.postMessage(msg, transfer);
    } catch (err) { // DataCloneError: the result cannot cross threads
      port.postMessage([id, 0, toWire(err)]);
    }
  }
  drive();
}

/** wire.js bytes of `msg`, or null: it goes by the port. */
function tryEncode(msg) {
  const taken = [];
  try {
    return encode(msg, table, undefined, (len) => {
      if (sideBytes() + len > SIDE_BUDGET) return undefined;
      const s = spillBuffer(len);
      taken.push(s);
      return new Uint8Array(s.sab, 8, len);
    }, true);
  } catch {
    for (const s of taken) Atomics.store(s.busy, 0, 0);
    return null; // a bare SharedArrayBuffer, or postMessage's own error
  }
}

function publish(bytes) {
  while (ring.write(ring.slots, bytes, 0, spill) === -1) {
    ring.waitFree(ring.slots); // the main thread is draining
  }
  wakeMain();
}

/** A result too big for a slot: into a spill buffer the main thread frees. */
function spill(bytes) {
  const s = spillBuffer(bytes.length);
  new Uint8Array(s.sab, 8, bytes.length).set(bytes);
  return [table.idOf(s.sab), 8];
}

/** Bytes of spill buffers the main thread has not given back yet. */
function sideBytes() {
  let n = 0;
  for (const b of spills) {
    if (Atomics.load(b.busy, 0) !== 0) n += b.sab.byteLength;
  }
  return n;
}

/** A free spill buffer for `length` bytes, marked busy. */
function spillBuffer(length) {
  const need = length + 8;
  let s = spills.find((b) => b.sab.byteLength >= need &&
    Atomics.load(b.busy, 0) === 0);
  if (s === undefined) {
    let size = 1 << 20;
    while (size < need) size *= 2;
    const sab = new SharedArrayBuffer(size);
    s = { sab, busy: new Int32Array(sab, 0, 1) };
    spills.push(s);
  }
  Atomics.store(s.busy, 0, 1);
  return s;
}

/** Idle: sleep on the control word, then hand over to the event loop. */
function idle() {
  idleSoon = false;
  while (running === 0 && atomics) {
    // SLEEP first (the main thread notifies only then), then the word,
    // then look: a write that lands in between changes the word, and the
    // wait returns at once.
    Atomics.store(ctrl, SLEEP, 1);
    const seen = Atomics.load(ctrl, WAKE);
    drainPort();
    if (pump()) {
      Atomics.store(ctrl, SLEEP, 0);
      drive();
      return;
    }
    const r = Atomics.wait(ctrl, WAKE, seen, IDLE_SPIN_MS);
    Atomics.store(ctrl, SLEEP, 0);
    if (r === 'timed-out') break;
  }
  waitRing();
}

/** Wakes through the event loop when the main thread writes. */
function waitRing() {
  if (running >= cap) return; // the next reply() takes
  Atomics.store(ctrl, SLEEP, 1); // as in idle()
  if (waiting) { // armed already (idle() may have cleared SLEEP meanwhile)
    if (pump()) drive();
    return;
  }
  const seen = Atomics.load(ctrl, WAKE);
  if (pump()) {
    Atomics.store(ctrl, SLEEP, 0);
    drive();
    return;
  }
  waiting = true;
  onChange(ctrl, WAKE, seen, () => {
    waiting = false;
    Atomics.store(ctrl, SLEEP, 0);
    drainPort();
    if (pump() || running === 0) drive();
    else waitRing();
  });
}
