'use strict';
// offload.image ops against the plain references in ./ref.js: every dtype,
// channel counts, awkward sizes and strided views; promise (inline and
// banded on the executor) equals Sync; `out` in place and its checks.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const ref = require('./ref');

const { image } = offload;
const DTYPES = ['u8', 'u16', 'f32'];
const SIZES = [[1, 1], [1, 9], [13, 1], [7, 5], [64, 3], [97, 11]];
const TOL = { u8: 1, u16: 1, f32: 1e-5 };

function check(got, want, dtype, what) {
  const d = ref.diff(got, want, dtype);
  assert.ok(d.max <= TOL[dtype], `${what}: max diff ${d.max} (${dtype})`);
  assert.strictEqual(got.width, want.width, what);
  assert.strictEqual(got.height, want.height, what);
  assert.strictEqual(got.channels, want.channels, what);
}

const geometry = {
  flip: [{}, (s) => ref.build(s.width, s.height, s.channels,
    (x, y, c) => ref.at(s, x, s.height - 1 - y, c))],
  flop: [{}, (s) => ref.build(s.width, s.height, s.channels,
    (x, y, c) => ref.at(s, s.width - 1 - x, y, c))],
  rotate: [{ angle: 90 }, (s) => ref.build(s.height, s.width, s.channels,
    (x, y, c) => ref.at(s, y, s.height - 1 - x, c))],
  transpose: [{}, (s) => ref.build(s.height, s.width, s.channels,
    (x, y, c) => ref.at(s, y, x, c))],
};

test('image_geometry_matches_the_reference', async () => {
  for (const [name, [opts, want]] of Object.entries(geometry)) {
    for (const dtype of DTYPES) {
      for (const [w, h] of SIZES) {
        for (const ch of [1, 3, 4]) {
          const src = ref.make(w, h, ch, dtype, w + h, 2);
          const exp = want(src);
          check(image[`${name}Sync`](src, opts), exp, dtype, name);
          check(await image[name](src, opts), exp, dtype, name);
        }
      }
    }
  }
  const src = ref.make(9, 7, 3, 'u8', 3);
  const r180 = image.rotateSync(src, { angle: 180 });
  const twice = image.flopSync(image.flipSync(src));
  assert.deepStrictEqual(r180.data, twice.data);
  const r270 = image.rotateSync(image.rotateSync(src, { angle: 90 }),
    { angle: 180 });
  assert.deepStrictEqual(image.rotateSync(src, { angle: 270 }).data,
    r270.data);
});

test('image_extract_and_extend', () => {
  const src = ref.make(11, 9, 4, 'u8', 5, 3);
  const e = image.extractSync(src, { left: 2, top: 3, width: 5, height: 4 });
  check(e, ref.build(5, 4, 4, (x, y, c) => ref.at(src, x + 2, y + 3, c)),
    'u8', 'extract');
  for (const [mode, edge] of [['copy', 'clamp'], ['mirror', 'mirror'],
    ['repeat', 'wrap'], ['background', 'zero']]) {
    const bg = [10, 20, 30, 40];
    const out = image.extendSync(src, { top: 2, bottom: 5, left: 13, right: 1,
      extendWith: mode, background: bg });
    check(out, ref.build(25, 16, 4, (x, y, c) => {
      const sx = ref.edge(x - 13, 11, edge);
      const sy = ref.edge(y - 2, 9, edge);
      return sx < 0 || sy < 0 ? bg[c] : ref.at(src, sx, sy, c);
    }), 'u8', `extend ${mode}`);
  }
  assert.throws(() => image.extractSync(src, { left: 7, width: 5,
    height: 1 }), { code: 'ERR_OUT_OF_RANGE' });
});

test('image_point_ops_match_the_reference', async () => {
  for (const dtype of DTYPES) {
    const max = ref.MAX[dtype];
    for (const ch of [1, 2, 3, 4]) {
      const alpha = (c) => (ch === 2 || ch === 4) && c === ch - 1;
      const src = ref.make(37, 5, ch, dtype, ch, 1);
      const luma = (x, y) => (ch >= 3 ? 0.2126 * ref.at(src, x, y, 0) +
        0.7152 * ref.at(src, x, y, 1) + 0.0722 * ref.at(src, x, y, 2)
        : ref.at(src, x, y, 0));
      const cases = [
        ['negate', {}, (x, y, c) => max - ref.at(src, x, y, c)],
        ['negate', { alpha: false }, (x, y, c) => (alpha(c)
          ? ref.at(src, x, y, c) : max - ref.at(src, x, y, c))],
        ['threshold', { value: max * 0.4 }, (x, y, c) => (alpha(c)
          ? ref.at(src, x, y, c) : ref.at(src, x, y, c) >= max * 0.4 ? max
            : 0)],
        ['linear', { a: 1.3, b: [-0.1 * max] }, (x, y, c) => (alpha(c)
          ? ref.at(src, x, y, c) : 1.3 * ref.at(src, x, y, c) - 0.1 * max)],
        ['gamma', { gamma: 2.2 }, (x, y, c) => (alpha(c)
          ? ref.at(src, x, y, c)
          : max * (ref.at(src, x, y, c) / max) ** (1 / 2.2))],
        ['modulate', { brightness: 0.9, saturation: 1.4 }, (x, y, c) => (
          alpha(c) ? ref.at(src, x, y, c)
            : (luma(x, y) + 1.4 * (ref.at(src, x, y, c) - luma(x, y))) * 0.9)],
      ];
      for (const [name, opts, f] of cases) {
        const want = ref.build(37, 5, ch, f);
        check(image[`${name}Sync`](src, opts), want, dtype, name);
        check(await image[name](src, opts), want, dtype, name);
      }
      const gray = image.grayscaleSync(src, { keepAlpha: true });
      const keep = ch === 2 || ch === 4;
      check(gray, ref.build(37, 5, keep ? 2 : 1, (x, y, c) => (c === 0
        ? luma(x, y) : ref.at(src, x, y, ch - 1))), dtype, 'grayscale');
      const one = image.extractChannelSync(src, { channel: ch - 1 });
      check(one, ref.build(37, 5, 1, (x, y) => ref.at(src, x, y, ch - 1)),
        dtype, 'extractChannel');
    }
  }
});

test('image_lut_premultiply_convert_join', () => {
  const src = ref.make(20, 6, 4, 'u8', 9);
  const table = new Uint8Array(256).map((_, i) => 255 - i);
  const l = image.lutSync(src, { table, alpha: true });
  assert.deepStrictEqual(l.data, image.negateSync(src).data);
  const pm = image.premultiplySync(src);
  check(pm, ref.build(20, 6, 4, (x, y, c) => (c === 3 ? ref.at(src, x, y, 3)
    : ref.at(src, x, y, c) * ref.at(src, x, y, 3) / 255)), 'u8', 'premultiply');
  const f = image.convertSync(src, { dtype: 'f32' });
  assert.ok(f.data instanceof Float32Array);
  check(f, ref.build(20, 6, 4, (x, y, c) => ref.at(src, x, y, c) / 255), 'f32',
    'convert');
  const back = image.convertSync(f, { dtype: 'u8' });
  assert.deepStrictEqual(back.data, Buffer.from(src.data));
  const u16 = image.convertSync(src, { dtype: 'u16' });
  assert.strictEqual(u16.data[5], src.data[5] * 257);
  const a = image.extractChannelSync(src, { channel: 0 });
  const b = image.extractChannelSync(src, { channel: 'green' });
  const j = image.joinChannelsSync([a, b, a]);
  assert.strictEqual(j.channels, 3);
  check(j, ref.build(20, 6, 3, (x, y, c) => ref.at(src, x, y, c === 1 ? 1 : 0)),
    'u8', 'joinChannels');
  assert.throws(() => image.joinChannelsSync([src, a]),
    { code: 'ERR_OUT_OF_RANGE' });
});

test('image_filters_match_the_reference', async () => {
  for (const dtype of DTYPES) {
    for (const [w, h] of SIZES) {
      const src = ref.make(w, h, 3, dtype, w * h, 1);
      check(image.blurSync(src, { sigma: 1.5 }), ref.blur(src, 1.5), dtype,
        'blur');
      const box = new Array(25).fill(1);
      check(image.boxBlurSync(src, { radius: 2 }),
        ref.convolve(src, box, 5, 5, 25, 0, 'clamp'), dtype, 'boxBlur');
      for (const edge of ['clamp', 'mirror', 'wrap', 'zero']) {
        const k = [0, -1, 0, -1, 5, -1, 0, -1, 0];
        check(image.convolveSync(src, { kernel: k, width: 3, height: 3, edge }),
          ref.convolve(src, k, 3, 3, 1, 0, edge), dtype, `convolve ${edge}`);
      }
      const k = [1, 2, 3, 4, 5];
      check(await image.convolve(src, { kernel: k, width: 5, height: 1,
        offset: 2 }), ref.convolve(src, k, 5, 1, 15, 2, 'clamp'), dtype,
      'convolve 1-D');
      check(image.medianSync(src, { size: 3 }), ref.build(w, h, 3,
        (x, y, c) => {
          const v = [];
          for (let j = -1; j <= 1; j++) {
            for (let i = -1; i <= 1; i++) {
              v.push(ref.sample(src, x + i, y + j, c, 'clamp'));
            }
          }
          return v.sort((p, q) => p - q)[4];
        }), dtype, 'median');
      const gx = ref.convolve(src, [-1, 0, 1, -2, 0, 2, -1, 0, 1], 3, 3, 1, 0,
        'clamp');
      const gy = ref.convolve(src, [-1, -2, -1, 0, 0, 0, 1, 2, 1], 3, 3, 1, 0,
        'clamp');
      const mag = { ...gx, values: gx.values.map((a, i) => Math.hypot(a,
        gy.values[i])) };
      check(image.sobelSync(src), mag, dtype, 'sobel');
    }
  }
});

test('image_composite_over_matches_the_reference', async () => {
  const base = ref.make(40, 30, 3, 'u8', 1);
  const wm = ref.make(16, 12, 4, 'u8', 2);
  const got = await image.composite(base, [{ input: wm, left: 30, top: -4,
    opacity: 0.5 }]);
  check(got, ref.build(40, 30, 3, (x, y, c) => {
    const ox = x - 30;
    const oy = y + 4;
    if (ox < 0 || oy < 0 || ox >= 16 || oy >= 12) return ref.at(base, x, y, c);
    const a = ref.at(wm, ox, oy, 3) / 255 * 0.5;
    return ref.at(wm, ox, oy, c) * a + ref.at(base, x, y, c) * (1 - a);
  }), 'u8', 'composite');
  const two = image.compositeSync(base, [{ input: wm }, { input: wm,
    left: 20, blend: 'multiply' }]);
  assert.strictEqual(two.width, 40);
});

test('image_stats_and_histogram_are_exact', async () => {
  const src = ref.make(61, 17, 3, 'u8', 4, 2);
  const s = await image.stats(src);
  const h = image.histogramSync(src, { bins: 16 });
  for (let c = 0; c < 3; c++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sq = 0;
    const bins = new Uint32Array(16);
    for (let y = 0; y < 17; y++) {
      for (let x = 0; x < 61; x++) {
        const v = ref.at(src, x, y, c);
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        sq += v * v;
        bins[v >> 4]++;
      }
    }
    const n = 61 * 17;
    assert.strictEqual(s.channels[c].min, min);
    assert.strictEqual(s.channels[c].max, max);
    assert.strictEqual(s.channels[c].sum, sum);
    assert.strictEqual(s.channels[c].squaresSum, sq);
    assert.ok(Math.abs(s.channels[c].stdev -
      Math.sqrt((sq - sum * sum / n) / (n - 1))) < 1e-9);
    assert.strictEqual(ref.at(src, s.channels[c].minX, s.channels[c].minY, c),
      min);
    assert.deepStrictEqual(h[c], bins);
  }
  assert.strictEqual(s.pixels, 61 * 17);
});

test('image_large_inputs_run_in_bands_and_equal_sync', async () => {
  const src = ref.make(700, 500, 4, 'u8', 7);
  for (const [name, opts] of [['blur', { sigma: 3 }], ['median', {}],
    ['negate', {}], ['rotate', {}], ['sharpen', { sigma: 1 }],
    ['boxBlur', { radius: 9 }], ['sobel', {}], ['grayscale', {}]]) {
    const a = await image[name](src, opts);
    const b = image[`${name}Sync`](src, opts);
    assert.deepStrictEqual(a.data, b.data, name);
  }
  const s = await image.stats(src);
  assert.deepStrictEqual(s, image.statsSync(src));
  assert.deepStrictEqual(await image.histogram(src, { bins: 7 }),
    image.histogramSync(src, { bins: 7 }));
});

test('image_out_in_place_shared_and_checked', async () => {
  const src = ref.make(300, 300, 4, 'u8', 8);
  const copy = { ...src, data: Buffer.from(src.data) };
  const want = image.linearSync(src, { a: 2, b: -5 });
  const r = await image.linear(copy, { a: 2, b: -5, out: copy });
  assert.strictEqual(r.data, copy.data);
  assert.deepStrictEqual(copy.data, want.data);
  const sab = new Uint8Array(new SharedArrayBuffer(300 * 300 * 4));
  const out = { data: sab, width: 300, height: 300, channels: 4 };
  await image.blur(src, { sigma: 2, out });
  assert.deepStrictEqual(Buffer.from(sab), image.blurSync(src,
    { sigma: 2 }).data);
  await assert.rejects(image.blur(copy, { sigma: 2, out: copy }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.flip(src, { out: { ...out, width: 299 } }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.flip(src, { out: { data: new Uint16Array(
    300 * 300 * 4), width: 300, height: 300, channels: 4 } }),
  { code: 'ERR_INVALID_ARG_VALUE' });
  // A view into the same buffer that overlaps without being the input.
  const shifted = { ...copy, data: copy.data.subarray(4), height: 299 };
  assert.throws(() => image.negateSync({ ...copy, height: 299 },
    { out: shifted }), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('image_bad_arguments_reject_with_codes', async () => {
  const src = ref.make(8, 8, 3, 'u8', 1);
  const bad = [
    [null, {}, 'ERR_INVALID_ARG_TYPE'],
    [{ ...src, data: new Int16Array(192) }, {}, 'ERR_INVALID_ARG_TYPE'],
    [{ ...src, channels: 5 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, channels: 0 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, width: 1.5 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, width: -1 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, height: 9 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, stride: 23 }, {}, 'ERR_OUT_OF_RANGE'],
    [{ ...src, width: 70000 }, {}, 'ERR_OUT_OF_RANGE'],
    [src, { sigma: NaN }, 'ERR_OUT_OF_RANGE'],
    [src, { sigma: Infinity }, 'ERR_OUT_OF_RANGE'],
    [src, { sigma: 2, sgima: 1 }, 'ERR_INVALID_ARG_VALUE'],
    [src, { sigma: 2, timeout: -1 }, 'ERR_OUT_OF_RANGE'],
    [src, { sigma: 2, limitInputPixels: 10 }, 'ERR_OUT_OF_RANGE'],
  ];
  for (const [img, opts, code] of bad) {
    await assert.rejects(image.blur(img, opts), { code }, JSON.stringify(opts));
    if (opts.timeout !== undefined) continue; // a promise-only option
    assert.throws(() => image.blurSync(img, opts), { code },
      JSON.stringify(opts));
  }
  const conv = [
    [{ kernel: [1, 1], width: 2, height: 1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ kernel: [], width: 1, height: 1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ kernel: [1, 2, 3], width: 3, height: 3 }, 'ERR_INVALID_ARG_VALUE'],
    [{ kernel: new Array(33 * 33).fill(1), width: 33, height: 33 },
      'ERR_OUT_OF_RANGE'],
    [{ kernel: [1, NaN, 1], width: 3, height: 1 }, 'ERR_OUT_OF_RANGE'],
    [{ kernel: 'x', width: 1, height: 1 }, 'ERR_INVALID_ARG_TYPE'],
    [{ kernel: [1], width: 1, height: 1, edge: 'reflect' },
      'ERR_INVALID_ARG_VALUE'],
  ];
  for (const [opts, code] of conv) {
    await assert.rejects(image.convolve(src, opts), { code });
  }
  await assert.rejects(image.median(src, { size: 4 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.rotate(src, { angle: 45 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.premultiply(src),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.lut(src, { table: new Uint8Array(255) }),
    { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.composite(src, []),
    { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(image.composite(src, [{ input: src, blend: 'burn' }]),
    { code: 'ERR_INVALID_ARG_VALUE' });
  const ab = new ArrayBuffer(192);
  const detached = { ...src, data: new Uint8Array(ab) };
  structuredClone(ab, { transfer: [ab] });
  await assert.rejects(image.flip(detached), { code: 'ERR_INVALID_STATE' });
  // Options read as own properties only.
  Object.prototype.sigma = 3; // eslint-disable-line no-extend-native
  try {
    await assert.rejects(image.blur(src, {}), { code: 'ERR_INVALID_ARG_TYPE' });
  } finally {
    delete Object.prototype.sigma;
  }
});

test('image_abort_rejects_with_abort_error', async () => {
  const src = ref.make(1500, 1000, 4, 'u8', 1);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(image.blur(src, { sigma: 5, signal: ac.signal }),
    { name: 'AbortError', code: 'ABORT_ERR' });
  const ac2 = new AbortController();
  const p = image.median(src, { size: 7, signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, { name: 'AbortError' });
});

test('image_one_dimensional_arrays', () => {
  const readings = new Float32Array([3, 1, 4, 1, 5, 9, 2, 6]);
  const s = image.statsSync(readings);
  assert.strictEqual(s.channels[0].max, 9);
  assert.strictEqual(s.channels[0].maxX, 5);
  const sm = image.convolveSync(readings, { kernel: [1, 1, 1], width: 3,
    height: 1 });
  assert.ok(Math.abs(sm.data[1] - 8 / 3) < 1e-6);
  assert.strictEqual(image.thresholdSync(readings, { value: 0.5 }).data[0], 1);
});

test('image_simd_paths_give_identical_bytes', () => {
  const { imageSimd } = offload._internal;
  const real = imageSimd();
  const src = ref.make(333, 41, 4, 'u8', 12, 3);
  const run = () => [image.blurSync(src, { sigma: 2.5 }),
    image.sharpenSync(src, { sigma: 1, amount: 2 }),
    image.convolveSync(src, { kernel: [1, 2, 1, 0, 0, 0, -1, -2, -1], width: 3,
      height: 3, offset: 128 })].map((r) => r.data);
  const fast = run();
  try {
    assert.strictEqual(imageSimd(0), 0);
    assert.deepStrictEqual(run(), fast);
  } finally {
    imageSimd(real);
  }
  assert.strictEqual(imageSimd(), real);
});

test('image_normalise_stretches_the_percentiles', async () => {
  for (const dtype of ['u8', 'u16', 'f32']) {
    const src = ref.make(90, 70, 4, dtype, 21);
    const max = ref.MAX[dtype];
    const bins = dtype === 'u8' ? 256 : dtype === 'u16' ? 65536 : 4096;
    // Reference: pooled colour samples, sorted; the percentile is the
    // first bin whose cumulative count reaches it.
    const pooled = new Float64Array(bins);
    for (let y = 0; y < 70; y++) {
      for (let x = 0; x < 90; x++) {
        for (let c = 0; c < 3; c++) {
          const v = ref.at(src, x, y, c);
          pooled[dtype === 'f32' ? Math.min(bins - 1, Math.floor(v * bins))
            : v]++;
        }
      }
    }
    const total = 90 * 70 * 3;
    const pct = (p) => {
      let cum = 0;
      for (let i = 0; i < bins; i++) {
        cum += pooled[i];
        if (cum >= p / 100 * total && cum > 0) {
          return dtype === 'f32' ? i / bins : i;
        }
      }
      return bins - 1;
    };
    const lo = pct(2);
    const hi = pct(97);
    const a = max / (hi - lo);
    const want = ref.build(90, 70, 4, (x, y, c) => (c === 3
      ? ref.at(src, x, y, c) : (ref.at(src, x, y, c) - lo) * a));
    check(image.normaliseSync(src, { lower: 2, upper: 97 }), want, dtype,
      'normalise');
    check(await image.normalise(src, { lower: 2, upper: 97 }), want, dtype,
      'normalise');
  }
  const flat = { data: Buffer.alloc(12, 9), width: 2, height: 2,
    channels: 3 };
  assert.deepStrictEqual(image.normaliseSync(flat).data, flat.data);
  await assert.rejects(image.normalise(flat, { lower: 60, upper: 40 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.normalise(flat, { upper: 101 }),
    { code: 'ERR_OUT_OF_RANGE' });
});

test('image_wide_histograms_in_bands_equal_sync', async () => {
  const src = ref.make(600, 400, 4, 'u16', 13);
  const a = await image.histogram(src, { bins: 65536 });
  const b = image.histogramSync(src, { bins: 65536 });
  assert.deepStrictEqual(a, b);
  assert.strictEqual(a[2].reduce((s, v) => s + v, 0), 600 * 400);
});

test('image_composite_in_place_on_its_base', async () => {
  const base = ref.make(300, 240, 4, 'u8', 31);
  const wm = ref.make(64, 48, 4, 'u8', 32);
  const want = image.compositeSync(base, [{ input: wm, left: 200, top: 100,
    opacity: 0.6 }]);
  const copy = { ...base, data: Buffer.from(base.data) };
  const r = await image.composite(copy, [{ input: wm, left: 200, top: 100,
    opacity: 0.6 }], { out: copy });
  assert.strictEqual(r.data, copy.data);
  assert.deepStrictEqual(copy.data, want.data);
  // Two layers read the base in their first step: not in place.
  await assert.rejects(image.composite(copy, [{ input: wm }, { input: wm }],
    { out: copy }), { code: 'ERR_INVALID_ARG_VALUE' });
  // An overlay that is a view of the output.
  const view = { data: copy.data.subarray(0, 64 * 4 * 10), width: 64,
    height: 10, channels: 4 };
  assert.throws(() => image.compositeSync(copy, [{ input: view }],
    { out: copy }), { code: 'ERR_INVALID_ARG_VALUE' });
});
