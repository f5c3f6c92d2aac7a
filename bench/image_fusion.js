'use strict';
// Fused point ops: a pipeline's run of adjacent u8 table ops (one lut pass
// over the image) against the same ops as separate Sync calls writing in
// place (one pass each, no allocation), on a raw RGBA 3840x2160 frame.
// Also a pipeline whose last step is stats() against the same pipeline
// returning the image and then image.statsSync() on it.
//
//   node bench/image_fusion.js [--rounds N]   (default 7; medians shown)
const { performance } = require('node:perf_hooks');
const offload = require('..');

const { image } = offload;
const i = process.argv.indexOf('--rounds');
const ROUNDS = i < 0 ? 7 : Number(process.argv[i + 1]);
const W = 3840;
const H = 2160;
const frame = { data: Buffer.alloc(W * H * 4), width: W, height: H,
  channels: 4 };
for (let k = 0; k < frame.data.length; k++) {
  frame.data[k] = (k * 2654435761) >>> 24;
}
const ops = [['linear', { a: [1.1, 1, 0.9, 1], b: -6 }],
  ['gamma', { gamma: 1.8 }], ['negate', { alpha: false }],
  ['threshold', { value: 90 }]];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const work = { ...frame, data: Buffer.alloc(frame.data.length) };
const out = { ...frame, data: Buffer.alloc(frame.data.length) };
let p = image.pipeline(frame);
for (const [n, o] of ops) p = p.op(n, o);
console.log('explain:', JSON.stringify(p.explain().map((s) => s.fused ?? s.op)));
const rows = { 'pipeline, fused (1 pass, out)': [],
  'separate Sync calls in place (4 passes)': [],
  'pipeline ... stats()': [], 'pipeline, then statsSync()': [] };
let sp = image.pipeline(frame).resize({ width: 1920 });
for (const [n, o] of ops) sp = sp.op(n, o);
let ip = image.pipeline(frame).resize({ width: 1920 });
for (const [n, o] of ops) ip = ip.op(n, o);
for (let r = 0; r < ROUNDS; r++) {
  rows['pipeline, fused (1 pass, out)'].push(time(() => p.runSync({ out })));
  // Restoring the input (a copy) is not timed.
  work.data.set(frame.data);
  rows['separate Sync calls in place (4 passes)'].push(time(() => {
    for (const [n, o] of ops) image[`${n}Sync`](work, { ...o, out: work });
  }));
  rows['pipeline ... stats()'].push(time(() => sp.stats().runSync()));
  rows['pipeline, then statsSync()'].push(time(() =>
    image.statsSync(ip.runSync())));
  // stats() appended a step: rebuild for the next round.
  sp = image.pipeline(frame).resize({ width: 1920 });
  for (const [n, o] of ops) sp = sp.op(n, o);
}
if (!out.data.equals(work.data)) throw new Error('fused != separate');
for (const [name, t] of Object.entries(rows)) {
  console.log(`${name.padEnd(42)} ${median(t).toFixed(1)} ms`);
}
