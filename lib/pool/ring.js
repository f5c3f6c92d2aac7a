'use strict';
// A worker's two rings in one SharedArrayBuffer: task slots the main thread
// fills and the worker takes in order, and completion slots the worker
// fills and the main thread drains in order (each ring has one writer and
// one reader). A slot holds a wire.js encoding inline, or where that is
// too big, the place of a spill block holding it (an arena block for a
// task, a buffer of the worker's own for a result): bytes never go by port.

/** Int32 words of a slot header. */
const STATE = 0;
const TAG = 1; // a task slot's tag(id), for the main thread's skip
const LEN = 2;
const SPILL = 3; // -1 inline, else the spill buffer's wire id
const OFF = 4; // byte offset in the spill buffer
const SLOT_WORDS = 8;

/** Slot states. */
const FREE = 0;
const READY = 1; // written, not yet read
const TAKEN = 2; // a task slot the worker is reading
const SKIPPED = 3; // a task slot the main thread took back (abort, close)

/** Header words of the buffer. */
const TAKES = 0; // task slots the worker has passed (taken or skipped)
const HEADER_BYTES = 64;

/** Bytes of one slot's inline area (a 4 KiB JSON-like object fits). */
const SLOT_BYTES = 16 * 1024;
const SLOT_SIZE = SLOT_WORDS * 4 + SLOT_BYTES;

class Ring {
  /** `slots` task slots and as many completion slots; or the worker's view. */
  constructor(slots, sab) {
    this.slots = slots;
    this.sab = sab ||
      new SharedArrayBuffer(HEADER_BYTES + 2 * slots * SLOT_SIZE);
    this.i32 = new Int32Array(this.sab);
    this.u8 = new Uint8Array(this.sab);
    this.head = 0; // next slot this side writes
    this.tail = 0; // next slot this side reads
    this.skips = 0; // skipped task slots this side passed
  }

  /** Word index of slot `k` (task slots first, then completion slots). */
  word(k) {
    return (HEADER_BYTES + k * SLOT_SIZE) >> 2;
  }

  body(k) {
    return HEADER_BYTES + k * SLOT_SIZE + SLOT_WORDS * 4;
  }

  /**
   * Writes `bytes` into the next slot of ring `base` (0 tasks, slots
   * completions); `spill(bytes)` → [id, offset] places a big one. False if
   * the slot is not free yet.
   */
  write(base, bytes, tagValue, spill) {
    const k = base + this.head % this.slots;
    const w = this.word(k);
    const i32 = this.i32;
    if (Atomics.load(i32, w + STATE) !== FREE) return -1;
    if (bytes.length <= SLOT_BYTES) {
      this.u8.set(bytes, this.body(k));
      i32[w + SPILL] = -1;
    } else {
      const [id, off] = spill(bytes);
      i32[w + SPILL] = id;
      i32[w + OFF] = off;
    }
    i32[w + LEN] = bytes.length;
    i32[w + TAG] = tagValue;
    Atomics.store(i32, w + STATE, READY); // publishes the words above
    this.head++;
    return k;
  }

  /**
   * Reads the next slot of ring `base` with `read(u8, offset, length)` or,
   * spilled, `readSpill(id, offset, length)`; frees it, and returns what
   * `read` returned. `undefined`: nothing there. Task slots are claimed
   * first (READY → TAKEN), so a skipped one is passed over.
   */
  read(base, read, readSpill) {
    const i32 = this.i32;
    for (;;) {
      const k = base + this.tail % this.slots;
      const w = this.word(k);
      const st = Atomics.load(i32, w + STATE);
      if (st === FREE) return undefined;
      if (base === 0) {
        if (st === SKIPPED ||
            Atomics.compareExchange(i32, w + STATE, READY, TAKEN) !== READY) {
          Atomics.store(i32, w + STATE, FREE);
          this.tail++;
          this.skips++;
          Atomics.add(i32, TAKES, 1);
          continue;
        }
      }
      const len = i32[w + LEN];
      const id = i32[w + SPILL];
      let value;
      try {
        value = id === -1 ? read(this.u8, this.body(k), len) :
          readSpill(id, i32[w + OFF], len);
      } finally {
        Atomics.store(i32, w + STATE, FREE);
        this.tail++;
        if (base === 0) Atomics.add(i32, TAKES, 1);
      }
      return value;
    }
  }

  /** Main thread: takes task slot `k` back if not yet taken (true). */
  skip(k, tagValue) {
    const w = this.word(k);
    return this.i32[w + TAG] === tagValue &&
      Atomics.compareExchange(this.i32, w + STATE, READY, SKIPPED) === READY;
  }

  /** Waits (blocking, briefly) for the next slot of ring `base` to free. */
  waitFree(base) {
    const w = this.word(base + this.head % this.slots);
    Atomics.wait(this.i32, w + STATE, READY, 50);
  }

  /** Task slots the worker has passed so far. */
  get takes() {
    return Atomics.load(this.i32, TAKES);
  }
}

module.exports = { Ring, SLOT_BYTES };
