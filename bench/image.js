'use strict';
// Image resize benchmark: offload.resize against sharp on the same raw RGBA
// pixels, side by side in one process. Each round runs every row for both
// libraries back to back (the order alternates per round); the table shows
// medians over rounds and the median of the per-round ratios.
//
//   node bench/image.js [--rounds N] [--calls N]   (default 7 rounds, 3 calls)
//
// sharp gets the same number of threads as offload's executor
// (sharp.concurrency(n)); both run one call at a time. Event-loop delay is
// the worst delay monitorEventLoopDelay({ resolution: 1 }) saw while the
// calls ran, with a 1 ms timer keeping the loop busy.
const os = require('node:os');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const offload = require('..');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const ROUNDS = arg('--rounds', 7);
const CALLS = arg('--calls', 3);

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
const image = { data: src, width: W, height: H, channels: 4 };

const ROWS = [
  [1920, 1080, 'lanczos3'], [320, 180, 'lanczos3'],
  [1920, 1080, 'linear'], [320, 180, 'linear'],
];

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs fn CALLS times in sequence; { ms per call, worst loop delay ms }. */
async function measure(fn) {
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
  for (let i = 0; i < CALLS; i++) await fn();
  const ms = (performance.now() - t0) / CALLS;
  h.disable();
  clearInterval(timer);
  return { ms, delay: Math.max(h.max / 1e6, worstGap) };
}

const peers = {
  offload: (ow, oh, kernel) => () => offload.resize(image,
    { width: ow, height: oh, kernel, fit: 'fill' }),
  sharp: (ow, oh, kernel) => () => sharp(src, { raw: { width: W, height: H,
    channels: 4 } }).resize(ow, oh, { kernel, fit: 'fill' }).raw()
    .toBuffer(),
};

async function main() {
  await offload.resize(image, { width: 64 }); // starts the executor
  const threads = offload.stats().threads;
  if (sharp) {
    sharp.concurrency(threads);
    sharp.cache(false);
  }
  const names = sharp ? ['offload', 'sharp'] : ['offload'];
  const res = ROWS.map(() => Object.fromEntries(names.map((n) => [n,
    { ms: [], delay: [] }])));
  const ratios = ROWS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < ROWS.length; i++) {
      const order = r % 2 ? [...names].reverse() : names;
      const got = {};
      for (const n of order) {
        got[n] = await measure(peers[n](...ROWS[i]));
        res[i][n].ms.push(got[n].ms);
        res[i][n].delay.push(got[n].delay);
      }
      if (sharp) ratios[i].push(got.sharp.ms / got.offload.ms);
    }
  }
  const cpus = os.cpus();
  console.log(`node ${process.version}, ${cpus.length} x ${cpus[0].model}, ` +
    `offload executor threads ${threads}` +
    (sharp ? `, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}) ` +
      `with sharp.concurrency(${sharp.concurrency()}), cache off` : '') +
    `; ${ROUNDS} rounds x ${CALLS} calls\n`);
  console.log('| resize RGBA 3840x2160 → | kernel | offload ms | sharp ms | ' +
    'sharp/offload time | offload max loop delay ms | sharp max loop delay ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  ROWS.forEach(([ow, oh, kernel], i) => {
    const o = res[i].offload;
    const s = sharp ? res[i].sharp : null;
    const f = (v) => v.toFixed(1);
    console.log(`| ${ow}x${oh} | ${kernel} | ${f(median(o.ms))} | ` +
      `${s ? f(median(s.ms)) : 'n/a'} | ` +
      `${s ? `${median(ratios[i]).toFixed(2)}x` : 'n/a'} | ` +
      `${f(median(o.delay))} | ${s ? f(median(s.delay)) : 'n/a'} |`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
