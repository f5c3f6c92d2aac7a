'use strict';
// WorkerPool's two main-thread wakes side by side in one run: the native
// uv_async_t handle (OFFLOAD_POOL_WAKE=async) and Atomics.waitAsync
// (OFFLOAD_POOL_WAKE=atomics), with piscina as the reference.
// Usage: node bench/pool_wake.js [rounds]
// Cases: (f) one no-op round trip at a time, 2000 in sequence (per-task
// latency p50), (g) 20k no-op tasks with 64 in flight, (b) 2000 tasks of
// 1 ms busy CPU; then (f') as (f) with the pools taking turns task by
// task, and (w) the wake alone (a plain worker_thread waking the idle
// main thread through either mechanism, no pool). Every pool has 2
// threads (min = max, no idle retirement) and loads bench/pool_task.mjs.
// Rounds interleave every case and pool, the order rotating per round;
// medians over rounds, and each round's ratio to show the spread.
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { median, pct, measure } = require('./pool_measure');
const { Worker } = require('worker_threads');
const { WorkerPool } = require('..');
const binding = require('../lib/binding');
const { Piscina } = require('piscina');

const ROUNDS = Number(process.argv[2] || 5);
const TASK = path.join(__dirname, 'pool_task.mjs');
const THREADS = { minThreads: 2, maxThreads: 2, idleTimeout: 60000 };
const LAT_N = 2000;
const FLIGHT_N = 20000;
const IN_FLIGHT = 64;
const BUSY_N = 2000;
const BUSY_MS = 1;

/** A WorkerPool made with OFFLOAD_POOL_WAKE=`mode` (read at construction). */
function offloadPool(mode) {
  const before = process.env.OFFLOAD_POOL_WAKE;
  process.env.OFFLOAD_POOL_WAKE = mode;
  try {
    return new WorkerPool({ filename: TASK, ...THREADS });
  } finally {
    if (before === undefined) delete process.env.OFFLOAD_POOL_WAKE;
    else process.env.OFFLOAD_POOL_WAKE = before;
  }
}

const POOLS = [
  { name: 'offload, native async handle', key: 'async',
    pool: offloadPool('async') },
  { name: 'offload, Atomics.waitAsync', key: 'atomics',
    pool: offloadPool('atomics') },
  { name: 'piscina 5.3.2', key: 'piscina',
    pool: new Piscina({ filename: TASK, ...THREADS }) },
];

async function inFlight(p, n, width, lat) {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      await p.pool.run(1);
      if (lat) lat.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
}

const CASES = [
  { key: 'lat', label: `(f) one no-op round trip at a time, ${LAT_N} in sequence`,
    latency: true, n: LAT_N, run: (p, lat) => inFlight(p, LAT_N, 1, lat) },
  { key: 'flight', label: `(g) ${FLIGHT_N / 1000}k no-op tasks, ${IN_FLIGHT} in flight`,
    unit: 'tasks/s', n: FLIGHT_N,
    run: (p, lat) => inFlight(p, FLIGHT_N, IN_FLIGHT, lat) },
  { key: 'busy', label: `(b) ${BUSY_N} × ${BUSY_MS} ms CPU, 2 threads`,
    unit: 'tasks/s', n: BUSY_N,
    run: (p) => Promise.all(Array.from({ length: BUSY_N },
      () => p.pool.run(BUSY_MS, { name: 'busy' }))) },
];

/**
 * (f) again, the pools taking turns task by task (their order rotating),
 * so that a burst of load on the machine hits every pool alike: per-task
 * latencies of each pool, keyed by pool.
 */
async function alternating(n) {
  const lat = new Map(POOLS.map((p) => [p.key, []]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < POOLS.length; j++) {
      const p = POOLS[(i + j) % POOLS.length];
      const t0 = performance.now();
      await p.pool.run(1);
      lat.get(p.key).push(performance.now() - t0);
    }
  }
  return lat;
}

// (w) the wake alone: a plain worker_thread stamps the time, then wakes
// the idle main thread (a signal of the native handle, or a notify of an
// Atomics.waitAsync); the main thread's callback takes the difference and
// lets the worker go on, which first spins 100 µs so that the main thread
// is asleep in its loop again. No pool, no ring.
const WAKER = `
const { workerData: { sab, id, mode, bindingPath } } = require('worker_threads');
const signal = mode === 'atomics' ? null : require(bindingPath).poolWakeSignal;
const stamp = new Float64Array(sab, 0, 1);
const w = new Int32Array(sab, 8, 3); // [seq, go, stop]
for (let go = 0; ;) {
  Atomics.wait(w, 1, go);
  if (Atomics.load(w, 2) === 1) break;
  go = Atomics.load(w, 1);
  const end = performance.now() + 0.1;
  while (performance.now() < end);
  stamp[0] = performance.timeOrigin + performance.now();
  if (signal !== null) signal(id);
  else { Atomics.add(w, 0, 1); Atomics.notify(w, 0); }
}`;

const WAKE_N = 2000;
const WAKE_MODES = ['async', 'atomics'];

function wakes(mode, n) {
  return new Promise((resolve, reject) => {
    const sab = new SharedArrayBuffer(24);
    const stamp = new Float64Array(sab, 0, 1);
    const w = new Int32Array(sab, 8, 3);
    const lat = [];
    let id = 0;
    let worker = null;
    const go = () => {
      if (mode === 'atomics') {
        Atomics.waitAsync(w, 0, Atomics.load(w, 0)).value.then(onWake);
      }
      Atomics.add(w, 1, 1);
      Atomics.notify(w, 1);
    };
    const onWake = () => {
      lat.push(performance.timeOrigin + performance.now() - stamp[0]);
      if (lat.length < n) {
        go();
        return;
      }
      Atomics.store(w, 2, 1);
      Atomics.add(w, 1, 1);
      Atomics.notify(w, 1);
      worker.once('exit', () => {
        if (id !== 0) binding.poolWakeClose(id);
        resolve(lat);
      });
    };
    if (mode !== 'atomics') id = binding.poolWakeOpen(onWake);
    worker = new Worker(WAKER, { eval: true, workerData: { sab, id, mode,
      bindingPath: require.resolve('../lib/binding') } });
    worker.on('error', reject);
    worker.once('online', go);
  });
}

async function main() {
  const load0 = os.loadavg()[0];
  for (const p of POOLS) for (const c of CASES) await c.run(p, null);
  const results = new Map();
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of CASES) {
      for (let i = 0; i < POOLS.length; i++) {
        const p = POOLS[(i + r) % POOLS.length];
        const key = `${c.key}/${p.key}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(await measure(c, p));
      }
    }
  }
  const turns = [];
  for (let r = 0; r < ROUNDS; r++) turns.push(await alternating(LAT_N));
  const wakeLat = new Map(WAKE_MODES.map((m) => [m, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < WAKE_MODES.length; j++) {
      const m = WAKE_MODES[(r + j) % WAKE_MODES.length];
      wakeLat.get(m).push(await wakes(m, WAKE_N));
    }
  }
  await Promise.all(POOLS.map((p) => p.pool.destroy()));
  console.log(`    Node ${process.version}, ${process.platform} ${process.arch}, ` +
    `${os.cpus()[0].model.trim()}, ${os.availableParallelism()} cores, ` +
    `load average ${load0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}, ` +
    `${ROUNDS} rounds, medians over rounds\n`);
  console.log('| case | pool | result | vs atomics | vs piscina | task p99 | loop delay p99 |');
  console.log('|---|---|---|---|---|---|---|');
  const med = (rows, k) => median(rows.map((x) => x[k]));
  for (const c of CASES) {
    const rateOf = (key) => med(results.get(`${c.key}/${key}`), 'rate');
    for (const p of POOLS) {
      const rows = results.get(`${c.key}/${p.key}`);
      const rate = rateOf(p.key);
      const shown = c.latency ? `${Math.round(1e6 / rate)} µs p50` :
        `${Math.round(rate).toLocaleString('en-US')} ${c.unit}`;
      const ratio = p.key === 'async' ?
        `${(rate / rateOf('atomics')).toFixed(2)}×` : '';
      const p99 = med(rows, 'taskP99');
      console.log(`| ${c.label} | ${p.name} | ${shown} | ${ratio} | ` +
        `${(rate / rateOf('piscina')).toFixed(2)}× | ` +
        `${Number.isNaN(p99) ? '' : `${(p99 * 1000).toFixed(0)} µs`} | ` +
        `${med(rows, 'p99').toFixed(1)} ms |`);
    }
  }
  const alt = (key) => median(turns.map((m) => pct(m.get(key), 0.5)));
  for (const p of POOLS) {
    const us = alt(p.key) * 1000;
    const ratio = p.key === 'async' ?
      `${(alt('atomics') / alt(p.key)).toFixed(2)}×` : '';
    const p99 = median(turns.map((m) => pct(m.get(p.key), 0.99))) * 1000;
    console.log(`| (f') one no-op round trip at a time, the pools taking ` +
      `turns task by task, ${LAT_N} each | ${p.name} | ` +
      `${Math.round(us)} µs p50 | ${ratio} | ` +
      `${(alt('piscina') / alt(p.key)).toFixed(2)}× | ` +
      `${p99.toFixed(0)} µs | |`);
  }
  // Each round's async/atomics ratio, to show the spread on a shared box.
  const wk = (m, q) => median(wakeLat.get(m).map((v) => pct(v, q))) * 1000;
  for (const m of WAKE_MODES) {
    const ratio = m === 'atomics' ? '' :
      `${(wk('atomics', 0.5) / wk(m, 0.5)).toFixed(2)}×`;
    console.log(`| (w) the wake alone: worker stamps, idle main thread ` +
      `woken, ${WAKE_N} per round | ${m} | ${wk(m, 0.5).toFixed(1)} µs p50 ` +
      `| ${ratio} | | ${wk(m, 0.99).toFixed(0)} µs | |`);
  }
  console.log('w: atomics/async p50 per round ' + wakeLat.get('async').map(
    (v, i) => (pct(wakeLat.get('atomics')[i], 0.5) / pct(v, 0.5)).toFixed(2))
    .join(' '));
  console.log("f': atomics/async p50 per round " + turns.map((m) =>
    (pct(m.get('atomics'), 0.5) / pct(m.get('async'), 0.5)).toFixed(2))
    .join(' '));
  for (const c of CASES) {
    const a = results.get(`${c.key}/async`);
    const b = results.get(`${c.key}/atomics`);
    console.log(`${c.key}: async/atomics per round ` +
      a.map((x, i) => (x.rate / b[i].rate).toFixed(2)).join(' '));
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
