'use strict';
// The same work the way a service without offload often does it, all on
// the event loop: the body buffered, then node:crypto and node:zlib's sync
// calls; the `compression` middleware; a pure-JS resize loop; the score
// function inline; bcryptjs's sync calls; the downstream called with no
// breaker.
const crypto = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');
const bcryptjs = require('bcryptjs');
const compression = require('compression');
const { readBody } = require('./limit');
const { score } = require('./score_task');
const { callDownstream } = require('./downstream');

// zstd where this Node's zlib has it (22.15+), else deflate level 1, which
// costs about what zstd level 3 does.
const compressSync = typeof zlib.zstdCompressSync === 'function' ?
  (buf) => zlib.zstdCompressSync(buf, {
    params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
  }) :
  (buf) => zlib.deflateSync(buf, { level: 1 });

// Bilinear resize of interleaved 8-bit pixels, in plain JS.
function resizeJs({ data, width, height, channels }, outWidth) {
  const outHeight = Math.max(1, Math.round(height * outWidth / width));
  const out = new Uint8Array(outWidth * outHeight * channels);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const a = data[(y0 * width + x0) * channels + c];
        const b = data[(y0 * width + x1) * channels + c];
        const d = data[(y1 * width + x0) * channels + c];
        const e = data[(y1 * width + x1) * channels + c];
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        out[(y * outWidth + x) * channels + c] = top + (bottom - top) * wy + 0.5;
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

function createWork({ downstreamUrl } = {}) {
  return {
    name: 'naive',
    pool: null,
    breaker: null,
    compression: () => compression(),

    async storeUpload(req, file, limit) {
      const body = await readBody(req, limit);
      const sha256 = crypto.createHash('sha256').update(body).digest('hex');
      const stored = compressSync(body);
      await fs.promises.writeFile(file, stored, { flag: 'wx' });
      return { sha256, bytes: body.length, storedBytes: stored.length };
    },

    async thumbnail(image, width) {
      return resizeJs(image, width);
    },

    // bcrypt cost 12 with bcryptjs's sync API, on the event loop.
    async hashPassword(pw) {
      return bcryptjs.hashSync(pw, 12);
    },
    async verifyPassword(stored, pw) {
      return bcryptjs.compareSync(pw, stored);
    },

    async score(input) {
      return score(input);
    },

    downstream: () => callDownstream(downstreamUrl),

    close: async () => {},
  };
}

module.exports = { createWork, resizeJs };
