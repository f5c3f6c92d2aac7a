'use strict';
// gzip/deflate/deflate-raw compression streams, pigz-style: each staged
// segment is cut into blocks that all executor threads compress at once,
// joined by sync flushes. Blocks of 256 KiB and more go through libdeflate
// without history (< 0.5% larger than one stream); smaller ones through
// zlib against the 32 KiB before them, so small flushed segments keep the
// ratio of one stream. The header, the checksum folded across segments and
// the trailer make ONE standard stream.
const os = require('os');
const binding = require('./binding');
const { fromStatus } = require('./errors');
const { GZIP_FAMILY } = require('./codec-options');

const WINDOW = 32 * 1024;
const MIN_BLOCK = 256 * 1024; // the core's libdeflate threshold
const LANE_NORMAL = 1;

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
    const block = Math.max(MIN_BLOCK, Math.ceil(len / threads()));
    const id = binding.codecParSegment(this.codec, this.level, input, start,
      block, last ? 1 : 0, LANE_NORMAL, onDone);
    if (id < 0) process.nextTick(done, fromStatus(id));
  }
}

module.exports = { Segments, segmentsFor, threads };
