'use strict';
// Hashing benchmark: offload against what a user would otherwise pick
// (node:crypto, zlib.crc32, @node-rs/xxhash, hash-wasm), side by side in
// one process, several rounds, medians. Prints a Markdown table.
//
//   node bench/hash.js [--rounds N]        (default 5 rounds)
//
// Every ratio is the median of the per-round ratios, each measured with
// both peers back to back in the same round. Event-loop delay is measured
// with monitorEventLoopDelay({ resolution: 1 }) plus a 1 ms interval timer
// while the work runs (docs/benchmarks.md, DESIGN.md §8).
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const os = require('node:os');
const { Readable, Writable, Transform, PassThrough } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const offload = require('..');

const MiB = 1024 * 1024;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const ROUNDS = arg('--rounds', 5);
const STREAM_BATCH = 3;

let xxrs = null;
let hashWasm = null;
try { xxrs = require('@node-rs/xxhash'); } catch { /* reported below */ }
try { hashWasm = require('hash-wasm'); } catch { /* reported below */ }

// ---- inputs ---------------------------------------------------------------
const pool = crypto.randomFillSync(Buffer.allocUnsafe(128 * MiB));
const big = pool.subarray(0, 64 * MiB);
const sixteen = Array.from({ length: 8 }, (_, i) =>
  pool.subarray(i * 16 * MiB, (i + 1) * 16 * MiB));
const one = pool.subarray(3 * MiB, 4 * MiB);
const tiny = pool.subarray(100, 164);

// The VM's own two-thread ceiling for BLAKE3, without the executor: two
// worker_threads each hashSync one half of a shared 64 MiB input at once,
// against one thread hashing both halves. Same kernel, same machine.
const { Worker } = require('node:worker_threads');
const shared = new Uint8Array(new SharedArrayBuffer(64 * MiB));
shared.set(big);
function plainPair() {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const o = require(${JSON.stringify(require.resolve('..'))});
    const half = new Uint8Array(workerData.sab, workerData.off, workerData.len);
    parentPort.on('message', (n) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) o.hashSync('blake3', half);
      parentPort.postMessage(Number(process.hrtime.bigint() - t0) / 1e9);
    });`;
  const half = 32 * MiB;
  return [0, half].map((off) => new Worker(src, {
    eval: true, workerData: { sab: shared.buffer, off, len: half },
  }));
}
let pair = null;
const ask = (w, n) => new Promise((resolve) => {
  w.once('message', resolve);
  w.postMessage(n);
});
/** Seconds for n 64 MiB hashes: [one worker doing both halves, two at once]. */
async function plainThreads(pair, n) {
  const t1 = now();
  await ask(pair[0], n);
  await ask(pair[1], n);
  const one = sec(t1);
  const t2 = now();
  await Promise.all(pair.map((w) => ask(w, n)));
  return [one, sec(t2)];
}

// ---- timing helpers ---------------------------------------------------------
const now = () => process.hrtime.bigint();
const sec = (t0) => Number(now() - t0) / 1e9;

/** Seconds per call of a sync fn, calling it in batches for >= minMs. */
function perCall(fn, minMs = 150) {
  fn();
  let n = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) fn();
    const s = sec(t0);
    if (s * 1000 >= minMs) return s / n;
    n = s * 1000 < minMs / 10 ? n * 10 : Math.ceil(n * (minMs * 1.1) / (s * 1000));
  }
}

/** Seconds per sequential awaited call of an async fn, for >= minMs. */
async function perCallAsync(fn, minMs = 150) {
  await fn();
  let n = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) await fn();
    const s = sec(t0);
    if (s * 1000 >= minMs) return s / n;
    n = s * 1000 < minMs / 10 ? n * 10 : Math.ceil(n * (minMs * 1.1) / (s * 1000));
  }
}

/** Wall seconds of one run of an async (or sync) fn. */
async function once(fn) {
  const t0 = now();
  await fn();
  return sec(t0);
}

/**
 * Runs fn with the loop-delay monitor on; returns { s, max } where max is
 * the worst event-loop delay seen (ms): the histogram max and the largest
 * gap between 1 ms interval ticks beyond 1 ms, whichever is larger.
 * A short idle margin before and after lets a blocked loop be observed.
 */
async function withLoopDelay(fn) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    gap = Math.max(gap, t - last - 1);
    last = t;
  }, 1);
  h.enable();
  await sleep(5);
  h.reset();
  gap = 0;
  last = performance.now();
  const t0 = now();
  await fn();
  const s = sec(t0);
  await sleep(5);
  h.disable();
  clearInterval(timer);
  return { s, max: Math.max(h.max / 1e6, gap) };
}

function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

// ---- streaming helpers -------------------------------------------------------
function chunkSource(buf, size) {
  let off = 0;
  return new Readable({
    highWaterMark: size,
    read() {
      if (off >= buf.length) { this.push(null); return; }
      this.push(buf.subarray(off, off + size));
      off += size;
    },
  });
}
const sink = () => new Writable({ write(c, e, cb) { cb(); } });

async function streamOffload(buf) {
  const h = offload.createHash('sha256');
  await pipeline(chunkSource(buf, 64 * 1024), h, sink());
  return h.digest('hex');
}

// The node:crypto equivalent of a pass-through hasher.
async function streamCrypto(buf) {
  const h = crypto.createHash('sha256');
  const t = new Transform({
    transform(c, e, cb) { h.update(c); cb(null, c); },
  });
  await pipeline(chunkSource(buf, 64 * 1024), t, sink());
  return h.digest('hex');
}

// ---- one round -----------------------------------------------------------
const GB = 1e9;
async function round(r) {
  const m = {};
  const tp = (bytes, s) => bytes / s / GB; // GB/s

  // Large sha256: throughput (two calls each, alternating order).
  {
    const a = await once(async () => {
      await offload.hash('sha256', big); await offload.hash('sha256', big);
    });
    const b = await once(() => { crypto.hash('sha256', big); crypto.hash('sha256', big); });
    m.sha256Ofl = tp(2 * big.length, a);
    m.sha256Crypto = tp(2 * big.length, b);
  }
  // Large sha256: event-loop delay while the call runs.
  m.idleDelay = (await withLoopDelay(() => sleep(45))).max;
  m.sha256OflDelay = (await withLoopDelay(() => offload.hash('sha256', big))).max;
  m.sha256CryptoDelay = (await withLoopDelay(() => crypto.hash('sha256', big))).max;

  // Concurrency: 8 x 16 MiB at once vs one after another on the loop.
  // Throughput is timed without the delay monitor: its 1 ms timer wakes the
  // JS thread, a third thread on 2 cores, which the sequential crypto.hash
  // baseline does not pay. The delay is measured in a separate run.
  {
    const c = await withLoopDelay(() =>
      Promise.all(sixteen.map((b) => offload.hash('sha256', b))));
    m.concOfl = await once(() =>
      Promise.all(sixteen.map((b) => offload.hash('sha256', b))));
    const s = await once(() => { for (const b of sixteen) crypto.hash('sha256', b); });
    m.concOflDelay = c.max;
    m.concCrypto = s;
  }

  // Small inputs: ns/op.
  // Small inputs: ns/op. crypto.hash returns hex by default and builds the
  // string natively; offload returns a Buffer by default. Both output
  // forms are compared like for like.
  m.smallSync = perCall(() => offload.hashSync('sha256', tiny)) * 1e9;
  m.smallCrypto = perCall(() => crypto.hash('sha256', tiny, 'buffer')) * 1e9;
  m.smallSyncHex = perCall(() => offload.hashSync('sha256', tiny, 'hex')) * 1e9;
  m.smallCryptoHex = perCall(() => crypto.hash('sha256', tiny)) * 1e9;
  m.smallAsync = (await perCallAsync(() => offload.hash('sha256', tiny))) * 1e9;
  m.smallCrypto2 = perCall(() => crypto.hash('sha256', tiny, 'buffer')) * 1e9;

  // xxHash on 1 MiB.
  m.xxh3Sync = tp(one.length, perCall(() => offload.hashSync('xxh3', one)));
  // The async form: inputs of 16 KiB..1 MiB take the executor's one-shot
  // path; if that fails, say so instead of a number. 4 MiB as well.
  try {
    m.xxh3Async = tp(one.length, await perCallAsync(() => offload.hash('xxh3', one)));
  } catch (err) {
    m.xxh3AsyncError = `${err.code}: ${err.message}`;
  }
  const four = pool.subarray(0, 4 * MiB);
  m.xxh3Async4 = tp(four.length, await perCallAsync(() => offload.hash('xxh3', four)));
  m.xxh3Sync4 = tp(four.length, perCall(() => offload.hashSync('xxh3', four)));
  m.xxh64Sync = tp(one.length, perCall(() => offload.hashSync('xxh64', one)));
  if (xxrs) {
    m.xxh3Rs = tp(one.length, perCall(() => xxrs.xxh3.xxh64(one)));
    m.xxh64Rs = tp(one.length, perCall(() => xxrs.xxh64(one)));
  }

  // BLAKE3 on 64 MiB: single-threaded, split across the executor, hash-wasm.
  m.b3Sync = tp(big.length, perCall(() => offload.hashSync('blake3', big), 300));
  m.b3Async = tp(big.length, await perCallAsync(() => offload.hash('blake3', big), 300));
  {
    const [oneT, twoT] = await plainThreads(pair, 4);
    m.b3PlainOne = tp(4 * big.length, oneT);
    m.b3PlainTwo = tp(4 * big.length, twoT);
  }
  if (hashWasm) {
    const w = await hashWasm.createBLAKE3();
    m.b3Wasm = tp(big.length, perCall(() => { w.init(); w.update(big); w.digest(); }, 300));
  }

  // CRCs on 1 MiB.
  m.crc32c = tp(one.length, perCall(() => offload.hashSync('crc32c', one)));
  m.crc32 = tp(one.length, perCall(() => offload.hashSync('crc32', one)));
  if (typeof zlib.crc32 === 'function') {
    m.crc32Zlib = tp(one.length, perCall(() => zlib.crc32(one)));
  }

  // Streaming: 64 MiB in 64 KiB chunks. Throughput: STREAM_BATCH runs of
  // each, interleaved, without the loop monitor (like every throughput
  // row); the median run of each counts. Loop delay: one more run each.
  {
    const so = [], sc = [], one = [], bare = [];
    for (let b = 0; b < STREAM_BATCH; b++) {
      so.push(await once(() => streamOffload(big)));
      one.push(await once(() => offload.hash('sha256', big)));
      sc.push(await once(() => streamCrypto(big)));
      // What the stream machinery alone costs: the same pipeline, no hashing.
      bare.push(await once(() =>
        pipeline(chunkSource(big, 64 * 1024), new PassThrough(), sink())));
    }
    m.streamBare = tp(big.length, median(bare));
    m.streamOfl = tp(big.length, median(so));
    m.streamCrypto = tp(big.length, median(sc));
    m.streamOneShot = tp(big.length, median(one));
    m.streamOflDelay = (await withLoopDelay(() => streamOffload(big))).max;
    m.streamCryptoDelay = (await withLoopDelay(() => streamCrypto(big))).max;
  }

  // Other OpenSSL digests on 64 MiB.
  for (const alg of ['md5', 'sha1', 'sha512']) {
    m[`${alg}Ofl`] = tp(big.length, await once(() => offload.hash(alg, big)));
    m[`${alg}Crypto`] = tp(big.length, await once(() => crypto.hash(alg, big)));
  }
  process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
  return m;
}

// ---- report --------------------------------------------------------------
const f2 = (x) => x.toFixed(2);
const gbs = (x) => `${f2(x)} GB/s`;
const ms = (x) => `${x.toFixed(1)} ms`;
const ns = (x) => `${Math.round(x)} ns`;

/** Share of one core this thread actually got during a 200 ms busy loop:
 * ~1.0 on a quiet machine, lower when other processes compete. */
function cpuShare() {
  const c0 = process.cpuUsage();
  const end = performance.now() + 200;
  while (performance.now() < end);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / 200;
}

async function main() {
  // Sanity: offload agrees with node:crypto before we time anything.
  const want = crypto.hash('sha256', big, 'hex');
  if (await offload.hash('sha256', big, 'hex') !== want ||
      await streamOffload(big) !== want) {
    throw new Error('offload sha256 disagrees with node:crypto');
  }
  const load0 = os.loadavg()[0];
  const share0 = cpuShare();
  pair = plainPair();
  await plainThreads(pair, 1); // warm up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(r));
  for (const w of pair) await w.terminate();
  const load1 = os.loadavg()[0];
  const share1 = cpuShare();
  const med = (k) => median(rounds.map((m) => m[k]));
  const medRatio = (a, b) => median(rounds.map((m) => m[a] / m[b]));
  const has = (k) => rounds[0][k] !== undefined;

  const rows = [];
  // [case, target, offload, peer, ratio, pass]
  const row = (c, target, o, p, ratio, pass) =>
    rows.push([c, target, o, p, ratio, pass === null ? 'info' : pass ? 'pass' : '**miss**']);

  let x = medRatio('sha256Ofl', 'sha256Crypto');
  row('sha256 64 MiB, `await hash` vs `crypto.hash`', '≥ 0.95×',
    gbs(med('sha256Ofl')), gbs(med('sha256Crypto')), `${f2(x)}×`, x >= 0.95);
  row('sha256 64 MiB, event-loop max delay during the call', '≤ 5 ms (crypto ~40 ms)',
    ms(med('sha256OflDelay')), ms(med('sha256CryptoDelay')),
    `idle floor ${ms(med('idleDelay'))}`, med('sha256OflDelay') <= 5);
  x = medRatio('concCrypto', 'concOfl');
  row('8 × 16 MiB sha256: concurrent `await hash` vs sequential `crypto.hash`', '≥ 1.8× faster',
    ms(med('concOfl') * 1000), ms(med('concCrypto') * 1000), `${f2(x)}×`, x >= 1.8);
  row('8 × 16 MiB concurrent: event-loop max delay', 'info',
    ms(med('concOflDelay')), '—', '', null);
  x = medRatio('smallSync', 'smallCrypto');
  row('64 B sha256, `hashSync` vs `crypto.hash(…, \'buffer\')` (cost per call)', '≤ 1.2×',
    ns(med('smallSync')), ns(med('smallCrypto')), `${f2(x)}×`, x <= 1.2);
  x = medRatio('smallSyncHex', 'smallCryptoHex');
  row('64 B sha256, `hashSync(…, \'hex\')` vs `crypto.hash` (hex, its default)', '≤ 1.2×',
    ns(med('smallSyncHex')), ns(med('smallCryptoHex')), `${f2(x)}×`, x <= 1.2);
  x = medRatio('smallAsync', 'smallCrypto2');
  row('64 B sha256, `await hash` vs `crypto.hash(…, \'buffer\')` (cost per call)', '≤ 2×',
    ns(med('smallAsync')), ns(med('smallCrypto2')), `${f2(x)}×`, x <= 2);
  row('xxh3 1 MiB, `hashSync`', '≥ 10 GB/s', gbs(med('xxh3Sync')), '—', '',
    med('xxh3Sync') >= 10);
  if (has('xxh3Rs')) {
    x = medRatio('xxh3Sync', 'xxh3Rs');
    row('xxh3 1 MiB, `hashSync` vs @node-rs/xxhash `xxh3.xxh64`', '≥ 3×',
      gbs(med('xxh3Sync')), gbs(med('xxh3Rs')), `${f2(x)}×`, x >= 3);
  }
  if (has('xxh3Async')) {
    x = medRatio('xxh3Async', 'xxh3Sync');
    row('xxh3 1 MiB, `await hash` (sequential) vs `hashSync`', 'info',
      gbs(med('xxh3Async')), gbs(med('xxh3Sync')), `${f2(x)}×`, null);
  } else {
    row('xxh3 1 MiB, `await hash` (sequential) vs `hashSync`', 'works',
      `fails: ${rounds[0].xxh3AsyncError}`, gbs(med('xxh3Sync')), '', false);
  }
  x = medRatio('xxh3Async4', 'xxh3Sync4');
  row('xxh3 4 MiB, `await hash` (sequential) vs `hashSync`', 'info',
    gbs(med('xxh3Async4')), gbs(med('xxh3Sync4')), `${f2(x)}×`, null);
  if (has('xxh64Rs')) {
    x = medRatio('xxh64Sync', 'xxh64Rs');
    row('xxh64 1 MiB, `hashSync` vs @node-rs/xxhash `xxh64`', '≥ 1×',
      gbs(med('xxh64Sync')), gbs(med('xxh64Rs')), `${f2(x)}×`, x >= 1);
  }
  if (has('b3Wasm')) {
    x = medRatio('b3Sync', 'b3Wasm');
    row('blake3 64 MiB, `hashSync` (1 thread) vs hash-wasm', '≥ 3×',
      gbs(med('b3Sync')), gbs(med('b3Wasm')), `${f2(x)}×`, x >= 3);
  }
  x = medRatio('b3Async', 'b3Sync');
  row(`blake3 64 MiB, \`await hash\` (${offload.stats().threads} threads) vs own \`hashSync\``,
    '≥ 1.8×', gbs(med('b3Async')), gbs(med('b3Sync')), `${f2(x)}×`, x >= 1.8);
  x = medRatio('b3PlainTwo', 'b3PlainOne');
  row('blake3 64 MiB, two plain worker_threads on halves vs one thread (this VM\'s 2-thread ceiling, no executor)',
    'info', gbs(med('b3PlainTwo')), gbs(med('b3PlainOne')), `${f2(x)}×`, null);
  row('crc32c 1 MiB, `hashSync`', '≥ 10 GB/s', gbs(med('crc32c')), '—', '',
    med('crc32c') >= 10);
  if (has('crc32Zlib')) {
    x = medRatio('crc32', 'crc32Zlib');
    row('crc32 1 MiB, `hashSync` vs `zlib.crc32`', '≥ 1×',
      gbs(med('crc32')), gbs(med('crc32Zlib')), `${f2(x)}×`, x >= 1);
  } else {
    row('crc32 1 MiB, `hashSync` vs `zlib.crc32`', '≥ 1×', gbs(med('crc32')),
      `zlib.crc32 missing in Node ${process.version}`, '', null);
  }
  x = medRatio('streamOfl', 'streamOneShot');
  row('sha256 stream 64 MiB / 64 KiB chunks, `createHash` vs offload one-shot', '≥ 0.9×',
    gbs(med('streamOfl')), gbs(med('streamOneShot')), `${f2(x)}×`, x >= 0.9);
  x = medRatio('streamOfl', 'streamCrypto');
  row('sha256 stream, `createHash` vs `crypto.createHash` pass-through', 'info',
    gbs(med('streamOfl')), gbs(med('streamCrypto')), `${f2(x)}×`, null);
  row('stream pipeline alone (PassThrough, no hashing), 64 MiB / 64 KiB', 'info',
    gbs(med('streamBare')), '—', '', null);
  row('sha256 stream, event-loop max delay', 'info',
    ms(med('streamOflDelay')), ms(med('streamCryptoDelay')), '', null);
  for (const alg of ['md5', 'sha1', 'sha512']) {
    x = medRatio(`${alg}Ofl`, `${alg}Crypto`);
    row(`${alg} 64 MiB, \`await hash\` vs \`crypto.hash\``, 'info',
      gbs(med(`${alg}Ofl`)), gbs(med(`${alg}Crypto`)), `${f2(x)}×`, null);
  }

  const cpu = os.cpus()[0] ? os.cpus()[0].model.trim() : 'unknown CPU';
  console.log(`Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpu}, ` +
    `${os.availableParallelism()} cores, executor threads ${offload.stats().threads}, ` +
    `load average ${load0.toFixed(2)} → ${load1.toFixed(2)}, ` +
    `CPU share of one core (200 ms spin) ${share0.toFixed(2)} → ${share1.toFixed(2)}, ` +
    `${ROUNDS} rounds, medians of per-round ratios\n`);
  console.log('| case | target | offload | peer | ratio | result |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
