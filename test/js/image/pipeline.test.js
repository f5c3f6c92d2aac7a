'use strict';
// pipeline(img)…run(): one native task equals the same calls chained one
// by one, inline and on the executor; out, abort and bad steps.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const ref = require('./ref');

const { image } = offload;

test('image_pipeline_equals_the_chained_calls', async () => {
  const wm = ref.make(60, 40, 4, 'u8', 2);
  const table = new Uint8Array(256).map((_, i) => (i * 3) & 255);
  for (const [w, h] of [[31, 17], [900, 700]]) {
    const src = ref.make(w, h, 4, 'u8', w, 3);
    const chains = [
      [(p) => p.resize({ width: 200, kernel: 'cubic' }).sharpen({ sigma: 1 })
        .grayscale(),
      () => image.grayscaleSync(image.sharpenSync(offload.resizeSync(src,
        { width: 200, kernel: 'cubic' }), { sigma: 1 }))],
      [(p) => p.blur({ sigma: 2 }).composite([{ input: wm, left: 5,
        top: -3 }, { input: wm, left: 20, blend: 'screen' }]).lut({ table }),
      () => image.lutSync(image.compositeSync(image.blurSync(src,
        { sigma: 2 }), [{ input: wm, left: 5, top: -3 }, { input: wm,
        left: 20, blend: 'screen' }]), { table })],
      [(p) => p.rotate({ angle: 270 }).extract({ left: 1, top: 2, width: 9,
        height: 8 }).convert({ dtype: 'f32' }).convolve({ kernel: [1, 2, 1],
        width: 3, height: 1 }).extend({ left: 2, extendWith: 'mirror' }),
      () => image.extendSync(image.convolveSync(image.convertSync(
        image.extractSync(image.rotateSync(src, { angle: 270 }), { left: 1,
          top: 2, width: 9, height: 8 }), { dtype: 'f32' }), { kernel: [1, 2,
        1], width: 3, height: 1 }), { left: 2, extendWith: 'mirror' })],
    ];
    for (const [build, chained] of chains) {
      const want = chained();
      const sync = build(image.pipeline(src)).runSync();
      const got = await build(image.pipeline(src)).run();
      assert.deepStrictEqual(sync.data, want.data);
      assert.deepStrictEqual(got.data, want.data);
      assert.strictEqual(got.width, want.width);
      assert.strictEqual(got.channels, want.channels);
    }
  }
});

test('image_pipeline_out_abort_and_errors', async () => {
  const src = ref.make(1200, 900, 4, 'u8', 5);
  const out = { data: new Uint8Array(new SharedArrayBuffer(600 * 450)),
    width: 600, height: 450, channels: 1 };
  const r = await image.pipeline(src).resize({ width: 600 }).grayscale()
    .run({ out });
  assert.strictEqual(r.data, out.data);
  assert.deepStrictEqual(Buffer.from(out.data), image.grayscaleSync(
    offload.resizeSync(src, { width: 600 })).data);
  const ac = new AbortController();
  const p = image.pipeline(src).median({ size: 7 }).blur({ sigma: 20 })
    .run({ signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { name: 'AbortError', code: 'ABORT_ERR' });
  await assert.rejects(image.pipeline(src).run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).blur({ sigma: 2, out }).run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).blur({ sigma: NaN }).run(),
    { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.pipeline(src).grayscale().premultiply().run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).flip().run({ out: { ...out,
    width: 3 } }), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(null).flip().run(),
    { code: 'ERR_INVALID_ARG_TYPE' });
  const long = image.pipeline(ref.make(4, 4, 1, 'u8', 1));
  for (let i = 0; i < 65; i++) long.flip();
  await assert.rejects(long.run(), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.pipeline(src).op('swirl', {}).run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).op('toString').run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.deepStrictEqual(image.pipeline(src).op('flip').runSync().data,
    image.flipSync(src).data);
  assert.throws(() => image.pipeline(src).resize({ width: 0 }).runSync(),
    { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => image.pipeline(src).flip().runSync({ signal: ac.signal }),
    { code: 'ERR_INVALID_ARG_VALUE' });
});

test('image_pipeline_resize_contain_equals_resize_then_the_rest', async () => {
  for (const [dtype, ch] of [['u8', 4], ['u8', 3], ['f32', 2], ['u8', 1]]) {
    for (const [w, h, bw, bh] of [[40, 20, 30, 30], [17, 61, 25, 9],
      [300, 200, 64, 64]]) {
      const src = ref.make(w, h, ch, dtype, w * ch, 5);
      for (const background of [undefined, Array(ch).fill(dtype === 'f32' ? 0.5 : 77)]) {
        const opts = { width: bw, height: bh, fit: 'contain', background };
        const want = image.blurSync(image.resizeSync(src, opts), { sigma: 1 });
        const p = image.pipeline(src).resize(opts).blur({ sigma: 1 });
        const steps = p.explain().map((s) => s.op);
        assert.deepStrictEqual(steps, ['resize', 'extend', 'blur']);
        for (const got of [await p.run(), p.runSync()]) {
          assert.strictEqual(got.width, bw);
          assert.strictEqual(got.height, bh);
          assert.deepStrictEqual(Array.from(got.data), Array.from(want.data),
            `${dtype} x${ch} ${w}x${h} -> ${bw}x${bh}`);
        }
      }
    }
  }
  await assert.rejects(image.pipeline(ref.make(8, 8, 4, 'u8', 32, 1))
    .resize({ width: 4, background: [0, 0, 0, 255] }).run(),
  { code: 'ERR_INVALID_ARG_VALUE' });
});
