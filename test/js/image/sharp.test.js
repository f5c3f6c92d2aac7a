'use strict';
// offload.image against sharp (raw in, raw out) on generated images with
// gradients, an edge and noise: mean absolute difference <= 1 and max <= 8
// per u8 sample. Deliberate differences, documented in the README and not
// compared here: grayscale (offload: Rec. 709 luma of the encoded values;
// sharp: luminance in linear light), sharpen (sharp works on LAB
// lightness), RGBA filters (sharp premultiplies colour around blur and
// convolve; offload filters each channel as it is).
const test = require('node:test');
const assert = require('node:assert');
let sharp = null;
try {
  sharp = require('sharp');
} catch (err) {
  // sharp's own binary is per platform: under qemu (OFL_UNDER_QEMU) the
  // x64 install has none for linux-arm64. Anywhere else under CI it must
  // load.
  if (process.env.CI && !process.env.OFL_UNDER_QEMU) throw err;
}
const skip = sharp === null && 'sharp does not load on this platform';
const { image } = require('../../..');
const ref = require('./ref');

async function viaSharp(img, f) {
  const { data, info } = await f(sharp(img.data, { raw: { width: img.width,
    height: img.height, channels: img.channels } })).raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height,
    channels: info.channels };
}

function agree(mine, theirs, what, channels = mine.channels) {
  assert.strictEqual(mine.width, theirs.width, what);
  assert.strictEqual(mine.height, theirs.height, what);
  let worst = 0;
  let total = 0;
  const n = mine.width * mine.height;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const d = Math.abs(mine.data[p * mine.channels + c] -
        theirs.data[p * theirs.channels + c]);
      worst = Math.max(worst, d);
      total += d;
    }
  }
  const mad = total / (n * channels);
  assert.ok(mad <= 1 && worst <= 8, `${what}: MAD ${mad}, max ${worst}`);
}

test('image_agrees_with_sharp', { skip }, async () => {
  const k3 = [-1, -1, -1, -1, 9, -1, -1, -1, -1];
  const kb = [1, 2, 1, 2, 4, 2, 1, 2, 1];
  const k5 = [0, 1, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 1, 0, 1, 0, 1, 0, 1, 2, 1,
    0, 1, 2];
  for (const ch of [1, 3]) {
    const img = ref.make(257, 191, ch, 'u8', 3);
    const cases = [
      ['blur 0.5', image.blurSync(img, { sigma: 0.5 }), (s) => s.blur(0.5)],
      ['blur 2', await image.blur(img, { sigma: 2 }), (s) => s.blur(2)],
      ['blur 10', image.blurSync(img, { sigma: 10 }), (s) => s.blur(10)],
      ['convolve 3x3', image.convolveSync(img, { kernel: k3, width: 3,
        height: 3 }), (s) => s.convolve({ width: 3, height: 3, kernel: k3 })],
      ['convolve separable', image.convolveSync(img, { kernel: kb, width: 3,
        height: 3 }), (s) => s.convolve({ width: 3, height: 3, kernel: kb })],
      ['convolve 5x5', image.convolveSync(img, { kernel: k5, width: 5,
        height: 5 }), (s) => s.convolve({ width: 5, height: 5, kernel: k5 })],
      ['median 3', await image.median(img, { size: 3 }), (s) => s.median(3)],
      ['median 5', image.medianSync(img, { size: 5 }), (s) => s.median(5)],
      ['flip', image.flipSync(img), (s) => s.flip()],
      ['flop', image.flopSync(img), (s) => s.flop()],
      ['rotate 90', image.rotateSync(img, { angle: 90 }), (s) => s.rotate(90)],
      ['rotate 180', image.rotateSync(img, { angle: 180 }),
        (s) => s.rotate(180)],
      ['rotate 270', image.rotateSync(img, { angle: 270 }),
        (s) => s.rotate(270)],
      ['negate', image.negateSync(img), (s) => s.negate()],
      ['linear', image.linearSync(img, { a: 1.2, b: -10 }),
        (s) => s.linear(1.2, -10)],
      ['threshold', image.thresholdSync(img, { value: 100 }),
        (s) => s.threshold(100, { greyscale: false })],
      ['extract', image.extractSync(img, { left: 10, top: 20, width: 50,
        height: 40 }), (s) => s.extract({ left: 10, top: 20, width: 50,
        height: 40 })],
    ];
    for (const mode of ['copy', 'mirror', 'repeat']) {
      const opts = { left: 10, top: 5, right: 3, bottom: 7, extendWith: mode };
      cases.push([`extend ${mode}`, image.extendSync(img, opts),
        (s) => s.extend(opts)]);
    }
    for (const [what, mine, f] of cases) {
      agree(mine, await viaSharp(img, f), `${ch} channels: ${what}`);
    }
  }
});

test('image_composite_agrees_with_sharp', { skip }, async () => {
  const base = ref.make(320, 200, 3, 'u8', 4);
  const wm = ref.make(64, 48, 4, 'u8', 9);
  for (const [left, top] of [[0, 0], [100, 50], [280, 170]]) {
    const mine = await image.composite(base, [{ input: wm, left, top }]);
    const theirs = await viaSharp(base, (s) => s.composite([{ input: wm.data,
      raw: { width: 64, height: 48, channels: 4 }, left, top }]));
    agree(mine, theirs, `over at ${left},${top}`, 3);
  }
});
