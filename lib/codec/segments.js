'use strict';
// gzip/deflate/deflate-raw compression streams, pigz-style: each staged
// segment is cut into blocks that all executor threads compress at once,
// joined by sync flushes. Blocks of 256 KiB and more go through libdeflate
// without history (< 0.5% larger than one stream); smaller ones through
// zlib against the 32 KiB before them, so small flushed segments keep the
// ratio of one stream. The header, the checksum folded across segments and
// the trailer make ONE standard stream.
const os = require('os');
const binding = require('../binding');
const { fromStatus } = require('../errors');
const { GZIP_FAMILY } = require('./options');

const WINDOW = 32 * 1024;
const MIN_BLOCK = 256 * 1024; // the core's libdeflate threshold
const LANE_NORMAL = 1;
const END = 2; // the stream directive
const EMPTY = Buffer.alloc(0);

/** Blocks or frames of a segment: one per executor thread, at least MIN. */
function perThread(len) {
  return Math.max(MIN_BLOCK, Math.ceil(len / threads()));
}

// Once the executor has started its thread count is fixed (configure()
// then refuses a different one), so it is read once, not per stream.
let started = 0;

function threads() {
  if (started > 0) return started;
  const n = binding.stats().threads;
  if (n > 0) {
    started = n;
    return n;
  }
  return os.availableParallelism ? os.availableParallelism()
    : os.cpus().length;
}

/** Whether a compression stream with options `o` runs as segments. */
function segmentsFor(o) {
  if (!GZIP_FAMILY.includes(o.name) || o.dictionary !== undefined ||
      o.parallel === false) return false;
  return o.parallel === true || threads() >= 2;
}

class Segments {
  constructor(o) {
    this.codec = o.id;
    this.level = o.level;
    this.check = -1; // none yet
    this.total = 0;
  }

  /** The history the next segment needs: the last 32 KiB before `end`. */
  history(stage, end) {
    return stage.subarray(Math.max(0, end - WINDOW), end);
  }

  /**
   * Compresses input[start..] (input[0..start) is history) and pushes the
   * blocks, with the header first and the trailer after the last one.
   */
  run(stream, input, start, last, done) {
    const len = input.length - start;
    const onDone = (status, result) => {
      if (stream._closed) return;
      if (status !== 0) {
        done(fromStatus(status));
        return;
      }
      const [blocks, check] = result;
      if (this.check === -1) {
        stream._emit(binding.codecParFrame(this.codec, this.level, 0, 0,
          false));
        this.check = check;
      } else {
        this.check = binding.codecParCombine(this.codec, this.check, check,
          len);
      }
      this.total += len;
      if (blocks.length > 0) stream._emit(blocks);
      if (last) {
        stream._emit(binding.codecParFrame(this.codec, this.level,
          this.check, this.total, true));
      }
      done();
    };
    const id = binding.codecParSegment(this.codec, this.level, 0, input, start,
      perThread(len), last ? 1 : 0, LANE_NORMAL, onDone);
    if (id < 0) process.nextTick(done, fromStatus(id));
  }
}

/**
 * zstd compression streams on 2+ threads: a segment of at least MIN_BLOCK
 * is compressed as independent frames, one per executor thread at once
 * (as pzstd does; smaller frames even compress a little better at level 3
 * here), so the stream is a standard sequence of frames. Smaller segments
 * (flushes, a slow writer) go through the stream's own zstd context, which
 * keeps its history across them; its open frame is ended before frames
 * follow it.
 */
class ZstdFrames {
  constructor(o) {
    this.codec = o.id;
    this.level = o.level;
    this.flags = o.flags & 1; // content checksums
    this.used = false; // frames emitted: an empty END adds none
  }

  /** Whether a segment of `len` bytes goes as frames. */
  takes(len) {
    return len >= MIN_BLOCK;
  }

  /**
   * Emits input as frames; `endOpen`: the stream's context has an open
   * frame, which is ended (and the context reset) first.
   */
  run(stream, input, endOpen, last, done) {
    const go = () => {
      const id = binding.codecParSegment(this.codec, this.level, this.flags,
        input, 0, perThread(input.length), last ? 1 : 0, LANE_NORMAL,
        (status, frames) => {
          if (stream._closed) return;
          if (status !== 0) {
            done(fromStatus(status));
            return;
          }
          this.used = true;
          stream._emit(frames);
          done();
        });
      if (id < 0) process.nextTick(done, fromStatus(id));
    };
    if (!endOpen) {
      go();
      return;
    }
    stream._run(EMPTY, END, (err) => {
      if (err) {
        done(err);
        return;
      }
      const r = binding.streamReset(stream._handle);
      if (r < 0) done(fromStatus(r));
      else go();
    });
  }
}

/** Whether a compression stream with options `o` may use ZstdFrames. */
function framesFor(o) {
  return o.name === 'zstd' && o.dictionary === undefined &&
    o.parallel !== false && (o.parallel === true || threads() >= 2);
}

module.exports = {
  Segments, segmentsFor, threads, ZstdFrames, framesFor,
};
