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
const { watermark } = require('./payloads');

const logo = watermark();

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

// 3×3 unsharp mask (centre 5, edges -1), in plain JS; alpha kept.
function sharpenJs({ data, width, height, channels }) {
  const out = new Uint8Array(data.length);
  const at = (x, y, c) => data[(Math.min(height - 1, Math.max(0, y)) * width +
    Math.min(width - 1, Math.max(0, x))) * channels + c];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        if (c === 3) {
          out[i] = data[i];
          continue;
        }
        const v = 5 * at(x, y, c) - at(x - 1, y, c) - at(x + 1, y, c) -
          at(x, y - 1, c) - at(x, y + 1, c);
        out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { data: out, width, height, channels };
}

// Straight-alpha "over" of an RGBA layer at (left, top), in plain JS.
function overJs(base, layer, left, top) {
  const d = base.data;
  for (let y = 0; y < layer.height; y++) {
    for (let x = 0; x < layer.width; x++) {
      const s = (y * layer.width + x) * 4;
      const t = ((top + y) * base.width + left + x) * 4;
      const a = layer.data[s + 3] / 255;
      for (let c = 0; c < 3; c++) d[t + c] = layer.data[s + c] * a + d[t + c] * (1 - a) + 0.5;
    }
  }
  return base;
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

    async thumbnail(image, width, { watermark } = {}) {
      const out = sharpenJs(resizeJs(image, width));
      if (watermark && out.width >= logo.width + 8 && out.height >= logo.height + 8) {
        overJs(out, logo, out.width - logo.width - 4, 4);
      }
      return out;
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
