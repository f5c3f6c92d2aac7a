'use strict';
// The main thread's half of shared-memory dispatch, mixed into WorkerPool.
// A task is encoded once at run() (wire.js) and written into a worker's
// ring (ring.js); with concurrentTasksPerWorker 1, up to PREFETCH more wait
// there behind the running one, so the worker takes the next itself. Every
// worker bumps the pool's one done word after writing results; the main
// thread has a single wait on it (the native handle or Atomics.waitAsync,
// wake.js), so a batch of completions from any number of workers costs one
// wake-up, after which every ring is drained.
const { performance } = require('perf_hooks');
const { receiveMessageOnPort } = require('worker_threads');
const { encode, decode, sabFor, SIDE_BUDGET } = require('./wire');
const { DONE, ARMED } = require('./wake');
const { onChange } = require('./control');

/** Encodes `t` for the ring (t.bytes), or leaves it to the port (null). */
function encodeTask(pool, t) {
  if (t.transferList !== undefined) return; // a transfer needs the port
  const sabs = [];
  const side = (len) => {
    if (pool._spill.used + len > SIDE_BUDGET) return undefined;
    const block = pool._spill.alloc(Uint8Array, len);
    t.side.push(block);
    return block;
  };
  try {
    t.bytes = encode(t.message, pool._table, sabs, side);
    t.sabs = sabs;
  } catch {
    t.bytes = null; // a bare SharedArrayBuffer, or postMessage's own error
    pool._freeSide(t);
  }
}

const methods = {
  /** A busy worker whose ring has room for `t` queued ahead, if any. */
  _ahead() {
    if (this._ordered) return undefined;
    const cap = this._o.concurrentTasksPerWorker;
    let best;
    for (const h of this._handles) {
      const n = h.tasks.size;
      if (!h.exiting && n >= cap && n < h.depth &&
          (best === undefined || n < best.tasks.size)) best = h;
    }
    return best;
  },

  /**
   * Hands `t` to `h`: 1 given, 0 failed (t is settled), 2 put back at the
   * queue's front (no slot free and `h` has no room to run it now).
   */
  _give(h, t) {
    // Read before the write: a worker may answer before this thread arms.
    const seen = Atomics.load(this._done, DONE);
    const immediate = h.tasks.size < this._o.concurrentTasksPerWorker;
    if (t.bytes === null ||
        !h.push(t, this._table, (bytes) => this._spillTask(t, bytes))) {
      if (!immediate) {
        this._queue.unshift(t);
        return 2;
      }
      this._freeSide(t); // the port copies the message itself
      try {
        h.post(t); // the rare path (or a ring whose slots are all skipped)
      } catch (err) { // DataCloneError, or a bad transferList
        return err;
      }
    }
    t.handle = h;
    this._armDone(seen);
    if (immediate) this._begin(h, t);
    else this._prefetched++;
    return 1;
  },

  /** Frees `t`'s side blocks: no worker will read them (any more). */
  _freeSide(t) {
    for (const block of t.side) this._spill.free(block);
    t.side.length = 0;
  },

  _spillTask(t, bytes) {
    const block = this._spill.alloc(Uint8Array, bytes.length);
    block.set(bytes);
    t.spill = block;
    return [block.buffer, block.byteOffset];
  },

  /** `t` has started on `h` (or will at once): its clock runs. */
  _begin(h, t) {
    t.started = true;
    if (t.done) return;
    t.startedAt = performance.now();
    if (this._o.recordTiming) this._wait.record(t.startedAt - t.enqueuedAt);
    // A starting worker's task clock runs once its module is loaded.
    if (h.ready) this._arm(t);
  },

  /** Ring tasks `h` has taken (or passed) since the last look. */
  _observe(h) {
    const list = h.taken();
    if (list === null) return;
    for (const t of list) {
      t.slot = -1;
      // Freed only now: until the worker has passed the slot it may read.
      if (t.spill !== null) {
        this._spill.free(t.spill);
        t.spill = null;
      }
      this._freeSide(t);
      t.bytes = null;
      if (t.skipped || t.started) continue;
      this._prefetched--;
      this._begin(h, t);
      // The last task queued anywhere has started: piscina's 'drain'.
      if (this._prefetched === 0 && this._queue.size === 0) this.emit('drain');
    }
  },

  /**
   * Arms the one wait for completions (a batch wakes this thread once).
   * `seen` must have been read before whatever may lead to a completion.
   */
  _armDone(seen) {
    if (this._waiting) return;
    this._waiting = true;
    if (this._wakeId !== 0) { // the native handle (wake.js)
      const done = this._done;
      // Armed first, then the word: a worker bumps the word, then takes
      // the armed flag; all sequentially consistent, so either this read
      // sees its bump or that worker sees the flag and signals.
      Atomics.store(done, ARMED, 1);
      if (Atomics.load(done, DONE) !== seen) {
        Atomics.store(done, ARMED, 0);
        queueMicrotask(this._onDone);
      }
      return;
    }
    onChange(this._done, DONE, seen, this._onDone);
  },

  _drainAll() {
    // Still "waiting" while draining: tasks given meanwhile must not arm a
    // wait on a later value than `seen`, which would miss a result written
    // after its ring was drained.
    const seen = Atomics.load(this._done, DONE);
    let busy = false;
    for (const h of Array.from(this._live)) {
      this._drain(h);
      if (h.tasks.size > 0) busy = true;
    }
    this._waiting = false;
    if (busy) this._armDone(seen);
  },

  /** Reads every result `h` has written, in order. */
  _drain(h) {
    this._observe(h);
    const ring = h.ring;
    const get = (id) => (id & 1) === 0 ? this._table.byId.get(id) :
      h.theirs.get(id);
    const resolve = () => {
      for (let m = receiveMessageOnPort(h.port); m !== undefined;
        m = receiveMessageOnPort(h.port)) {
        h.counts.received++;
        this._onMessage(h, m.message);
      }
    };
    // A side block of a result is the worker's spill buffer: its again.
    const release = (sab) => Atomics.store(new Int32Array(sab, 0, 1), 0, 0);
    const read = (u8, off, len) => decode(u8.subarray(off, off + len), get,
      resolve, release);
    const readSpill = (id, off, len) => {
      const sab = sabFor(get, id, resolve);
      try {
        return decode(new Uint8Array(sab, off, len), get, resolve, release);
      } finally {
        Atomics.store(new Int32Array(sab, 0, 1), 0, 0); // the worker's again
      }
    };
    for (;;) {
      const msg = ring.read(ring.slots, read, readSpill);
      if (msg === undefined) break;
      this._onMessage(h, msg);
    }
    // A worker that passed a skipped slot wakes us too: room for more.
    if (this._state !== 2 && !h.exiting && h.tasks.size > 0 &&
        h.tasks.size < h.depth && this._queue.size > 0) this._release(h);
  },

  /** Takes an untaken ring task back (abort, forced close); true if so. */
  _unpush(t) {
    const h = t.handle;
    if (t.started || h === null || !h.unpush(t)) return false;
    t.skipped = true;
    h.settled(t);
    this._prefetched--;
    if (this._prefetched === 0 && this._queue.size === 0) this.emit('drain');
    return true;
  },

  /**
   * `h` is about to idle while a task waits in another worker's ring: it
   * takes that task over (piscina's order: a free worker runs the next
   * task). True if it did.
   */
  _steal(h) {
    for (const o of this._handles) {
      if (o === h) continue;
      for (let i = 0; i < o.inRing.length; i++) {
        const t = o.inRing[i];
        if (t.skipped || t.started || t.done) continue;
        if (!o.unpush(t)) return false; // that worker is taking it now
        // Its old slot, passed later by that worker, frees the old block.
        o.inRing[i] = { skipped: true, started: false, spill: t.spill,
          side: [], slot: -1, bytes: null };
        t.spill = null;
        o.settled(t);
        this._prefetched--;
        t.handle = null;
        const given = this._start(h, t) === 1;
        if (this._prefetched === 0 && this._queue.size === 0) {
          this.emit('drain');
        }
        // That was all `o` held (its last result already read): it idles
        // now, or it would be neither busy nor idle, and never used again.
        if (o.tasks.size === 0) this._release(o);
        return given;
      }
    }
    return false;
  },

  /**
   * `h` is gone (crash, or killed over an ignored cancel): the tasks it
   * had not taken go back to the front of the queue, to run on another
   * worker; returns the ones it had started.
   */
  _rescue(h) {
    this._observe(h);
    const started = [];
    const back = [];
    for (const t of h.tasks.values()) {
      if (t.started || t.done) started.push(t);
      else back.push(t);
    }
    h.tasks.clear();
    h.signalled = 0;
    for (let i = back.length - 1; i >= 0; i--) {
      const t = back[i];
      this._prefetched--;
      t.handle = null;
      t.slot = -1;
      // The dead worker cannot read it any more; encode again for the next.
      if (t.spill !== null) {
        this._spill.free(t.spill);
        t.spill = null;
      }
      this._freeSide(t);
      encodeTask(this, t);
      this._queue.unshift(t);
    }
    return started;
  },
};

module.exports = { methods, encodeTask };
