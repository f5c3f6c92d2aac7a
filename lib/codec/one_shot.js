'use strict';
// One-shot compression: promise APIs on the executor (inline below a
// measured size, where handing off costs more than the work) and *Sync
// twins on the calling thread.
const binding = require('../binding');
const { fromStatus, unreadable } = require('../errors');
const { toBytes, taskOptions, validateObject } = require('../validate');
const { run } = require('../executor');
const {
  codecOptions, zstdWindowSize, GZIP_FAMILY, COMPRESS, DECOMPRESS,
} = require('./options');
const { threads } = require('./segments');

// Below these input sizes a promise call runs inline: a round trip through
// the executor costs ~30-50 µs, which is what compressing 16 KiB at level
// 6 or decompressing 64 KiB takes (bench/compress.js, "inline threshold").
const INLINE_BYTES = [16 * 1024, 64 * 1024];
// Parallel compression splits inputs of at least this size ('auto'); an
// explicit `parallel: true` lowers it to 1 MiB. gzip-family blocks of
// about PARALLEL_BLOCK go through libdeflate without history (+0.2-0.6% at
// 1 MiB, against +0.6-1.2% at 512 KiB: bench/gzip_ratio.js), so 2 threads
// pay off. zstd splits into independent frames of ZSTD_FRAME (as pzstd
// does) on the executor; libzstd's own workers, where it has them, cost a
// thread start-up per call, so zstd 'auto' uses those only from 3 threads
// (docs/benchmarks.md).
const PARALLEL_AUTO_MIN = 4 * 1024 * 1024;
const PARALLEL_BLOCK = 1024 * 1024;
const PARALLEL_TRUE_MIN = 1024 * 1024;
const ZSTD_FRAME = 4 * 1024 * 1024;
const ZSTD_AUTO_THREADS = 3;
// zstd inputs of several frames (offload's parallel output, pzstd's) of at
// least this many compressed bytes decode their frames on several threads.
const FRAMES_MIN = 256 * 1024;
const FRAMES_MAX_PIECES = 64;

/**
 * How many frames a multi-frame zstd decode across the executor gets, or
 * 0 for the one-job path (one frame, a skippable frame, an undeclared
 * size...).
 */
function zstdFrames(o, input) {
  if ((o.name !== 'zstd' && o.name !== 'auto') || o.dictionary !== undefined ||
      o.parallel === false || input.byteLength < FRAMES_MIN ||
      !binding.codecFrames || threads() < 2) return 0;
  const frames = binding.zstdFrames(input, o.maxOutputLength);
  return frames < 2 ? 0 : frames;
}

/** How many ways to split a compression, or 1 for none. */
function parallelism(o, len) {
  if (o.parallel === false) return 1;
  const min = o.parallel === true ? PARALLEL_TRUE_MIN : PARALLEL_AUTO_MIN;
  if (len < min) return 1;
  const n = threads();
  if (n < 2) return 1;
  return Math.min(n, Math.ceil(len / PARALLEL_BLOCK));
}

function sync(mode, data, options) {
  const input = toBytes(data, 'data');
  const o = codecOptions(options, mode, { oneShot: true });
  const out = binding.codecSync(mode, o.id, o.level, o.flags, o.dictionary,
    o.maxOutputLength, input);
  if (typeof out === 'number') {
    throw fromStatus(out, undefined, {
      maxOutputLength: o.maxOutputLength, windowLogMax: o.windowLogMax,
      windowSize: () => zstdWindowSize(input),
    });
  }
  return out;
}

// `ticket`: a shed admission taken by the caller (offload.compression()).
function async(mode, data, options, ticket) {
  try {
    const input = toBytes(data, 'data');
    const opts = validateObject(options, 'options');
    const o = codecOptions(opts, mode, { oneShot: true });
    const task = taskOptions(opts);
    const ctx = {
      maxOutputLength: o.maxOutputLength, windowLogMax: o.windowLogMax,
      windowSize: () => zstdWindowSize(input),
    };
    const len = input.byteLength;
    const stoppable = task.signal !== undefined || task.timeout > 0;
    if (!stoppable && len < INLINE_BYTES[mode]) {
      const out = binding.codecSync(mode, o.id, o.level, o.flags,
        o.dictionary, o.maxOutputLength, input);
      if (ticket) ticket.settle(0); // ran inline, never queued
      return typeof out === 'number'
        ? Promise.reject(fromStatus(out, undefined, ctx))
        : Promise.resolve(out);
    }
    let flags = o.flags;
    const frames = mode === DECOMPRESS ? zstdFrames(o, input) : 0;
    if (frames > 1) {
      const pieces = Math.min(FRAMES_MAX_PIECES, frames, 4 * threads());
      return run((cb, timeout) => binding.codecFrames(input,
        o.maxOutputLength, frames, pieces, task.lane, timeout, cb), task,
      ctx, ticket);
    }
    if (mode === COMPRESS) {
      const ways = parallelism(o, len);
      if (ways > 1 && GZIP_FAMILY.includes(o.name) && o.level <= 9 &&
          o.dictionary === undefined && binding.codecParallel) {
        // Even blocks: a short tail block would go through zlib.
        const block = Math.ceil(len / Math.ceil(len / PARALLEL_BLOCK));
        return run((cb, timeout) => binding.codecParallel(o.id, o.level,
          0, input, block, task.lane, timeout, cb), task, ctx, ticket);
      }
      if (ways > 1 && o.name === 'zstd' && o.dictionary === undefined) {
        const mt = binding.zstdMaxWorkers; // 0: a single-threaded libzstd
        if (mt > 0 && (o.parallel === true || ways >= ZSTD_AUTO_THREADS)) {
          flags |= Math.min(ways, mt) << 8; // one frame, libzstd's workers
        } else {
          const pieces = Math.max(2, Math.ceil(len / ZSTD_FRAME));
          return run((cb, timeout) => binding.codecParallel(o.id, o.level,
            o.flags, input, Math.ceil(len / pieces), task.lane, timeout, cb),
          task, ctx, ticket);
        }
      }
    }
    return run((cb, timeout) => binding.codecAsync(mode, o.id, o.level,
      flags, o.dictionary, o.maxOutputLength, input, stoppable ? 1 : 0,
      task.lane, timeout, cb), task, ctx, ticket);
  } catch (err) {
    if (ticket) ticket.settle(-9);
    return Promise.reject(unreadable(err, 'arguments'));
  }
}

/**
 * Compresses `data` on offload's executor.
 * @example const gz = await offload.compress(buf, { codec: 'gzip', level: 6 })
 */
function compress(data, options) {
  return async(COMPRESS, data, options);
}

/**
 * Decompresses `data` on offload's executor; `codec: 'auto'` (the
 * default) detects gzip, zlib, zstd and lz4.
 * @example const raw = await offload.decompress(gz, { maxOutputLength: 1 << 20 })
 */
function decompress(data, options) {
  return async(DECOMPRESS, data, options);
}

/** compress() under a shed ticket the caller took (lib/express/compression.js). */
function compressAdmitted(data, options, ticket) {
  return async(COMPRESS, data, options, ticket);
}

/** compress() on the calling thread; throws. */
function compressSync(data, options) {
  return sync(COMPRESS, data, options);
}

/** decompress() on the calling thread; throws. */
function decompressSync(data, options) {
  return sync(DECOMPRESS, data, options);
}

module.exports = {
  compress, decompress, compressSync, decompressSync, compressAdmitted,
  INLINE_BYTES,
};
