'use strict';
// The bytes of a task or a result in the shared rings: v8.serialize's
// format (the structured-clone format, so what postMessage clones works
// here too), except that SharedArrayBuffers and their views (arena arrays
// included) are written as references: an id the other side maps back to
// the same memory. Each side registers its SharedArrayBuffers once and
// posts them to the other side on first use (one port message per buffer,
// never per task); ids from the main thread are even, a worker's odd.
const v8 = require('v8');
const { types } = require('util');

const VIEW_COPY = 0; // a view of a plain ArrayBuffer: v8's own encoding
const VIEW_SHARED = 1; // a view of a SharedArrayBuffer: id, offset, length
const VIEW_SIDE = 2; // a big plain view's bytes, copied once to a side block
// From this size a plain view's bytes go straight into a shared side block
// (one copy) instead of through the serializer's growing buffer and the
// slot's spill (three or four).
const SIDE_MIN = 32 * 1024;
// Side blocks held at once, per side: past it (a burst of queued tasks),
// big views take the serializer's path, so shared memory stays bounded.
const SIDE_BUDGET = 64 << 20;

const VIEWS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array,
  Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
  BigInt64Array, BigUint64Array, DataView];
if (typeof Float16Array === 'function') VIEWS.push(Float16Array);
const viewIndex = (v) => {
  for (let i = 0; i < VIEWS.length; i++) if (v instanceof VIEWS[i]) return i;
  return -1;
};

/**
 * One side's table of SharedArrayBuffers: ids for ours, the other side's
 * by their ids. `announce(id, sab)` tells the other side about a new one.
 */
class SabTable {
  constructor(parity, announce) {
    this.parity = parity;
    this.next = parity;
    this.ids = new WeakMap(); // sab → id (ours and theirs)
    this.byId = new Map(); // id → sab
    this.announce = announce;
  }

  idOf(sab, used) {
    let id = this.ids.get(sab);
    if (used !== undefined) used.add(sab);
    if (id === undefined) {
      id = this.next;
      this.next += 2;
      this.ids.set(sab, id);
      this.byId.set(id, sab);
      this.announce(id, sab);
    }
    return id;
  }

  /** A buffer the other side announced. */
  learn(id, sab) {
    if (this.byId.has(id)) return;
    this.byId.set(id, sab);
    if (!this.ids.has(sab)) this.ids.set(sab, id);
  }
}

// A JSON-safe value (below) may go as JSON text after this byte; v8's
// format always starts with 0xff. JSON.parse builds the same value that
// structured clone would, at about twice its speed, but the check and
// JSON.stringify cost more than v8.serialize: so results use it (the
// worker pays, the busy main thread gains), tasks do not.
const JSON_TAG = 0x01;
const JSON_PREFIX = String.fromCharCode(JSON_TAG);
// Bigger graphs take v8's format: the check would cost more than it saves.
const JSON_MAX_NODES = 4096;
const JSON_MAX_DEPTH = 64;

/**
 * True when JSON.parse(JSON.stringify(value)) equals what structured clone
 * gives: plain objects and arrays (no holes, no extra keys, no proxies, no
 * object met twice), strings, booleans, null and finite numbers but -0.
 * Anything else (undefined, Date, Map, views, class instances, cycles and
 * shared references) takes v8's format.
 */
function jsonSafe(value) {
  if (Object.prototype.toJSON !== undefined ||
      Array.prototype.toJSON !== undefined) return false;
  try {
    return safe(value, 0, new Set());
  } catch {
    return false; // a getter threw: v8's path reports it
  }
}

function safe(v, depth, seen) {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth >= JSON_MAX_DEPTH || seen.has(v) || types.isProxy(v)) {
    return false;
  }
  seen.add(v);
  if (seen.size > JSON_MAX_NODES) return false;
  if (Array.isArray(v)) {
    const n = v.length;
    if (Object.getPrototypeOf(v) !== Array.prototype || n > JSON_MAX_NODES ||
        Object.keys(v).length !== n) return false;
    for (let i = 0; i < n; i++) if (!safe(v[i], depth + 1, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(v);
  if (keys.length > JSON_MAX_NODES) return false;
  for (let i = 0; i < keys.length; i++) {
    if (!safe(v[keys[i]], depth + 1, seen)) return false;
  }
  return true;
}

/** encode() cannot write this value: post it instead. */
class NeedsPort extends Error {}

class RingSerializer extends v8.DefaultSerializer {
  constructor(table, side) {
    super();
    this.table = table;
    this.side = side; // (byteLength) → a Uint8Array in shared memory
    this.used = new Set(); // the SharedArrayBuffers referenced
  }

  // A bare SharedArrayBuffer (not a view): Node's deserializer cannot take
  // it back by id, so such a value goes by the port (structured clone).
  _getSharedArrayBufferId() {
    throw new NeedsPort();
  }

  _writeHostObject(obj) {
    if (ArrayBuffer.isView(obj) && types.isSharedArrayBuffer(obj.buffer)) {
      const k = viewIndex(obj);
      if (k !== -1) {
        this.writeUint32(VIEW_SHARED);
        this.writeUint32(k);
        this.writeUint32(this.table.idOf(obj.buffer, this.used));
        this.writeDouble(obj.byteOffset);
        this.writeDouble(obj instanceof DataView ? obj.byteLength :
          obj.length);
        return;
      }
    }
    const k = viewIndex(obj);
    if (k === -1) {
      super._writeHostObject(obj); // throws: not a view
      return;
    }
    const src = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
    if (this.side !== undefined && obj.byteLength >= SIDE_MIN) {
      const block = this.side(obj.byteLength);
      if (block !== undefined) {
        this.writeSide(k, block, src);
        return;
      }
    }
    // Copied bytes, read back into an ArrayBuffer of their own: v8's
    // reader would alias the ring's memory.
    this.writeUint32(VIEW_COPY);
    this.writeUint32(k);
    this.writeUint32(obj.byteLength);
    this.writeRawBytes(src);
  }

  writeSide(k, block, src) {
    block.set(src);
    this.writeUint32(VIEW_SIDE);
    this.writeUint32(k);
    this.writeUint32(this.table.idOf(block.buffer, this.used));
    this.writeDouble(block.byteOffset);
    this.writeDouble(src.byteLength);
  }
}

class RingDeserializer extends v8.DefaultDeserializer {
  constructor(bytes, get, resolve, release) {
    super(bytes);
    this.buffer = bytes;
    this.get = get;
    this.resolve = resolve;
    this.release = release; // (sab): a side block has been read
  }

  _readHostObject() {
    const how = this.readUint32();
    const Ctor = VIEWS[this.readUint32()];
    if (how === VIEW_COPY) {
      const len = this.readUint32();
      const at = this.buffer.byteOffset + this._readRawBytes(len);
      const ab = new ArrayBuffer(len);
      new Uint8Array(ab).set(new Uint8Array(this.buffer.buffer, at, len));
      const per = Ctor.BYTES_PER_ELEMENT || 1;
      return new Ctor(ab, 0, len / per);
    }
    const sab = sabFor(this.get, this.readUint32(), this.resolve);
    const off = this.readDouble();
    const len = this.readDouble();
    if (how === VIEW_SHARED) return new Ctor(sab, off, len);
    const ab = new ArrayBuffer(len);
    new Uint8Array(ab).set(new Uint8Array(sab, off, len));
    if (this.release !== undefined) this.release(sab);
    return new Ctor(ab, 0, len / (Ctor.BYTES_PER_ELEMENT || 1));
  }
}

/** The buffer of wire id `id`: `get(id)`, else after `resolve(id)`. */
function sabFor(get, id, resolve) {
  let sab = get(id);
  if (sab === undefined) {
    resolve(id); // drains the port, where its announcement waits
    sab = get(id);
    if (sab === undefined) throw new Error(`unknown shared buffer ${id}`);
  }
  return sab;
}

/**
 * `value` as bytes. Throws NeedsPort, or what v8.serialize throws. Big
 * plain views go to `side(byteLength)` blocks when it is given; `json`:
 * JSON text when the value allows it.
 */
function encode(value, table, used, side, json) {
  if (json === true && jsonSafe(value)) {
    return Buffer.from(JSON_PREFIX + JSON.stringify(value));
  }
  const s = new RingSerializer(table, side);
  s.writeHeader();
  s.writeValue(value);
  if (used !== undefined) for (const sab of s.used) used.push(sab);
  return s.releaseBuffer();
}

/**
 * The value of encode()'s bytes (a view of a ring slot: read at once);
 * `release(sab)` after each side block is copied out.
 */
function decode(bytes, get, resolve, release) {
  if (bytes.length > 0 && bytes[0] === JSON_TAG) {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 1,
      bytes.length - 1).toString('utf8'));
  }
  const d = new RingDeserializer(bytes, get, resolve, release);
  d.readHeader();
  return d.readValue();
}

module.exports = {
  SabTable, NeedsPort, encode, decode, sabFor, SIDE_BUDGET, jsonSafe,
};
