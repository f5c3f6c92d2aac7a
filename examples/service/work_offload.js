'use strict';
// The service's CPU-heavy work, done with offload: hashing and compression
// on the native executor, the JS score on a WorkerPool, the downstream
// call behind a CircuitBreaker.
const fs = require('node:fs');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const offload = require('../..'); // in your app: require('offload')
const { bodyStream } = require('./limit');
const { callDownstream } = require('./downstream');
const { watermark } = require('./payloads');

const logo = watermark();

function createWork({
  downstreamUrl, threads, resetTimeout = 5000, niceIncrement = 0,
} = {}) {
  // Shed load (503) only on real overload: a queue wait over 2 s.
  offload.configure({ shed: { maxQueueWait: 2000 } });
  const pool = new offload.WorkerPool({
    filename: path.join(__dirname, 'score_task.js'),
    minThreads: 1, maxThreads: threads || 2, maxQueue: 256, niceIncrement,
  });
  const breaker = new offload.CircuitBreaker(() => callDownstream(downstreamUrl), {
    name: 'downstream', timeout: 1000, resetTimeout,
    errorThresholdPercentage: 50, volumeThreshold: 10,
  });
  breaker.fallback(() => ({ price: null, fallback: true }));

  return {
    name: 'offload',
    pool,
    breaker,
    compression: () => offload.compression(),

    /** Hashes the raw body and stores it zstd-compressed, streaming. */
    async storeUpload(req, file, limit) {
      const hasher = offload.createHash('sha256');
      const out = fs.createWriteStream(file, { flags: 'wx' });
      const body = bodyStream(req, limit);
      await pipeline(body, hasher,
        offload.createCompressStream({ codec: 'zstd', level: 3 }), out);
      return {
        sha256: await hasher.digest('hex'),
        bytes: body.bytes,
        storedBytes: out.bytesWritten,
      };
    },

    /**
     * Resize to `width` (lanczos3, aspect kept), sharpen, and optionally
     * watermark the top-right corner: one executor task for the chain.
     */
    async thumbnail(image, width, { watermark } = {}) {
      let p = offload.image.pipeline(image).resize({ width, kernel: 'lanczos3' })
        .sharpen({ sigma: 1 });
      if (watermark) {
        const h = Math.max(1, Math.round(image.height * width / image.width));
        if (width >= logo.width + 8 && h >= logo.height + 8) {
          p = p.composite([{ input: logo, left: width - logo.width - 4, top: 4 }]);
        }
      }
      return p.run();
    },

    // argon2id at OWASP's parameters, on the executor: a login storm
    // neither stalls the loop nor starves fs/dns on libuv's pool.
    hashPassword: (pw) => offload.password.hash(pw),
    verifyPassword: (stored, pw) => offload.password.verify(stored, pw),

    score: (input, signal) => pool.run(input, { signal }),
    downstream: () => breaker.fire(),
    async close() {
      breaker.shutdown();
      await pool.close();
    },
  };
}

module.exports = { createWork };
