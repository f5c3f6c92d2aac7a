'use strict';
// resize / resizeSync: results, every input type, fit, the argument and
// overflow matrix (RELIABILITY.md row 6), abort, worker_threads, and a
// coarse cross-check against sharp. Kernel accuracy against a reference is
// in test/native/image_resize_test.cc.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { inspect } = require('node:util');
const offload = require('../../..');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function noise(n, seed) {
  const r = rng(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

function image(width, height, channels, seed = 1, extra = 0) {
  const stride = width * channels + extra;
  const data = noise((height - 1) * stride + width * channels, seed);
  return extra ? { data, width, height, channels, stride }
    : { data, width, height, channels };
}

const KERNELS = ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2',
  'lanczos3'];

test('image_resize_equals_resize_sync_on_the_executor', async () => {
  const cases = [
    [image(1000, 700, 4, 1), { width: 333, height: 211 }],
    [image(640, 480, 3, 2, 5), { width: 1280, height: 960 }],
    [image(4096, 3, 1, 3), { width: 4095, height: 7, fit: 'fill' }],
    [image(7, 4096, 2, 4), { width: 1, height: 64, fit: 'fill' }],
  ];
  for (const [img, opts] of cases) {
    for (const kernel of KERNELS) {
      const o = { ...opts, kernel };
      const sync = offload.resizeSync(img, o);
      const got = await offload.resize(img, o);
      assert.strictEqual(got.width, sync.width);
      assert.strictEqual(got.height, sync.height);
      assert.strictEqual(got.channels, img.channels);
      assert.ok(Buffer.isBuffer(got.data));
      assert.strictEqual(got.data.length,
        got.width * got.height * img.channels);
      assert.ok(got.data.equals(sync.data), `${kernel} ${JSON.stringify(opts)}`);
    }
  }
});

test('image_identity_nearest_equals_input_rows', async () => {
  for (const ch of [1, 2, 3, 4]) {
    const img = image(37, 23, ch, ch, 3); // odd stride
    const out = await offload.resize(img, { width: 37, height: 23,
      kernel: 'nearest' });
    for (let y = 0; y < 23; y++) {
      const row = img.data.subarray(y * img.stride, y * img.stride + 37 * ch);
      assert.ok(out.data.subarray(y * 37 * ch, (y + 1) * 37 * ch).equals(row));
    }
  }
});

test('image_linear_known_values_and_flat_stays_flat', () => {
  const out = offload.resizeSync({ data: Buffer.from([0, 255]), width: 2,
    height: 1, channels: 1 }, { width: 4, height: 1, kernel: 'linear' });
  assert.deepStrictEqual([...out.data], [0, 64, 191, 255]);
  for (const kernel of KERNELS) {
    const flat = { data: Buffer.alloc(97 * 89 * 3, 201), width: 97,
      height: 89, channels: 3 };
    const r = offload.resizeSync(flat, { width: 13, height: 170, kernel,
      fit: 'fill' });
    assert.ok(r.data.every((v) => v === 201), kernel);
  }
});

test('image_aspect_ratio_and_fit', async () => {
  const img = image(400, 300, 1, 9);
  let r = offload.resizeSync(img, { width: 100 });
  assert.deepStrictEqual([r.width, r.height], [100, 75]);
  r = offload.resizeSync(img, { height: 7 });
  assert.deepStrictEqual([r.width, r.height], [9, 7]); // 9.33 rounds to 9
  r = offload.resizeSync({ data: Buffer.alloc(1000), width: 1000, height: 1,
    channels: 1 }, { width: 10 });
  assert.deepStrictEqual([r.width, r.height], [10, 1]); // min 1
  r = offload.resizeSync(img, { width: 100, height: 100, fit: 'fill' });
  assert.deepStrictEqual([r.width, r.height], [100, 100]);
  r = offload.resizeSync(img, { width: 100, height: 100, fit: 'inside' });
  assert.deepStrictEqual([r.width, r.height], [100, 75]);
  const outside = offload.resizeSync(img, { width: 100, height: 100,
    fit: 'outside' });
  assert.deepStrictEqual([outside.width, outside.height], [133, 100]);
  // cover (the default, as in sharp) is the centre of the outside resize.
  const cover = await offload.resize(img, { width: 100, height: 100 });
  assert.deepStrictEqual([cover.width, cover.height], [100, 100]);
  for (let y = 0; y < 100; y++) {
    assert.ok(cover.data.subarray(y * 100, y * 100 + 100)
      .equals(outside.data.subarray(y * 133 + 16, y * 133 + 116)));
  }
});

test('image_every_input_type_gives_the_same_pixels', async () => {
  const img = image(50, 40, 4, 5);
  const want = offload.resizeSync(img, { width: 21 }).data;
  const ab = img.data.buffer.slice(img.data.byteOffset,
    img.data.byteOffset + img.data.length);
  const sab = new SharedArrayBuffer(img.data.length);
  new Uint8Array(sab).set(img.data);
  const inputs = [new Uint8Array(ab), new Uint8ClampedArray(ab),
    new DataView(ab), ab, sab, new Uint8Array(sab)];
  for (const data of inputs) {
    const got = await offload.resize({ ...img, data }, { width: 21 });
    assert.ok(got.data.equals(want), data.constructor.name);
  }
});

test('image_float32_samples', async () => {
  const f = new Float32Array(30 * 20 * 2);
  const r = rng(3);
  for (let i = 0; i < f.length; i++) f[i] = r() * 2 - 0.5;
  const img = { data: f, width: 30, height: 20, channels: 2 };
  const id = offload.resizeSync(img, { width: 30, height: 20,
    kernel: 'nearest' });
  assert.ok(id.data instanceof Float32Array);
  assert.deepStrictEqual(id.data, f);
  const big = await offload.resize(img, { width: 300, height: 200 });
  assert.deepStrictEqual(big.data, offload.resizeSync(img,
    { width: 300, height: 200 }).data);
  // SharedArrayBuffer-backed floats too.
  const shared = new Float32Array(new SharedArrayBuffer(f.byteLength));
  shared.set(f);
  assert.deepStrictEqual(offload.resizeSync({ ...img, data: shared },
    { width: 7 }).data, offload.resizeSync(img, { width: 7 }).data);
  const flat = offload.resizeSync({ data: new Float32Array(64 * 64).fill(0.3),
    width: 64, height: 64, channels: 1 }, { width: 9, height: 33 });
  for (const v of flat.data) assert.ok(Math.abs(v - 0.3) <= 0.3 * 1e-6);
});

// Each entry: [image, options, code, class]. Both APIs must report it:
// resizeSync throws synchronously, resize rejects (and never throws).
function badCases() {
  const ok = image(8, 8, 4, 1);
  const dims = [-1, 0, NaN, 1.5, 2 ** 32, 2 ** 53, Infinity, 65536];
  const cases = [];
  for (const v of dims) {
    cases.push([{ ...ok, width: v }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError]);
    cases.push([{ ...ok, height: v }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError]);
    cases.push([ok, { width: v }, 'ERR_OUT_OF_RANGE', RangeError]);
    cases.push([ok, { height: v }, 'ERR_OUT_OF_RANGE', RangeError]);
    cases.push([{ ...ok, channels: v }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError]);
    cases.push([{ ...ok, stride: v }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError]);
  }
  for (const v of ['8', null, 8n, {}, true]) {
    cases.push([{ ...ok, width: v }, { width: 4 }, 'ERR_INVALID_ARG_TYPE',
      TypeError]);
    cases.push([ok, { width: v }, 'ERR_INVALID_ARG_TYPE', TypeError]);
  }
  cases.push(
    [{ ...ok, channels: 5 }, { width: 4 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ ...ok, stride: 31 }, { width: 4 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ ...ok, stride: 33 }, { width: 4 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ ...ok, data: ok.data.subarray(1) }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError],
    [{ ...ok, data: Buffer.alloc(0) }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError],
    // w*h*c beyond 2^32 and beyond the pixel cap, over a tiny buffer.
    [{ ...ok, width: 65535, height: 65535 }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError],
    [{ ...ok, width: 16384, height: 16384 }, { width: 4 }, 'ERR_OUT_OF_RANGE',
      RangeError],
    [ok, { width: 20000, height: 20000, fit: 'fill' }, 'ERR_OUT_OF_RANGE',
      RangeError],
    // Keeping the aspect ratio of a 1x8 strip at width 65535 overflows.
    [{ data: Buffer.alloc(8), width: 1, height: 8, channels: 1 },
      { width: 65535 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ ...ok, data: new Int16Array(256) }, { width: 4 },
      'ERR_INVALID_ARG_TYPE', TypeError],
    [{ ...ok, data: new Float64Array(256) }, { width: 4 },
      'ERR_INVALID_ARG_TYPE', TypeError],
    [{ ...ok, data: new Uint16Array(256) }, { width: 4 },
      'ERR_INVALID_ARG_TYPE', TypeError],
    [{ ...ok, data: 'pixels' }, { width: 4 }, 'ERR_INVALID_ARG_TYPE',
      TypeError],
    [{ ...ok, data: [1, 2, 3] }, { width: 4 }, 'ERR_INVALID_ARG_TYPE',
      TypeError],
    [{ ...ok, data: undefined }, { width: 4 }, 'ERR_INVALID_ARG_TYPE',
      TypeError],
    [null, { width: 4 }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [ok, 'big', 'ERR_INVALID_ARG_TYPE', TypeError],
    [ok, {}, 'ERR_INVALID_ARG_VALUE', TypeError],
    [ok, { width: 4, kernel: 'lanczos4' }, 'ERR_INVALID_ARG_VALUE',
      TypeError],
    [ok, { width: 4, height: 4, fit: 'contains' }, 'ERR_INVALID_ARG_VALUE',
      TypeError],
    [ok, { width: 4, height: 4, background: [0, 0, 0, 0] },
      'ERR_INVALID_ARG_VALUE', TypeError],
  );
  return cases;
}

test('image_argument_matrix_sync_throws_async_rejects', async () => {
  for (const [img, opts, code, Cls] of badCases()) {
    const what = `${inspect(img && { ...img, data: undefined })} ` +
      `${inspect(opts)} -> ${code}`;
    assert.throws(() => offload.resizeSync(img, opts),
      (e) => e instanceof Cls && e.code === code, what);
    let p;
    assert.doesNotThrow(() => { p = offload.resize(img, opts); }, what);
    await assert.rejects(p, (e) => e instanceof Cls && e.code === code, what);
  }
});

test('image_messages_say_what_was_expected_and_received', () => {
  const ok = image(8, 8, 4, 1);
  assert.throws(() => offload.resizeSync(ok, { width: 0 }), {
    message: 'The value of "options.width" is out of range. It must be an ' +
      'integer between 1 and 65535. Received 0',
  });
  assert.throws(() => offload.resizeSync({ ...ok, data: new Int16Array(4) },
    { width: 1 }), { message: /must be an instance of Buffer, Uint8Array, .*Received an instance of Int16Array/ });
  assert.throws(() => offload.resizeSync({ ...ok, data: ok.data.subarray(1) },
    { width: 1 }), { message: /"image\.data\.byteLength" .* >= 256 for 8x8x4\. Received 255/ });
  assert.throws(() => offload.resizeSync({ ...ok, width: 20000, height: 20000 },
    { width: 1 }), { message: /pixel cap.*Received 400000000/ });
});

test('image_detached_buffer_is_rejected_with_a_code', async () => {
  const ab = new ArrayBuffer(64);
  structuredClone(ab, { transfer: [ab] }); // detaches ab
  for (const data of [ab, new Uint8Array(new ArrayBuffer(64))]) {
    if (data instanceof Uint8Array) structuredClone(data.buffer, { transfer: [data.buffer] });
    const img = { data, width: 4, height: 4, channels: 4 };
    assert.throws(() => offload.resizeSync(img, { width: 2 }),
      { code: 'ERR_INVALID_STATE' });
    await assert.rejects(offload.resize(img, { width: 2 }),
      { code: 'ERR_INVALID_STATE' });
  }
});

test('image_over_the_pixel_cap_is_rejected_without_allocating', async () => {
  const before = process.memoryUsage().rss;
  const tiny = Buffer.alloc(16);
  for (let i = 0; i < 200; i++) {
    const big = { data: tiny, width: 16384, height: 16384, channels: 4 };
    assert.throws(() => offload.resizeSync(big, { width: 8 }),
      { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(offload.resize({ data: tiny, width: 1, height: 1,
      channels: 4 }, { width: 65535, height: 65535, fit: 'fill' }),
    { code: 'ERR_OUT_OF_RANGE' });
  }
  const grown = process.memoryUsage().rss - before;
  // ASan's shadow memory and quarantine grow RSS on their own.
  if (!process.env.OFL_UNDER_ASAN) {
    assert.ok(grown < 8 * 1024 * 1024, `RSS grew by ${grown} bytes`);
  }
});

test('image_abort_before_start_and_while_running', async () => {
  const img = image(2000, 2000, 4, 8);
  await assert.rejects(offload.resize(img, { width: 4, signal: {} }),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(offload.resize(img, { width: 100, signal: ac.signal }),
    { name: 'AbortError', code: 'ABORT_ERR' });
  // Tiny (inline-sized) work honours an aborted signal too.
  await assert.rejects(offload.resize(image(4, 4, 1), { width: 2,
    signal: ac.signal }), { name: 'AbortError', code: 'ABORT_ERR' });
  // Aborted right after submission: the bands are dropped or stop at the
  // next row, and the promise rejects with an AbortError.
  const ac2 = new AbortController();
  const p = offload.resize(img, { width: 8000, height: 8000, fit: 'fill',
    signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, { name: 'AbortError', code: 'ABORT_ERR' });
  // The executor is still usable afterwards.
  const after = await offload.resize(img, { width: 50 });
  assert.strictEqual(after.width, 50);
});

test('image_resize_works_in_worker_threads', async () => {
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort } = require('node:worker_threads');
    const o = require(${JSON.stringify(path.join(__dirname, '../../..'))});
    const data = Buffer.alloc(800 * 600 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
    o.resize({ data, width: 800, height: 600, channels: 3 }, { width: 123 })
      .then((r) => parentPort.postMessage(r.data));`;
  const data = Buffer.alloc(800 * 600 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
  const want = offload.resizeSync({ data, width: 800, height: 600,
    channels: 3 }, { width: 123 }).data;
  const got = await Promise.all(Array.from({ length: 3 }, () =>
    new Promise((resolve, reject) => {
      const w = new Worker(src, { eval: true });
      w.once('message', (m) => { resolve(Buffer.from(m)); w.terminate(); });
      w.once('error', reject);
    })));
  for (const g of got) assert.ok(g.equals(want));
});

let sharp = null;
try {
  sharp = require('sharp');
} catch {
  // optional: the cross-check below is skipped
}

test('image_lanczos3_close_to_sharp_on_a_smooth_gradient',
  { skip: sharp === null && 'sharp is not installed' }, async () => {
    const w = 512;
    const h = 384;
    const data = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        data[i] = (x * 255) / (w - 1);
        data[i + 1] = (y * 255) / (h - 1);
        data[i + 2] = 128 + 100 * Math.sin(x / 40) * Math.cos(y / 50);
        data[i + 3] = 255;
      }
    }
    for (const [ow, oh, kernel] of [[256, 192, 'lanczos3'],
      [100, 75, 'lanczos3'], [1000, 750, 'lanczos3'], [256, 192, 'cubic']]) {
      const ours = await offload.resize({ data, width: w, height: h,
        channels: 4 }, { width: ow, height: oh, kernel, fit: 'fill' });
      const theirs = await sharp(data, { raw: { width: w, height: h,
        channels: 4 } }).resize(ow, oh, { kernel, fit: 'fill' }).raw()
        .toBuffer();
      assert.strictEqual(theirs.length, ours.data.length);
      let sum = 0;
      for (let i = 0; i < theirs.length; i++) {
        sum += Math.abs(theirs[i] - ours.data[i]);
      }
      const mad = sum / theirs.length;
      assert.ok(mad <= 2, `${kernel} ${ow}x${oh}: mean |diff| ${mad}`);
    }
  });

test('image_fit_contain_centres_the_inside_result_on_the_background',
  async () => {
    const w = 12;
    const h = 6;
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
    const img = { data, width: w, height: h, channels: 4 };
    const inside = offload.resizeSync(img, { width: 5, height: 5,
      fit: 'inside' });
    assert.deepStrictEqual([inside.width, inside.height], [5, 3]);
    for (const background of [undefined, [10, 20, 30, 40]]) {
      const opts = { width: 5, height: 5, fit: 'contain', background };
      const sync = offload.resizeSync(img, opts);
      const async = await offload.resize(img, opts);
      assert.deepStrictEqual(async, sync);
      assert.deepStrictEqual([sync.width, sync.height, sync.channels],
        [5, 5, 4]);
      const bg = background || [0, 0, 0, 255];
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < 5; x++) {
          const px = [...sync.data.subarray((y * 5 + x) * 4,
            (y * 5 + x) * 4 + 4)];
          // inside is 5x3: one background row above, one below.
          const want = y >= 1 && y < 4
            ? [...inside.data.subarray(((y - 1) * 5 + x) * 4,
              ((y - 1) * 5 + x) * 4 + 4)]
            : bg;
          assert.deepStrictEqual(px, want, `${x},${y}`);
        }
      }
    }
    // Grey (1 channel): the default background is 0, no alpha to fill.
    const grey = { data: Buffer.alloc(12 * 6, 200), width: 12, height: 6,
      channels: 1 };
    const g = offload.resizeSync(grey, { width: 6, height: 6,
      fit: 'contain' });
    assert.strictEqual(g.data[0], 0);
    assert.strictEqual(g.data[6 * 3], 200);
    // A pipeline pads the same way.
    const piped = await offload.image.pipeline(img)
      .resize({ width: 5, height: 5, fit: 'contain' }).run();
    assert.deepStrictEqual(piped.data, offload.resizeSync(img,
      { width: 5, height: 5, fit: 'contain' }).data);
  });
