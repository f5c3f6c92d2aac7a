'use strict';
// Image benchmark: offload.resize and offload.image.* against sharp on the
// same raw RGBA 3840x2160 frame (raw in, raw out), side by side in one
// process, and jimp once per op it has. Each round runs every row for
// every peer back to back (the order alternates per round); the tables
// show medians over rounds and the median of the per-round ratios.
//
//   node bench/image.js [--rounds N] [--calls N] [--only text] [--jimp]
//   (default 5 rounds, 3 calls; --only keeps rows whose name contains text)
//
// sharp gets the same number of threads as offload's executor
// (sharp.concurrency(n)), cache off; every peer runs one call at a time.
// "offload out" writes into one preallocated output (no fresh 33 MB of
// page faults per call). Event-loop delay is the worst delay
// monitorEventLoopDelay({ resolution: 1 }) or a 1 ms timer saw while the
// calls ran. For point ops, "vs memcpy" divides offload-out's time by a
// Buffer copy of the same bytes into a preallocated buffer.
const os = require('node:os');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const offload = require('..');

const { image: im } = offload;
const argv = process.argv;
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const ROUNDS = Number(arg('--rounds', 5));
const CALLS = Number(arg('--calls', 3));
const ONLY = arg('--only', '');
const JIMP = argv.includes('--jimp');

let sharp = null;
try {
  sharp = require('sharp');
} catch {
  console.error('sharp is not installed: offload rows only');
}

// A 4K RGBA frame with smooth gradients, texture and hard edges.
const W = 3840;
const H = 2160;
const src = Buffer.allocUnsafe(W * H * 4);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 4;
    src[i] = (x * 255) / W;
    src[i + 1] = 128 + 127 * Math.sin(x / 17) * Math.cos(y / 23);
    src[i + 2] = ((x >> 5) + (y >> 5)) & 1 ? 230 : 20;
    src[i + 3] = 255;
  }
}
const frame = { data: src, width: W, height: H, channels: 4 };
const WM = 512;
const wm = Buffer.allocUnsafe(WM * WM * 4);
for (let i = 0; i < wm.length; i++) wm[i] = (i * 31) & 255;
const watermark = { data: wm, width: WM, height: WM, channels: 4 };
const K3 = [-1, -1, -1, -1, 9, -1, -1, -1, -1];
const raw = { raw: { width: W, height: H, channels: 4 } };
const sh = () => sharp(src, raw);
const outOf = (w, h, ch) => ({ data: Buffer.allocUnsafe(w * h * ch), width: w,
  height: h, channels: ch });
const full4 = outOf(W, H, 4);
const full1 = outOf(W, H, 1);
// A copy of the frame that the in-place composite row may overwrite.
const inPlace = { ...frame, data: Buffer.from(src) };

// name, point op?, offload(out?) → promise, sharp → promise, jimp(j) | null
const ROWS = [
  ['resize 1920x1080 lanczos3', false,
    () => offload.resize(frame, { width: 1920, height: 1080, fit: 'fill' }),
    () => sh().resize(1920, 1080, { fit: 'fill' }).raw().toBuffer(),
    (j) => j.resize({ w: 1920, h: 1080 })],
  ['resize 1920x1080 linear', false,
    () => offload.resize(frame, { width: 1920, height: 1080, fit: 'fill',
      kernel: 'linear' }),
    () => sh().resize(1920, 1080, { fit: 'fill', kernel: 'linear' }).raw()
      .toBuffer(), null],
  ['resize 320x180 lanczos3', false,
    () => offload.resize(frame, { width: 320, height: 180, fit: 'fill' }),
    () => sh().resize(320, 180, { fit: 'fill' }).raw().toBuffer(), null],
  ['blur sigma 2', false, (out) => im.blur(frame, { sigma: 2, out }),
    () => sh().blur(2).raw().toBuffer(), (j) => j.blur(2)],
  ['blur sigma 10', false, (out) => im.blur(frame, { sigma: 10, out }),
    () => sh().blur(10).raw().toBuffer(), null],
  ['convolve 3x3', false, (out) => im.convolve(frame, { kernel: K3, width: 3,
    height: 3, out }),
  () => sh().convolve({ width: 3, height: 3, kernel: K3 }).raw().toBuffer(),
  (j) => j.convolute([[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]])],
  ['sharpen sigma 1', false, (out) => im.sharpen(frame, { sigma: 1, out }),
    () => sh().sharpen({ sigma: 1 }).raw().toBuffer(), null],
  ['median 3x3', false, (out) => im.median(frame, { size: 3, out }),
    () => sh().median(3).raw().toBuffer(), null],
  ['grayscale', true, (out) => im.grayscale(frame, { out: out && full1 }),
    () => sh().greyscale().raw().toBuffer(), (j) => j.greyscale()],
  ['negate', true, (out) => im.negate(frame, { out }),
    () => sh().negate().raw().toBuffer(), (j) => j.invert()],
  ['linear', true, (out) => im.linear(frame, { a: 1.1, b: -5, out }),
    () => sh().linear(1.1, -5).raw().toBuffer(), null],
  ['stats', false, () => im.stats(frame), () => sh().stats(), null],
  ['composite 512x512 RGBA', false, (out) => im.composite(frame,
    [{ input: watermark, left: 1600, top: 800 }], { out }),
  () => sh().composite([{ input: wm, raw: { width: WM, height: WM,
    channels: 4 }, left: 1600, top: 800 }]).raw().toBuffer(), null],
  ['composite 512x512 RGBA in place (out: base)', false, (out) => im
    .composite(out ? inPlace : frame, [{ input: watermark, left: 1600,
      top: 800 }], { out: out && inPlace }),
  () => sh().composite([{ input: wm, raw: { width: WM, height: WM,
    channels: 4 }, left: 1600, top: 800 }]).raw().toBuffer(), null],
  ['pipeline resize 1920x1080 + sharpen + grayscale', false, (out) => im
    .pipeline(frame).resize({ width: 1920, height: 1080, fit: 'fill' })
    .sharpen({ sigma: 1 }).grayscale().run({ out: out && { ...full1,
      width: 1920, height: 1080 } }), () => sh().resize(1920, 1080, { fit: 'fill' }).sharpen({ sigma: 1 })
    .greyscale().raw().toBuffer(), null],
  ['chained resize 1920x1080, sharpen, grayscale', false, async () => {
    const r = await offload.resize(frame, { width: 1920, height: 1080,
      fit: 'fill' });
    return im.grayscale(await im.sharpen(r, { sigma: 1 }));
  }, () => sh().resize(1920, 1080, { fit: 'fill' }).sharpen({ sigma: 1 })
    .greyscale().raw().toBuffer(), null],
  ['flip', false, (out) => im.flip(frame, { out }),
    () => sh().flip().raw().toBuffer(), (j) => j.flip({ vertical: true })],
  ['rotate 90', false, (out) => im.rotate(frame, { angle: 90,
    out: out && { ...full4, width: H, height: W } }),
  () => sh().rotate(90).raw().toBuffer(), (j) => j.rotate(90)],
].filter((r) => r[0].includes(ONLY));

// Rows whose offload call takes no `out` (resize has none yet; stats has
// no image output; the chained row allocates per step): their "offload
// out" column is only a second sample of the fresh-output call.
const NO_OUT = (name) => /^(resize|stats|chained)/.test(name);

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs fn `calls` times in sequence; { ms per call, worst loop delay }. */
async function measure(fn, calls = CALLS) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let worstGap = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worstGap = Math.max(worstGap, t - last - 1);
    last = t;
  }, 1);
  h.enable();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  const ms = (performance.now() - t0) / calls;
  h.disable();
  clearInterval(timer);
  return { ms, delay: Math.max(h.max / 1e6, worstGap) };
}

function memcpyMs(bytes) {
  const a = src.subarray(0, bytes);
  const b = Buffer.allocUnsafe(bytes);
  a.copy(b);
  const t = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    a.copy(b);
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function main() {
  await im.negate(frame); // starts the executor
  const threads = offload.stats().threads;
  if (sharp) {
    sharp.concurrency(threads);
    sharp.cache(false);
  }
  const peers = ['offload', 'offload out', ...(sharp ? ['sharp'] : [])];
  const res = ROWS.map(() => Object.fromEntries(peers.map((n) => [n,
    { ms: [], delay: [] }])));
  const ratios = ROWS.map(() => ({ fresh: [], out: [] }));
  const fns = (row) => ({ offload: () => row[2](undefined),
    'offload out': () => row[2](full4), sharp: row[3] });
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < ROWS.length; i++) {
      const order = r % 2 ? [...peers].reverse() : peers;
      const got = {};
      const f = fns(ROWS[i]);
      for (const n of order) {
        got[n] = await measure(f[n]);
        res[i][n].ms.push(got[n].ms);
        res[i][n].delay.push(got[n].delay);
      }
      if (sharp) {
        ratios[i].fresh.push(got.sharp.ms / got.offload.ms);
        ratios[i].out.push(got.sharp.ms / got['offload out'].ms);
      }
    }
  }
  const copy = memcpyMs(src.length);
  const simdNames = (m) => [m & 1 ? 'AVX2' : '', m & 2 ? 'SSE4.1' : '']
    .filter(Boolean).join('+') || 'portable';
  const cpus = os.cpus();
  console.log(`node ${process.version}, ${cpus.length} x ${cpus[0].model}, ` +
    `offload executor threads ${threads}, 8-bit SIMD ` +
    `${simdNames(offload._internal.imageSimd())}` +
    (sharp ? `, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}) ` +
      `with sharp.concurrency(${sharp.concurrency()}), cache off` : '') +
    `; ${ROUNDS} rounds x ${CALLS} calls; memcpy of 33 MB ${copy.toFixed(1)} ms\n`);
  console.log('| RGBA 3840x2160 | offload ms | offload out ms | sharp ms | ' +
    'sharp/offload | sharp/offload out | offload MP/s | offload max loop ' +
    'delay ms | sharp max loop delay ms | out vs memcpy |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const f1 = (v) => v.toFixed(1);
  ROWS.forEach((row, i) => {
    const o = median(res[i].offload.ms);
    const oo = median(res[i]['offload out'].ms);
    const s = sharp ? median(res[i].sharp.ms) : NaN;
    const noOut = NO_OUT(row[0]);
    console.log(`| ${row[0]} | ${f1(o)} | ${noOut ? '–' : f1(oo)} | ` +
      `${sharp ? f1(s) : 'n/a'} | ` +
      `${sharp ? `${median(ratios[i].fresh).toFixed(2)}x` : 'n/a'} | ` +
      `${sharp && !noOut ? `${median(ratios[i].out).toFixed(2)}x` : '–'} | ` +
      `${(W * H / 1e6 / (Math.min(o, oo) / 1e3)).toFixed(0)} | ` +
      `${f1(median(res[i].offload.delay))} | ` +
      `${sharp ? f1(median(res[i].sharp.delay)) : 'n/a'} | ` +
      `${row[1] ? `${(oo / copy).toFixed(1)}x` : ''} |`);
  });
  if (!JIMP) return;
  const { Jimp } = require('jimp');
  console.log('\n| RGBA 3840x2160, one call | jimp ms | offload ms | ' +
    'jimp/offload |');
  console.log('|---|---:|---:|---:|');
  for (let i = 0; i < ROWS.length; i++) {
    const jf = ROWS[i][4];
    if (!jf) continue;
    // A fresh bitmap per call: jimp ops work in place.
    const j = Jimp.fromBitmap({ data: Buffer.from(src), width: W, height: H });
    const t0 = performance.now();
    jf(j);
    const jm = performance.now() - t0;
    const o = median(res[i].offload.ms);
    console.log(`| ${ROWS[i][0]} | ${jm.toFixed(0)} | ${f1(o)} | ` +
      `${(jm / o).toFixed(0)}x |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
