'use strict';
// Transform streams over one native codec context each, in node:zlib's
// model: at most one native call in flight, the write callback only after
// the chunk is fully consumed (so backpressure holds), results through an
// Int32Array shared with native code, close deferred natively while a
// call runs.
const { Transform } = require('stream');
const binding = require('../binding');
const { codes, fromStatus } = require('../errors');
const { validateObject, validateInteger, validateFunction } =
  require('../validate');
const { codecOptions, COMPRESS, DECOMPRESS } = require('./options');
const {
  Segments, segmentsFor, ZstdFrames, framesFor,
} = require('./segments');
const { admitStream } = require('../executor');

const CONTINUE = 0;
const FLUSH = 1;
const END = 2;
const RET = 0;
const CONSUMED = 1;
const PRODUCED = 2;
const DEFAULT_CHUNK = 64 * 1024;
// A call with less input than this runs inline on the JS thread: its work
// (≤ this much input, ≤ chunkSize output) costs less than an executor
// round trip.
const INLINE_INPUT = 8 * 1024;
// A compression stream's staging buffer: sent to native code when it
// holds this much (or on flush/end); it starts small and grows x4.
const STAGE = 1024 * 1024;
const MIN_STAGE = 16 * 1024;
const IDLE_MS = 20;
// Full-size stages of compression streams that ended, for streams that
// grow to full size later (a service compressing many 1 MiB bodies then
// allocates, and V8 collects, no stage per body). Bounded: 16 MiB.
const POOL_FROM = 256 * 1024;
const POOL_MAX = 16;
const stagePool = [];
const noop = () => {};
// Start a new output buffer rather than hand native code a sliver.
const MIN_OUT_SPACE = 512;
const EMPTY = Buffer.alloc(0);
// write(FLUSH_MARK) asks for a flush in order with the data written
// before it; the identity, not the content, marks it.
const FLUSH_MARK = Buffer.alloc(0);

class CodecStream extends Transform {
  // `ticket`: a shed admission the caller took (offload.compression()).
  constructor(mode, options, ticket) {
    const opts = validateObject(options, 'options');
    const o = codecOptions(opts, mode);
    let chunkSize = DEFAULT_CHUNK;
    if (opts.chunkSize !== undefined) {
      chunkSize = validateInteger(opts.chunkSize, 'options.chunkSize', 64,
        2 ** 30);
    }
    // Compression: the write that fills a segment waits for its native
    // operation, so writes queue meanwhile; a segment's worth of room lets
    // the source keep producing while the codec works.
    const writableHWM = opts.writableHighWaterMark !== undefined ||
      opts.highWaterMark !== undefined || mode !== COMPRESS
      ? opts.writableHighWaterMark : STAGE;
    super({
      highWaterMark: opts.highWaterMark,
      readableHighWaterMark: opts.readableHighWaterMark,
      writableHighWaterMark: writableHWM,
    });
    this._mode = mode;
    this._codec = o;
    this._state = new Int32Array(3);
    // gzip-family compression runs as parallel segments, without a
    // native stream context.
    this._segments = mode === COMPRESS && segmentsFor(o) ? new Segments(o)
      : null;
    // zstd: large segments as parallel frames, the rest through the
    // context below (_zopen: its frame has data and is not ended).
    this._frames = mode === COMPRESS && framesFor(o) ? new ZstdFrames(o)
      : null;
    this._zopen = false;
    // Compression: input the context consumed since its last flush or
    // end. zstd and brotli keep up to a block of it uncompressed, which
    // the next call may compress, however small its own input.
    this._held = 0;
    this._handle = null;
    if (this._segments === null) {
      const handle = binding.streamCreate(mode, o.id, o.level, o.flags,
        o.dictionary, o.maxOutputLength, this._state);
      if (typeof handle === 'number') throw fromStatus(handle);
      this._handle = handle;
    }
    this._maxOutputLength = o.maxOutputLength;
    this._windowLogMax = o.windowLogMax;
    this._chunkSize = chunkSize;
    this._out = Buffer.allocUnsafe(chunkSize);
    this._outOff = 0;
    // Output room a call should start with: a staged segment's output
    // fits in one call, so it costs one thread hop.
    this._minOut = 0;
    this._closed = false;
    this.bytesWritten = 0;
    this.bytesProduced = 0;
    admitStream(this, ticket); // last: throws CIRCUIT_OPEN while offload sheds
  }

  /**
   * Makes all data written so far decodable (compression: a sync flush;
   * decompression: emits all output available), then calls `callback`.
   */
  flush(callback) {
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback);
      return;
    }
    this.write(FLUSH_MARK, callback);
  }

  _transform(chunk, encoding, callback) {
    if (chunk === FLUSH_MARK) {
      this._run(EMPTY, this._mode === COMPRESS ? FLUSH : CONTINUE, callback);
    } else {
      this._run(chunk, CONTINUE, callback);
    }
  }

  _flush(callback) {
    this._run(EMPTY, END, (err) => {
      if (!err) this._close();
      callback(err);
    });
  }

  _destroy(err, callback) {
    this._close();
    callback(err);
  }

  _close() {
    if (this._closed) return;
    this._closed = true;
    if (this._idle) clearTimeout(this._idle);
    // Deferred natively while a call runs.
    if (this._handle !== null) binding.streamClose(this._handle);
  }

  /** Pushes output produced outside _run (segment mode). */
  _emit(buf) {
    this.bytesProduced += buf.length;
    this.push(buf);
  }

  /** Feeds `input` with `directive` until it is consumed and drained. */
  _run(input, directive, callback) {
    let inOff = 0;
    const state = this._state;
    // One native call; returns true when the directive needs another.
    const step = (sync) => {
      const want = Math.max(MIN_OUT_SPACE, this._minOut);
      if (this._out.length - this._outOff < want) {
        this._out = Buffer.allocUnsafe(Math.max(this._chunkSize, want));
        this._outOff = 0;
      }
      const out = this._out;
      const outLen = out.length - this._outOff;
      if (sync) {
        binding.streamWrite(this._handle, directive, input, inOff,
          input.length - inOff, out, this._outOff, outLen, undefined);
        return;
      }
      const id = binding.streamWrite(this._handle, directive, input, inOff,
        input.length - inOff, out, this._outOff, outLen, onDone);
      if (id < 0) {
        state[RET] = id;
        state[CONSUMED] = 0;
        state[PRODUCED] = 0;
        onDone();
      }
    };
    // Publishes one call's result; returns true when another is needed.
    const consume = () => {
      const ret = state[RET];
      if (ret < 0) {
        callback(fromStatus(ret, undefined, {
          maxOutputLength: this._maxOutputLength,
          windowLogMax: this._windowLogMax,
        }));
        return false;
      }
      const produced = state[PRODUCED];
      inOff += state[CONSUMED];
      if (this._mode === COMPRESS) this._held += state[CONSUMED];
      // Compression counts its input when staging it.
      if (this._mode === DECOMPRESS) this.bytesWritten += state[CONSUMED];
      if (produced > 0) {
        this.bytesProduced += produced;
        if (this._mode === DECOMPRESS &&
            this.bytesProduced > this._maxOutputLength) {
          callback(codes.ERR_BUFFER_TOO_LARGE(this._maxOutputLength));
          return false;
        }
        const slice = this._out.subarray(this._outOff,
          this._outOff + produced);
        this._outOff += produced;
        this.push(slice);
      }
      if (ret > 0 && produced === 0 && state[CONSUMED] === 0) {
        // No progress with space left: the codec wants a larger window.
        if (this._outOff === 0) {
          callback(fromStatus(-13, 'codec made no progress'));
          return false;
        }
        this._outOff = this._out.length;
      }
      if (ret > 0 || inOff < input.length) return true;
      if (directive !== CONTINUE) this._held = 0;
      callback();
      return false;
    };
    const loop = () => {
      for (;;) {
        if (this._closed) return; // destroyed meanwhile: drop silently
        // Inline only when the call's whole work is small: its input plus
        // what the context holds (an END with no input may compress
        // 128 KiB of held zstd input).
        if (input.length - inOff + this._held >= INLINE_INPUT) {
          step(false);
          return;
        }
        step(true);
        if (!consume()) return;
      }
    };
    const onDone = () => {
      if (this._closed) return;
      if (consume()) loop();
    };
    loop();
  }
}

/**
 * A gzip/deflate/brotli/zstd/lz4 compressor as a stream.Transform. Writes
 * are copied into a staging buffer that goes to native code as one
 * segment once it holds STAGE bytes (or on flush/end), so the thread hop
 * is paid per segment rather than per chunk; the write that fills a
 * segment calls back once it is compressed, while further writes queue in
 * the writable buffer. gzip/deflate segments are compressed
 * pigz-style on all executor threads (see compress-segments.js).
 */
class CompressStream extends CodecStream {
  constructor(options, ticket) {
    super(COMPRESS, options, ticket);
    this._stage = null;
    this._spare = null;
    this._stageLen = 0;
    this._stageStart = 0; // history bytes at the front (segment mode)
    this._busy = false;
    this._waiter = null; // { go, cb }: a send waiting for the running one
    this._idle = null; // timer of _armIdle
  }

  _transform(chunk, encoding, callback) {
    if (chunk === FLUSH_MARK) {
      this._send(FLUSH, callback);
      return;
    }
    let off = 0;
    const fill = (err) => {
      if (err) {
        callback(err);
        return;
      }
      while (off < chunk.length) {
        const n = Math.min(chunk.length - off, this._room(chunk.length - off));
        chunk.copy(this._stage, this._stageLen, off, off + n);
        this._stageLen += n;
        off += n;
        this.bytesWritten += n;
        if (this._stageLen - this._stageStart >= STAGE) {
          this._send(CONTINUE, fill);
          return;
        }
      }
      this._armIdle();
      callback();
    };
    fill();
  }

  /**
   * A slow writer must not wait for a full segment: staged bytes that sat
   * IDLE_MS with nothing in flight go to the codec anyway (as node:zlib
   * would have consumed them; gzip-family segments end in a sync flush).
   */
  _armIdle() {
    if (this._idle !== null || this._stageLen === this._stageStart) return;
    this._idle = setTimeout(() => {
      this._idle = null;
      if (this._closed || this._busy || this._stageLen === this._stageStart) {
        return;
      }
      this._send(CONTINUE, noop);
    }, IDLE_MS);
    if (this._idle.unref) this._idle.unref();
  }

  _flush(callback) {
    this._send(END, (err) => {
      if (!err) this._close();
      callback(err);
    });
  }

  _close() {
    // Native code reads the stage only while a send is in flight.
    const free = !this._closed && !this._busy;
    super._close();
    if (!free) return;
    for (const b of [this._spare, this._stage]) {
      if (b !== null && b.length >= STAGE &&
          stagePool.length < POOL_MAX) stagePool.push(b);
    }
    this._spare = this._stage = null;
  }

  /** Room for `want` more bytes, growing the stage geometrically. */
  _room(want) {
    const used = this._stageLen - this._stageStart;
    const need = Math.min(STAGE - used, want);
    const stage = this._stage;
    if (stage !== null && stage.length - this._stageLen >= need) return need;
    // x4: a 1 MiB body allocates 1.3 MiB of stages and copies 0.3 MiB
    // while growing (x2: 2 MiB and 1 MiB).
    let size = stage === null ? MIN_STAGE : stage.length * 4;
    while (size < this._stageLen + need) size *= 2;
    size = Math.min(size, this._stageStart + STAGE);
    let grown;
    if (this._spare !== null && this._spare.length >= size) {
      grown = this._spare; // a sent segment's buffer, free again
      this._spare = null;
    } else if (size >= POOL_FROM && stagePool.length > 0 &&
               stagePool[stagePool.length - 1].length >= size) {
      grown = stagePool.pop();
    } else {
      grown = Buffer.allocUnsafe(size);
    }
    if (stage !== null) stage.copy(grown, 0, 0, this._stageLen);
    this._stage = grown;
    return need;
  }

  /**
   * Sends the staged bytes with `directive` and calls back once that
   * native operation has completed and its output has been pushed (the
   * issue's "callback after the native work"). A send waits while another
   * runs: at most one native operation is in flight.
   */
  _send(directive, callback) {
    if (this._idle !== null) {
      clearTimeout(this._idle);
      this._idle = null;
    }
    const go = () => {
      this._waiter = null;
      if (this._closed) return;
      const stage = this._stage || EMPTY;
      const start = this._stageStart;
      const end = this._stageLen;
      this._stage = null;
      this._stageLen = this._stageStart = 0;
      this._busy = true;
      const done = (err) => {
        this._busy = false;
        // Native code is done with it: the largest one is reused, so a
        // stream whose segments go out early (idle) does not regrow a
        // stage from MIN_STAGE each time.
        if (stage.length > 0 &&
            (this._spare === null || stage.length > this._spare.length)) {
          this._spare = stage;
        }
        if (err) {
          const waiting = this._waiter;
          this._waiter = null;
          if (callback !== noop) callback(err);
          else if (waiting) waiting.cb(err);
          else this.destroy(err);
          return;
        }
        if (this._waiter) this._waiter.go();
        else if (!this._closed) this._armIdle();
        callback();
      };
      if (this._segments) {
        const history = this._segments.history(stage, end);
        if (history.length > 0) {
          const spare = this._spare;
          this._stage = spare !== null &&
            spare.length >= history.length + MIN_STAGE ? spare
            : Buffer.allocUnsafe(history.length + MIN_STAGE);
          if (this._stage === spare) this._spare = null;
          history.copy(this._stage);
          this._stageLen = this._stageStart = history.length;
        }
        this._segments.run(this, stage.subarray(0, end), start,
          directive === END, done);
      } else if (this._frames !== null && this._frames.takes(end - start)) {
        this._frames.run(this, stage.subarray(start, end), this._zopen,
          directive === END, done);
        this._zopen = false;
      } else if (this._frames !== null && directive === END &&
                 end === start && !this._zopen && this._frames.used) {
        process.nextTick(done); // every byte is in complete frames already
      } else {
        const len = end - start;
        this._minOut = len < INLINE_INPUT ? 0 : len + (len >>> 6) + 4096;
        if (this._frames !== null) this._zopen = directive !== END;
        this._run(stage.subarray(start, end), directive, done);
      }
    };
    if (this._busy) this._waiter = { go, cb: callback };
    else go();
  }
}

/** The matching decompressor; enforces maxOutputLength on the total. */
class DecompressStream extends CodecStream {
  constructor(options) {
    super(DECOMPRESS, options);
  }
}

/**
 * @example pipeline(src, offload.createCompressStream({ codec: 'zstd' }), dst, cb)
 */
function createCompressStream(options) {
  return new CompressStream(options);
}

/**
 * @example pipeline(src, offload.createDecompressStream({ maxOutputLength: 1e9 }), dst, cb)
 */
function createDecompressStream(options) {
  return new DecompressStream(options);
}

module.exports = {
  CompressStream, DecompressStream, createCompressStream,
  createDecompressStream,
};
