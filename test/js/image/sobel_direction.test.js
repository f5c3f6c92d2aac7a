'use strict';
// sobel({ direction: true }): (magnitude, angle) planes against the plain
// reference in ./ref.js, every dtype, awkward sizes and strides; promise
// (inline and banded) equals Sync equals a pipeline; the angle's sign
// conventions; refusal of more than one channel.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const ref = require('./ref');

const { image } = offload;
const DTYPES = ['u8', 'u16', 'f32'];
const SIZES = [[1, 1], [1, 9], [13, 1], [2, 2], [7, 5], [64, 3], [97, 11],
  [63, 64]];

/** Magnitude within 1 LSB (1e-5 relative for f32); the angle within 1 LSB
 * around the circle (u8/u16) or 1e-5 radians (f32). */
function checkDirection(got, want, dtype, what) {
  assert.strictEqual(got.channels, 2, what);
  assert.strictEqual(got.width, want.width, what);
  assert.strictEqual(got.height, want.height, what);
  const turn = ref.MAX[dtype] + 1;
  const stride = got.stride ?? got.width * 2;
  for (let y = 0; y < want.height; y++) {
    for (let x = 0; x < want.width; x++) {
      const i = (y * want.width + x) * 2;
      const g = y * stride + x * 2;
      let m = want.values[i];
      if (dtype !== 'f32') m = Math.min(ref.MAX[dtype], Math.round(m));
      const dm = Math.abs(got.data[g] - m);
      assert.ok(dtype === 'f32' ? dm <= 1e-5 * Math.max(1, m) : dm <= 1,
        `${what}: magnitude at ${x},${y}: ${got.data[g]} vs ${m}`);
      const a = got.data[g + 1];
      const r = want.values[i + 1];
      if (dtype === 'f32') {
        assert.ok(a > -Math.PI - 1e-6 && a <= Math.PI + 1e-6, `${what}: ${a}`);
        // pi and -pi are one angle.
        const d = Math.abs(a - r);
        assert.ok(Math.min(d, Math.abs(d - 2 * Math.PI)) <= 1e-5,
          `${what}: angle at ${x},${y}: ${a} vs ${r}`);
      } else {
        assert.ok(Number.isInteger(a) && a >= 0 && a < turn, `${what}: ${a}`);
        const d = Math.abs(a - r);
        assert.ok(Math.min(d, turn - d) <= 1,
          `${what}: angle at ${x},${y}: ${a} vs ${r}`);
      }
    }
  }
}

test('image_sobel_direction_matches_the_reference', async () => {
  for (const dtype of DTYPES) {
    for (const [w, h] of SIZES) {
      for (const pad of [0, 3]) {
        const src = ref.make(w, h, 1, dtype, w * 31 + h, pad);
        const want = ref.sobel(src, dtype, true);
        const what = `sobel direction ${dtype} ${w}x${h} pad ${pad}`;
        const sync = image.sobelSync(src, { direction: true });
        checkDirection(sync, want, dtype, what);
        const prom = await image.sobel(src, { direction: true });
        assert.deepStrictEqual(prom.data, sync.data, what);
        const piped = image.pipeline(src).sobel({ direction: true }).runSync();
        assert.deepStrictEqual(piped.data, sync.data, what);
        // The magnitude plane is plain sobel's.
        const plain = image.sobelSync(src);
        for (let i = 0; i < w * h; i++) {
          assert.strictEqual(sync.data[2 * i], plain.data[i], what);
        }
      }
    }
  }
});

test('image_sobel_direction_angle_conventions', () => {
  // A ramp to the right: gx > 0, gy = 0, theta = 0; down: pi / 2; to the
  // left: pi (u8: 0, the wrap point); up: -pi / 2; flat: atan2(0, 0) = 0.
  const ramp = (fx, fy) => {
    const data = new Float32Array(25);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) data[y * 5 + x] = 0.05 * (fx * x + fy * y) + 0.4;
    }
    return { data, width: 5, height: 5, channels: 1 };
  };
  const centre = (img) => img.data[(2 * 5 + 2) * 2 + 1];
  const cases = [[1, 0, 0, 128, 32768], [0, 1, Math.PI / 2, 192, 49152],
    [-1, 0, Math.PI, 0, 0], [0, -1, -Math.PI / 2, 64, 16384],
    [0, 0, 0, 128, 32768], [1, 1, Math.PI / 4, 160, 40960]];
  for (const [fx, fy, rad, u8, u16] of cases) {
    const f = ramp(fx, fy);
    assert.ok(Math.abs(centre(image.sobelSync(f, { direction: true })) - rad)
      < 1e-6, `f32 ${fx},${fy}`);
    const b = { ...f, data: Buffer.from(f.data.map((v) => v * 255)) };
    assert.strictEqual(centre(image.sobelSync(b, { direction: true })), u8,
      `u8 ${fx},${fy}`);
    const s = { ...f, data: Uint16Array.from(f.data, (v) => v * 65535) };
    assert.strictEqual(centre(image.sobelSync(s, { direction: true })), u16,
      `u16 ${fx},${fy}`);
  }
});

test('image_sobel_direction_large_and_in_pipelines', async () => {
  const rgb = ref.make(640, 480, 3, 'u8', 9);
  const gray = image.grayscaleSync(rgb);
  const want = image.sobelSync(gray, { direction: true });
  const banded = await image.sobel(gray, { direction: true });
  assert.deepStrictEqual(banded.data, want.data);
  const piped = await image.pipeline(rgb).grayscale()
    .sobel({ direction: true }).run();
  assert.deepStrictEqual(piped.data, want.data);
  assert.strictEqual(piped.channels, 2);
  // The planes split with extractChannel; the angle plane feeds stats.
  const angle = image.extractChannelSync(want, { channel: 1 });
  assert.deepStrictEqual(await image.pipeline(rgb).grayscale()
    .sobel({ direction: true }).extractChannel({ channel: 1 }).stats().run(),
  image.statsSync(angle));
  const f32 = ref.make(33, 17, 1, 'f32', 4);
  const r = image.pipeline(f32).sobel({ direction: true }).runSync();
  assert.ok(r.data instanceof Float32Array);
  assert.deepStrictEqual(r.data, image.sobelSync(f32, { direction: true }).data);
});

test('image_sobel_direction_refuses_more_than_one_channel', async () => {
  for (const ch of [2, 3, 4]) {
    const src = ref.make(8, 8, ch, 'u8', ch);
    assert.throws(() => image.sobelSync(src, { direction: true }),
      { code: 'ERR_INVALID_ARG_VALUE', message: /must be 1 for sobel/ });
    await assert.rejects(image.sobel(src, { direction: true }),
      { code: 'ERR_INVALID_ARG_VALUE' });
    await assert.rejects(image.pipeline(src).sobel({ direction: true }).run(),
      { code: 'ERR_INVALID_ARG_VALUE' });
    // direction: false keeps the per-channel magnitude.
    assert.strictEqual(image.sobelSync(src, { direction: false }).channels, ch);
  }
  assert.throws(() => image.sobelSync(ref.make(4, 4, 1), { direction: 1 }),
    { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => image.sobelSync(ref.make(4, 4, 1), { edge: 'wrap' }),
    { code: 'ERR_INVALID_ARG_VALUE' });
});
