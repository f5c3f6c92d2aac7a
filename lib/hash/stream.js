'use strict';
// createHash(): a Transform that passes data through unchanged while
// hashing it, so it can sit in pipeline(req, hasher, file).
const { Transform } = require('stream');
const binding = require('../binding');
const { codes, fromStatus } = require('../errors');
const { validateInteger } = require('../validate');
const { parse, encode } = require('./one_shot');
const { ENCODINGS } = require('./encodings');
const { admitStream } = require('../executor');

// Chunks below this size are hashed on the calling thread: a thread hop
// costs more than hashing them (see bench/hash.js, streaming rows)...
const INLINE_CHUNK = 128 * 1024;
// ...but only this much per turn of the event loop, shared by every Hash
// stream of the thread (~0.3 ms of sha256 here). Past it, chunks go to the
// executor: fifty concurrent uploads, or a source that writes
// synchronously, never make the loop hash more than this between turns.
const INLINE_TURN_BUDGET = 512 * 1024;
let turnSpent = 0;
let turnResetPending = false;

function resetTurn() {
  turnSpent = 0;
  turnResetPending = false;
}

function takeInline(bytes) {
  if (turnSpent + bytes > INLINE_TURN_BUDGET) return false;
  turnSpent += bytes;
  if (!turnResetPending) {
    turnResetPending = true;
    setImmediate(resetTurn);
  }
  return true;
}

class Hash extends Transform {
  /**
   * @param {string} algorithm
   * @param {object} [options] key, seed, outputLength, highWaterMark
   */
  constructor(algorithm, options) {
    const p = parse(algorithm, options);
    const hwm = p.opts.highWaterMark === undefined ? undefined
      : validateInteger(p.opts.highWaterMark, 'options.highWaterMark', 0,
        2 ** 31 - 1);
    super({ highWaterMark: hwm });
    this._ctx = binding.hashCreate(p.id, p.key, p.seed, p.outLen);
    this._lane = 1;
    this._digest = null;
    this._error = null;
    this._waiters = [];
    this.once('error', (err) => this._settle(err));
    admitStream(this); // last: throws CIRCUIT_OPEN while offload sheds
  }

  _transform(chunk, encoding, callback) {
    this.push(chunk);
    if (chunk.byteLength < INLINE_CHUNK && takeInline(chunk.byteLength)) {
      try {
        binding.hashUpdateSync(this._ctx, chunk);
      } catch (err) {
        callback(err);
        return;
      }
      callback();
      return;
    }
    // One native update in flight: the callback (and so the next write)
    // waits for it.
    const id = binding.hashUpdate(this._ctx, [chunk], this._lane,
      (status) => callback(status === 0 ? null : fromStatus(status)));
    if (id < 0) callback(fromStatus(id));
  }

  _flush(callback) {
    try {
      this._digest = binding.hashDigest(this._ctx);
    } catch (err) {
      callback(err);
      return;
    }
    this._settle(null);
    callback();
  }

  _settle(err) {
    if (err) this._error = err;
    const waiters = this._waiters;
    this._waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Resolves with the digest once the stream has finished; rejects if the
   * stream fails. If nothing consumes the pass-through output, the stream
   * is resumed so that it can finish.
   * @param {'buffer'|'hex'|'base64'|'base64url'} [encoding]
   */
  digest(encoding = 'buffer') {
    if (!ENCODINGS.includes(encoding)) {
      return Promise.reject(codes.ERR_INVALID_ARG_VALUE('encoding', encoding,
        `must be one of: ${ENCODINGS.map((e) => `'${e}'`).join(', ')}`));
    }
    return new Promise((resolve, reject) => {
      const done = () => {
        if (this._digest !== null) resolve(encode(this._digest, encoding));
        else reject(this._error || codes.ERR_OFFLOAD_CLOSED('The hash stream'));
      };
      if (this._digest !== null || this._error !== null) {
        done();
        return;
      }
      this._waiters.push(done);
      if (this.destroyed) this._settle(null);
      if (this.readableFlowing === null) this.resume();
    });
  }

  _destroy(err, callback) {
    if (this._digest === null && this._error === null) {
      this._error = err || codes.ABORT_ERR();
      this._settle(null);
    }
    callback(err);
  }
}

/**
 * @example
 * const hasher = offload.createHash('sha256');
 * await pipeline(req, hasher, fs.createWriteStream(path));
 * const hex = await hasher.digest('hex');
 */
function createHash(algorithm, options) {
  return new Hash(algorithm, options);
}

module.exports = { Hash, createHash };
