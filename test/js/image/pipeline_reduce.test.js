'use strict';
// Pipelines that end in stats() or histogram(): one native task whose
// result equals running the chain, then image.stats()/histogram() on its
// output; every dtype, channel counts, awkward sizes; only as the last
// step; no `out`.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const ref = require('./ref');

const { image } = offload;
const DTYPES = ['u8', 'u16', 'f32'];
const SIZES = [[1, 1], [1, 9], [13, 1], [7, 5], [64, 3], [97, 11],
  [401, 263]];

/** Chains as [pipeline builder, the same with separate calls]. */
function chains(dtype, channels) {
  const list = [
    [(p) => p.flip(), (s) => image.flipSync(s)],
    [(p) => p.resize({ width: 5, height: 4, kernel: 'linear' }).rotate(),
      (s) => image.rotateSync(offload.resizeSync(s, { width: 5, height: 4,
        kernel: 'linear' }))],
    [(p) => p.blur({ sigma: 1.2 }).linear({ a: 0.9, b: dtype === 'f32' ? 0.01
      : 3 }).gamma({ gamma: 1.4 }),
    (s) => image.gammaSync(image.linearSync(image.blurSync(s, { sigma: 1.2 }),
      { a: 0.9, b: dtype === 'f32' ? 0.01 : 3 }), { gamma: 1.4 })],
    [(p) => p.extend({ left: 2, top: 1, extendWith: 'mirror' }).median(),
      (s) => image.medianSync(image.extendSync(s, { left: 2, top: 1,
        extendWith: 'mirror' }))],
  ];
  if (dtype === 'u8') {
    list.push([(p) => p.resize({ width: 9 }), (s) => offload.resizeSync(s,
      { width: 9 })]);
  }
  if (channels >= 3) {
    list.push([(p) => p.grayscale(), (s) => image.grayscaleSync(s)]);
  }
  if (channels === 1) {
    list.push([(p) => p.sobel({ direction: true }),
      (s) => image.sobelSync(s, { direction: true })]);
  }
  return list;
}

test('image_pipeline_stats_and_histogram_equal_the_separate_calls',
  async () => {
    let n = 0;
    for (const dtype of DTYPES) {
      for (const channels of [1, 2, 3, 4]) {
        for (const [w, h] of SIZES) {
          const src = ref.make(w, h, channels, dtype, w + h + channels,
            w % 2 ? 2 : 0);
          for (const [pipe, separate] of chains(dtype, channels)) {
            if (dtype === 'u16' && pipe.toString().includes('resize')) {
              continue; // resize is u8 and f32 only
            }
            const out = separate(src);
            const what = `${dtype} ${w}x${h}x${channels} ${pipe}`;
            const wantStats = image.statsSync(out);
            assert.deepStrictEqual(pipe(image.pipeline(src)).stats().runSync(),
              wantStats, what);
            assert.deepStrictEqual(await pipe(image.pipeline(src)).stats().run(),
              wantStats, what);
            const bins = 1 + ((w * 7 + h) % 300);
            const wantHist = image.histogramSync(out, { bins });
            assert.deepStrictEqual(pipe(image.pipeline(src)).histogram({ bins })
              .runSync(), wantHist, what);
            assert.deepStrictEqual(await pipe(image.pipeline(src))
              .histogram({ bins }).run(), wantHist, what);
            n++;
          }
        }
      }
    }
    assert.ok(n > 200, `${n} chains`);
  });

test('image_pipeline_reduction_alone_and_on_the_executor', async () => {
  const src = ref.make(700, 500, 4, 'u8', 11);
  // Only a reduction: stats of the source itself.
  assert.deepStrictEqual(await image.pipeline(src).stats().run(),
    await image.stats(src));
  assert.deepStrictEqual(image.pipeline(src).histogram().runSync(),
    image.histogramSync(src));
  assert.deepStrictEqual(image.pipeline(src).op('histogram', { bins: 7 })
    .runSync(), image.histogramSync(src, { bins: 7 }));
  // Large enough to run on the executor, with fused point ops before.
  const p = image.pipeline(src).linear({ a: 1.2, b: -9 }).gamma().resize({
    width: 350 }).negate().threshold({ value: 60 }).stats();
  assert.deepStrictEqual(p.explain().map((s) => s.fused ?? s.op),
    [['linear', 'gamma'], 'resize', ['negate', 'threshold'], 'stats']);
  const img = image.thresholdSync(image.negateSync(offload.resizeSync(
    image.gammaSync(image.linearSync(src, { a: 1.2, b: -9 })),
    { width: 350 })), { value: 60 });
  const want = image.statsSync(img);
  assert.deepStrictEqual(await p.run({ priority: 'high' }), want);
  assert.deepStrictEqual(p.runSync(), want);
  assert.deepStrictEqual(image.pipeline(src).blur({ sigma: 2 })
    .histogram({ bins: 1000 }).explain().at(-1), { op: 'histogram',
    bins: 1000 });
  const f = ref.make(300, 300, 1, 'f32', 2);
  assert.deepStrictEqual(await image.pipeline(f).convolve({ kernel: [1, -2, 1],
    width: 3, height: 1 }).histogram({ bins: 64 }).run(),
  image.histogramSync(image.convolveSync(f, { kernel: [1, -2, 1], width: 3,
    height: 1 }), { bins: 64 }));
  const ac = new AbortController();
  const slow = image.pipeline(src).median({ size: 7 }).blur({ sigma: 20 })
    .stats().run({ signal: ac.signal });
  ac.abort();
  await assert.rejects(slow, { name: 'AbortError', code: 'ABORT_ERR' });
});

test('image_pipeline_reduction_only_last_and_without_out', async () => {
  const src = ref.make(30, 20, 3, 'u8', 1);
  const out = { data: Buffer.alloc(30 * 20 * 3), width: 30, height: 20,
    channels: 3 };
  await assert.rejects(image.pipeline(src).stats().flip().run(),
    { code: 'ERR_INVALID_ARG_VALUE', message: /last step/ });
  await assert.rejects(image.pipeline(src).histogram().stats().run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => image.pipeline(src).flip().stats().negate().runSync(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => image.pipeline(src).stats().flip().explain(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).flip().stats().run({ out }),
    { code: 'ERR_INVALID_ARG_VALUE', message: /ends in stats\(\)/ });
  assert.throws(() => image.pipeline(src).histogram().runSync({ out }),
    { code: 'ERR_INVALID_ARG_VALUE', message: /ends in histogram\(\)/ });
  await assert.rejects(image.pipeline(src).histogram({ bins: 0 }).run(),
    { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.pipeline(src).histogram({ bins: 65537 }).run(),
    { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.pipeline(src).stats({ bins: 8 }).run(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(image.pipeline(src).histogram({ bins: 1.5 }).run(),
    { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(image.pipeline(src).histogram('x').run(),
    { code: 'ERR_INVALID_ARG_TYPE' });
  // limitInputPixels still applies.
  await assert.rejects(image.pipeline(src).stats().run({
    limitInputPixels: 10 }), { code: 'ERR_OUT_OF_RANGE' });
});
