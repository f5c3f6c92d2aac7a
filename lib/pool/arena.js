'use strict';
// A pool's shared arena: typed arrays carved out of SharedArrayBuffer
// segments. A view of a SharedArrayBuffer crosses threads by reference
// (structured clone shares the memory, wherever the view sits in a value),
// so an arena array travels in `data` and in results with no copy, no
// transfer and no detach. Blocks are first-fit with coalescing free runs.
//
// A segment starts with a 16-byte header (magic, segment id, arena id):
// a view that came back from a worker is a new JS object over a new
// SharedArrayBuffer object, so free() finds its segment by the header, not
// by identity.
const { types } = require('util');
const { codes, coded } = require('../errors');

const MAGIC = 0x4f464c41; // 'OFLA'
const HEADER = 16;
const ALIGN = 16;
const SEGMENT = 4 << 20;
let nextArenaId = 1;

const CTORS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array,
  Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
  BigInt64Array, BigUint64Array];
if (typeof globalThis.Float16Array === 'function') {
  CTORS.push(globalThis.Float16Array);
}

const align = (n) => Math.ceil(n / ALIGN) * ALIGN;

class Segment {
  constructor(id, arenaId, size) {
    this.sab = new SharedArrayBuffer(size);
    this.size = size;
    const h = new Uint32Array(this.sab, 0, 3);
    h[0] = MAGIC;
    h[1] = id;
    h[2] = arenaId;
    this.free = [[HEADER, size - HEADER]]; // [offset, length], by offset
    this.live = new Map(); // offset → length
  }

  /** Offset of a new block of `bytes` (aligned), or -1. */
  take(bytes) {
    for (let i = 0; i < this.free.length; i++) {
      const [off, len] = this.free[i];
      if (len < bytes) continue;
      if (len === bytes) this.free.splice(i, 1);
      else this.free[i] = [off + bytes, len - bytes];
      this.live.set(off, bytes);
      return off;
    }
    return -1;
  }

  give(off) {
    const bytes = this.live.get(off);
    this.live.delete(off);
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i][0] < off) i++;
    f.splice(i, 0, [off, bytes]);
    // Coalesce with the next run, then with the previous one.
    if (i + 1 < f.length && off + bytes === f[i + 1][0]) {
      f[i][1] += f[i + 1][1];
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1][0] + f[i - 1][1] === off) {
      f[i - 1][1] += f[i][1];
      f.splice(i, 1);
    }
    return bytes;
  }
}

class Arena {
  constructor(maxBytes, segmentBytes = SEGMENT) {
    this.id = nextArenaId++;
    this.max = maxBytes;
    this.segment = segmentBytes;
    this.segments = [];
    this.bytes = 0;
    this.used = 0;
    this.blocks = 0;
  }

  /** A `length`-element array of `Ctor` in shared memory. Throws. */
  alloc(Ctor, length) {
    if (!CTORS.includes(Ctor)) {
      throw codes.ERR_INVALID_ARG_TYPE('TypedArrayConstructor',
        'a TypedArray constructor', Ctor);
    }
    if (typeof length !== 'number') {
      throw codes.ERR_INVALID_ARG_TYPE('length', 'of type number', length);
    }
    const limit = Math.floor((this.max - HEADER) / Ctor.BYTES_PER_ELEMENT);
    if (!Number.isInteger(length) || length < 0 || length > limit) {
      throw codes.ERR_OUT_OF_RANGE('length', `an integer >= 0 && <= ${limit} ` +
        '(maxArenaBytes)', length);
    }
    const bytes = Math.max(ALIGN, align(length * Ctor.BYTES_PER_ELEMENT));
    let seg = null;
    let off = -1;
    for (const s of this.segments) {
      off = s.take(bytes);
      if (off !== -1) {
        seg = s;
        break;
      }
    }
    if (seg === null) {
      const size = Math.max(this.segment, bytes + HEADER);
      if (this.bytes + size > this.max) {
        throw coded(RangeError, 'ERR_OFFLOAD_ARENA_FULL',
          `The WorkerPool arena cannot grow by ${size} bytes: it holds ` +
          `${this.bytes} of maxArenaBytes ${this.max}`);
      }
      seg = new Segment(this.segments.length, this.id, size);
      this.segments.push(seg);
      this.bytes += size;
      off = seg.take(bytes);
    }
    this.used += bytes;
    this.blocks++;
    return new Ctor(seg.sab, off, length);
  }

  /** Returns an alloc()'d array's block; any view of its start will do. */
  free(view) {
    const seg = this._segmentOf(view);
    if (seg === null) {
      throw codes.ERR_INVALID_ARG_VALUE('array', view,
        "is not an array from this pool's arena");
    }
    if (!seg.live.has(view.byteOffset)) {
      throw codes.ERR_INVALID_ARG_VALUE('array', view,
        'was freed already (or does not start an arena block)');
    }
    this.used -= seg.give(view.byteOffset);
    this.blocks--;
  }

  _segmentOf(view) {
    if (!ArrayBuffer.isView(view)) return null;
    const buf = view.buffer;
    if (!types.isSharedArrayBuffer(buf) || buf.byteLength < HEADER) {
      return null;
    }
    const h = new Uint32Array(buf, 0, 3);
    if (h[0] !== MAGIC || h[2] !== this.id) return null;
    const seg = this.segments[h[1]];
    return seg !== undefined && seg.size === buf.byteLength ? seg : null;
  }

  get stats() {
    return { bytes: this.bytes, used: this.used, blocks: this.blocks };
  }
}

module.exports = { Arena };
