'use strict';
// Request bodies for the demo, the burst button and the tests: a 1 MiB
// upload that compresses like real data, and a raw RGBA photo-like frame.

/** `size` bytes of log-like text (compressible, not trivially). */
function uploadBody(size) {
  const lines = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `${1764547200 + i} GET /api/items/${(i * 7919) % 100000} ` +
      `${200 + (i % 17 === 0 ? 300 : 0)} ${(i * 104729) % 5000}us ua=${i % 23}\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

/** A width × height RGBA frame: gradients, edges and a little noise. */
function thumbnailBody(width, height) {
  const data = Buffer.alloc(width * height * 4);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) & 15;
      const i = (y * width + x) * 4;
      const edge = ((x >> 6) + (y >> 6)) & 1 ? 60 : 0;
      data[i] = (x * 255 / width + noise) & 255;
      data[i + 1] = (y * 255 / height + edge) & 255;
      data[i + 2] = ((x + y) * 127 / (width + height) + noise) & 255;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/** A 64×32 RGBA watermark: white stripes at half opacity. */
function watermark() {
  const width = 64;
  const height = 32;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const on = ((i % width) >> 3) % 2 === 0;
    data.set([255, 255, 255, on ? 160 : 0], i * 4);
  }
  return { data, width, height, channels: 4 };
}

module.exports = { uploadBody, thumbnailBody, watermark };
