'use strict';
// Adjacent u8 table ops (threshold, negate, linear, gamma, lut) in a
// pipeline run as ONE fused lut pass: byte-identical to the same ops run
// one by one (random parameters, tables, alpha options, channel counts,
// strides), and explain() shows which steps fused.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const ref = require('./ref');

const { image } = offload;
const TABLE_OPS = ['threshold', 'negate', 'linear', 'gamma', 'lut'];

/** A random table op for a `channels`-channel image. */
function randomOp(r, channels) {
  const name = TABLE_OPS[Math.floor(r() * TABLE_OPS.length)];
  const alpha = r() < 0.5;
  const perChannel = () => Array.from({ length: channels },
    () => Math.round((r() * 3 - 1) * 1000) / 1000);
  switch (name) {
    case 'threshold':
      return [name, { value: Math.floor(r() * 256), alpha }];
    case 'negate':
      return [name, { alpha }];
    case 'linear':
      return [name, r() < 0.5 ? { a: perChannel(), b: perChannel().map((v) => v * 60),
        alpha } : { a: r() * 2, b: r() * 40 - 20 }];
    case 'gamma':
      return [name, { gamma: 0.2 + r() * 4, alpha }];
    default:
      return [name, { table: Uint8Array.from({ length: 256 },
        () => Math.floor(r() * 256)), alpha }];
  }
}

function chained(src, ops) {
  let cur = src;
  for (const [name, opts] of ops) cur = image[`${name}Sync`](cur, opts);
  return cur;
}

function build(src, ops) {
  let p = image.pipeline(src);
  for (const [name, opts] of ops) p = p.op(name, opts);
  return p;
}

test('image_pipeline_fused_equals_the_ops_one_by_one', async () => {
  const r = ref.rng(77);
  let runs = 0;
  for (const [w, h] of [[1, 1], [7, 5], [64, 3], [97, 11], [300, 257]]) {
    for (const channels of [1, 2, 3, 4]) {
      for (let k = 0; k < 6; k++) {
        const src = ref.make(w, h, channels, 'u8', runs + 1, k % 2 ? 3 : 0);
        const ops = Array.from({ length: 2 + Math.floor(r() * 7) },
          () => randomOp(r, channels));
        const want = chained(src, ops);
        const p = build(src, ops);
        const steps = p.explain();
        assert.strictEqual(steps.length, 1);
        assert.deepStrictEqual(steps[0].fused, ops.map(([n]) => n));
        assert.strictEqual(steps[0].op, 'lut');
        const what = `${w}x${h}x${channels}: ${JSON.stringify(ops.map(([n, o]) =>
          [n, { ...o, table: o.table ? '[table]' : undefined }]))}`;
        assert.deepStrictEqual(p.runSync().data, want.data, what);
        assert.deepStrictEqual((await p.run()).data, want.data, what);
        runs++;
      }
    }
  }
  assert.strictEqual(runs, 120);
});

test('image_pipeline_fusion_runs_between_other_steps', async () => {
  const src = ref.make(129, 71, 4, 'u8', 3, 2);
  const table = new Uint8Array(256).map((_, i) => 255 - ((i * 5) & 255));
  const ops = [['linear', { a: [1.1, 0.9, 1.3, 0.5], b: 4, alpha: true }],
    ['gamma', { gamma: 1.8 }], ['blur', { sigma: 1.5 }],
    ['negate', { alpha: false }], ['resize', { width: 50 }],
    ['threshold', { value: 99 }], ['lut', { table }],
    ['negate', {}], ['grayscale', {}], ['gamma', { gamma: 0.7 }]];
  const p = build(src, ops);
  assert.deepStrictEqual(p.explain().map((s) => s.fused ?? s.op), [
    ['linear', 'gamma'], 'blur', 'negate', 'resize',
    ['threshold', 'lut', 'negate'], 'grayscale', 'gamma']);
  let want = src;
  for (const [name, opts] of ops) {
    want = name === 'resize' ? offload.resizeSync(want, opts)
      : image[`${name}Sync`](want, opts);
  }
  assert.deepStrictEqual(p.runSync().data, want.data);
  assert.deepStrictEqual((await p.run()).data, want.data);
  const out = { data: Buffer.alloc(50 * 28), width: 50, height: 28,
    channels: 1 };
  assert.strictEqual((await p.run({ out })).data, out.data);
  assert.deepStrictEqual(out.data, want.data);
  // explain() describes each step's output.
  const [first] = p.explain();
  assert.deepStrictEqual(first, { op: 'lut', width: 129, height: 71,
    channels: 4, dtype: 'u8', fused: ['linear', 'gamma'] });
});

test('image_pipeline_fusion_only_on_u8_and_long_runs_split', async () => {
  // u16 and f32 point ops are not tables: they run one by one.
  for (const dtype of ['u16', 'f32']) {
    const src = ref.make(20, 9, 3, dtype, 5);
    const p = image.pipeline(src).linear({ a: 0.8, b: 0.01 }).gamma()
      .negate();
    assert.deepStrictEqual(p.explain().map((s) => s.op),
      ['linear', 'gamma', 'negate']);
    assert.ok(p.explain().every((s) => s.fused === undefined));
    assert.deepStrictEqual(p.runSync().data, image.negateSync(image.gammaSync(
      image.linearSync(src, { a: 0.8, b: 0.01 }))).data);
  }
  // A single table op is left as it is.
  const u8 = ref.make(20, 9, 3, 'u8', 5);
  assert.deepStrictEqual(image.pipeline(u8).negate().explain(),
    [{ op: 'negate', width: 20, height: 9, channels: 3, dtype: 'u8' }]);
  // 150 table ops: fused in runs of at most 64, still one pipeline task.
  const r = ref.rng(5);
  const ops = Array.from({ length: 150 }, () => randomOp(r, 3));
  const p = build(u8, ops);
  assert.deepStrictEqual(p.explain().map((s) => s.fused.length), [64, 64, 22]);
  assert.deepStrictEqual((await p.run()).data, chained(u8, ops).data);
  // Fusion does not change the step limit of what is left after it.
  assert.throws(() => build(u8, Array.from({ length: 65 },
    () => ['flip', {}])).explain(), { code: 'ERR_OUT_OF_RANGE' });
});

test('image_pipeline_explain_validates_like_runSync', () => {
  const src = ref.make(10, 10, 3, 'u8', 1);
  assert.throws(() => image.pipeline(src).explain(),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => image.pipeline(src).gamma({ gamma: 0 }).negate()
    .explain(), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => image.pipeline(src).lut({ table: new Uint8Array(3) })
    .negate().explain(), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => image.pipeline({ data: 1 }).flip().explain(),
    { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => image.pipeline(src).explain.call({}),
    { code: 'ERR_INVALID_ARG_TYPE' });
  assert.deepStrictEqual(image.pipeline(src).resize({ width: 5 })
    .composite([{ input: ref.make(2, 2, 4, 'u8', 2) }, { input:
    ref.make(3, 3, 3, 'u8', 2), left: 1 }]).explain().map((s) =>
    [s.op, s.layer, s.width]), [['resize', undefined, 5],
    ['composite', 0, 5], ['composite', 1, 5]]);
});
