'use strict';
// Transform streams over one native codec context each, in node:zlib's
// model: at most one native call in flight, the write callback only after
// the chunk is fully consumed (so backpressure holds), results through an
// Int32Array shared with native code, close deferred natively while a
// call runs.
const { Transform } = require('stream');
const binding = require('./binding');
const { codes, fromStatus } = require('./errors');
const { validateObject, validateInteger, validateFunction } =
  require('./validate');
const { codecOptions, COMPRESS, DECOMPRESS } = require('./codec-options');

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
// Start a new output buffer rather than hand native code a sliver.
const MIN_OUT_SPACE = 512;
const EMPTY = Buffer.alloc(0);
// write(FLUSH_MARK) asks for a flush in order with the data written
// before it; the identity, not the content, marks it.
const FLUSH_MARK = Buffer.alloc(0);

class CodecStream extends Transform {
  constructor(mode, options) {
    const opts = validateObject(options, 'options');
    const o = codecOptions(opts, mode);
    let chunkSize = DEFAULT_CHUNK;
    if (opts.chunkSize !== undefined) {
      chunkSize = validateInteger(opts.chunkSize, 'options.chunkSize', 64,
        2 ** 30);
    }
    super({
      highWaterMark: opts.highWaterMark,
      readableHighWaterMark: opts.readableHighWaterMark,
      writableHighWaterMark: opts.writableHighWaterMark,
    });
    this._mode = mode;
    this._state = new Int32Array(3);
    const handle = binding.streamCreate(mode, o.id, o.level, o.flags,
      o.dictionary, o.maxOutputLength, this._state);
    if (typeof handle === 'number') throw fromStatus(handle);
    this._handle = handle;
    this._maxOutputLength = o.maxOutputLength;
    this._chunkSize = chunkSize;
    this._out = Buffer.allocUnsafe(chunkSize);
    this._outOff = 0;
    this._closed = false;
    this.bytesWritten = 0;
    this.bytesProduced = 0;
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
    binding.streamClose(this._handle); // deferred natively while busy
  }

  /** Feeds `input` with `directive` until it is consumed and drained. */
  _run(input, directive, callback) {
    let inOff = 0;
    const state = this._state;
    // One native call; returns true when the directive needs another.
    const step = (sync) => {
      if (this._out.length - this._outOff < MIN_OUT_SPACE) {
        this._out = Buffer.allocUnsafe(this._chunkSize);
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
        callback(fromStatus(ret, undefined,
          { maxOutputLength: this._maxOutputLength }));
        return false;
      }
      const produced = state[PRODUCED];
      inOff += state[CONSUMED];
      this.bytesWritten += state[CONSUMED];
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
      callback();
      return false;
    };
    const loop = () => {
      for (;;) {
        if (this._closed) return; // destroyed meanwhile: drop silently
        if (input.length - inOff >= INLINE_INPUT) {
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

/** A gzip/deflate/brotli/zstd/lz4 compressor as a stream.Transform. */
class CompressStream extends CodecStream {
  constructor(options) {
    super(COMPRESS, options);
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
