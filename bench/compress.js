'use strict';
// Compression throughput, side by side in one run: offload vs node:zlib
// (sync, async, streams), zstd-napi and lz4-napi, on 16 MiB of generated
// JSON log lines and 16 MiB of random bytes. Each operation's rows run in
// interleaved rounds and are compared with its first row (a peer). Async
// rows also report the event-loop delay (monitorEventLoopDelay) during
// separate calls of theirs, after the timed rounds.
// Usage: node bench/compress.js [--quick] [--only <text in the operation>]
const zlib = require('zlib');
const { pipeline, Readable, Writable } = require('stream');
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const offload = require('..');
const binding = require('../lib/binding');
const { logLines, randomBytes } = require('../test/js/fixtures/compress_data');

const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1] : null;
const MIB = 1024 * 1024;
const SIZE = QUICK ? 4 * MIB : 16 * MIB;
const RUNS = QUICK ? 3 : 5;
const CHUNK = 64 * 1024;

function optional(name) {
  try {
    return require(name);
  } catch {
    return null;
  }
}
// zstd-napi is not a devDependency: it has no prebuilt binary here and
// its node-gyp build would download Node headers, breaking offline
// `npm install`. Install it by hand to get its rows:
//   npm_config_nodedir="$(node -p "require('path').resolve(process.execPath, '../..')")" npm install --no-save zstd-napi
const zstdNapi = optional('zstd-napi');
const lz4Napi = optional('lz4-napi');
if (!zstdNapi) console.log('zstd-napi not installed: its rows are skipped (see the comment in bench/compress.js)');

const BATCH = QUICK ? 1 : 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures a group's implementations in interleaved rounds (BATCH calls of
 * each per round, so a slow spell of this noisy machine hits all of them):
 * median MB/s, median per-round speed ratio against the group's first row
 * (the peer); async rows then report the event-loop delay over calls of
 * their own (see the comment below).
 */
async function measureGroup(bytes, impls) {
  for (const im of impls) await im.fn(); // warm-up
  const times = impls.map(() => []);
  const outs = [];
  // Throughput rounds run with no timer: a 1 ms interval keeps the JS
  // thread awake, which speeds up callback-per-chunk APIs (async zlib: about
  // 2x here) and is not how they run in a quiet process.
  // Each row makes BATCH back-to-back calls per round and counts their
  // median: the row's own steady state, not the allocator and GC state the
  // previous row left behind (every call here frees and makes 16 MiB
  // buffers; one call right after another row's was up to 1.7x slower for
  // every implementation, unevenly).
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < impls.length; i++) {
      const batch = [];
      for (let b = 0; b < BATCH; b++) {
        const t0 = performance.now();
        outs[i] = await impls[i].fn();
        batch.push(performance.now() - t0);
      }
      times[i].push(median(batch));
    }
  }
  // Then the event-loop delay of each async row, over RUNS more calls,
  // with a 1 ms interval so the histogram sees the loop's delays.
  const eld = [];
  for (let i = 0; i < impls.length; i++) {
    if (!(impls[i].opts && impls[i].opts.async)) continue;
    const tick = setInterval(() => {}, 1);
    const p50s = [];
    let max = 0;
    for (let r = 0; r < RUNS; r++) {
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const t0 = performance.now();
      await impls[i].fn();
      const t = performance.now() - t0;
      h.disable();
      // No sample at all: the loop was blocked for the whole call.
      p50s.push(h.count > 0 ? h.percentile(50) / 1e6 : t);
      max = Math.max(max, h.count > 0 ? h.max / 1e6 : t);
    }
    clearInterval(tick);
    eld[i] = { p50: median(p50s), max };
  }
  return impls.map((im, i) => ({
    mbps: bytes / MIB / (median(times[i]) / 1000),
    ratio: median(times[i].map((t, r) => times[0][r] / t)),
    size: outs[i] && outs[i].length,
    eld: eld[i] || null,
  }));
}

function chunks(buf) {
  const list = [];
  for (let off = 0; off < buf.length; off += CHUNK) list.push(buf.subarray(off, off + CHUNK));
  return list;
}

function streamThrough(buf, transform) {
  return new Promise((resolve, reject) => {
    let n = 0;
    pipeline(Readable.from(chunks(buf)), transform, new Writable({
      write(c, e, cb) { n += c.length; cb(); },
    }), (err) => (err ? reject(err) : resolve({ length: n })));
  });
}

const rows = [];
let pending = [];

/** Queues a row; a group's rows run together when the next group starts. */
async function row(group, input, name, fn, opts) {
  if (ONLY !== null && !group.includes(ONLY)) return;
  if (pending.length > 0 && (pending[0].group !== group || pending[0].input !== input)) {
    await runPending();
  }
  pending.push({ group, input, name, fn, opts });
}

async function runPending() {
  const list = pending;
  pending = [];
  if (list.length === 0) return;
  const results = await measureGroup(list[0].input.data.length, list);
  list.forEach((im, i) => {
    const r = results[i];
    rows.push({ group: im.group, input: im.input.name, name: im.name, ...r });
    const eld = r.eld ? `${r.eld.p50.toFixed(1)} / ${r.eld.max.toFixed(1)}` : '(sync: blocks)';
    const ratio = i === 0 ? 'peer' : `${r.ratio.toFixed(2)}×`;
    console.log(`| ${im.group} | ${im.input.name} | ${im.name} | ${r.mbps.toFixed(0)} | ${ratio} | ${r.size ?? ''} | ${eld} |`);
  });
}

async function main() {
  const inputs = [
    { name: 'json', data: logLines(SIZE) },
    { name: 'random', data: randomBytes(SIZE) },
  ];
  console.log(`node ${process.version}, ${SIZE / MIB} MiB per input, median of ${RUNS}, ` +
    `offload threads ${offload.stats().threads || 'lazy'}`);
  console.log('| operation | input | implementation | MB/s | vs first row (median of per-round ratios) | output bytes | loop delay p50 / max (ms) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const input of inputs) {
    const d = input.data;
    const gz = zlib.gzipSync(d);
    const zs = offload.compressSync(d, { codec: 'zstd', level: 3 });
    const l4 = offload.compressSync(d, { codec: 'lz4' });
    const cb = (f) => new Promise((res, rej) => f((e, r) => (e ? rej(e) : res(r))));
    const g = 'gzip-6 compress';
    await row(g, input, 'zlib.gzipSync', () => zlib.gzipSync(d, { level: 6 }));
    await row(g, input, 'zlib.gzip (async)', () => cb((k) => zlib.gzip(d, { level: 6 }, k)), { async: true });
    await row(g, input, 'offload.compressSync', () => offload.compressSync(d, { codec: 'gzip', level: 6 }));
    await row(g, input, 'offload.compress parallel:false', () => offload.compress(d, { codec: 'gzip', level: 6, parallel: false }), { async: true });
    await row(g, input, 'offload.compress', () => offload.compress(d, { codec: 'gzip', level: 6 }), { async: true });
    const u = 'gunzip';
    await row(u, input, 'zlib.gunzipSync', () => zlib.gunzipSync(gz));
    await row(u, input, 'zlib.gunzip (async)', () => cb((k) => zlib.gunzip(gz, k)), { async: true });
    await row(u, input, 'offload.decompressSync', () => offload.decompressSync(gz, { codec: 'gzip' }));
    await row(u, input, 'offload.decompress', () => offload.decompress(gz, { codec: 'gzip' }), { async: true });
    const z = 'zstd-3 compress';
    if (zstdNapi) await row(z, input, 'zstd-napi compress (sync)', () => zstdNapi.compress(d, { compressionLevel: 3 }));
    await row(z, input, 'offload.compress', () => offload.compress(d, { codec: 'zstd', level: 3 }), { async: true });
    await row(z, input, 'offload.compress parallel:false', () => offload.compress(d, { codec: 'zstd', level: 3, parallel: false }), { async: true });
    const zd = 'zstd decompress, one frame';
    if (zstdNapi) await row(zd, input, 'zstd-napi decompress (sync)', () => zstdNapi.decompress(zs));
    await row(zd, input, 'offload.decompress', () => offload.decompress(zs, { codec: 'zstd' }), { async: true });
    // What offload.compress() (and pzstd) write for large inputs: ~4 MiB
    // frames, which offload decodes on several threads.
    const zm = await offload.compress(d, { codec: 'zstd', level: 3 });
    const zdm = `zstd decompress, ${binding.zstdFrames(zm, 2 ** 40)} frames (offload.compress output)`;
    if (zstdNapi) await row(zdm, input, 'zstd-napi decompress (sync)', () => zstdNapi.decompress(zm));
    await row(zdm, input, 'offload.decompress', () => offload.decompress(zm, { codec: 'zstd' }), { async: true });
    await row(zdm, input, 'offload.decompress parallel:false', () => offload.decompress(zm, { codec: 'zstd', parallel: false }), { async: true });
    const l = 'lz4 compress';
    if (lz4Napi) await row(l, input, 'lz4-napi compressFrame (async)', () => lz4Napi.compressFrame(d), { async: true });
    if (lz4Napi) await row(l, input, 'lz4-napi compress (block, async)', () => lz4Napi.compress(d), { async: true });
    await row(l, input, 'offload.compress', () => offload.compress(d, { codec: 'lz4' }), { async: true });
    const ld = 'lz4 decompress';
    if (lz4Napi) {
      const lf = await lz4Napi.compressFrame(d);
      const lb = await lz4Napi.compress(d);
      await row(ld, input, 'lz4-napi decompressFrame (async)', () => lz4Napi.decompressFrame(lf), { async: true });
      await row(ld, input, 'lz4-napi uncompress (block, async)', () => lz4Napi.uncompress(lb), { async: true });
    }
    await row(ld, input, 'offload.decompress', () => offload.decompress(l4, { codec: 'lz4' }), { async: true });
    const s = 'gzip-6 stream, 64 KiB chunks';
    await row(s, input, 'zlib.createGzip', () => streamThrough(d, zlib.createGzip({ level: 6 })), { async: true });
    await row(s, input, 'offload.createCompressStream', () => streamThrough(d, offload.createCompressStream({ codec: 'gzip', level: 6 })), { async: true });
    const zsr = 'zstd-3 stream, 64 KiB chunks';
    if (zstdNapi) await row(zsr, input, 'zstd-napi CompressStream', () => streamThrough(d, new zstdNapi.CompressStream({ compressionLevel: 3 })), { async: true });
    await row(zsr, input, 'offload.createCompressStream', () => streamThrough(d, offload.createCompressStream({ codec: 'zstd', level: 3 })), { async: true });
  }
  await runPending();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
