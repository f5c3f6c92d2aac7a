'use strict';
// WorkerPool's two main-thread wakes side by side in one run: the native
// uv_async_t handle (OFFLOAD_POOL_WAKE=async) and Atomics.waitAsync
// (OFFLOAD_POOL_WAKE=atomics), with piscina as the reference.
// Usage: node bench/pool_wake.js [rounds]
// Cases: (f) one no-op round trip at a time, 2000 in sequence (per-task
// latency p50), (g) 20k no-op tasks with 64 in flight, (b) 2000 tasks of
// 1 ms busy CPU. Every pool has 2 threads (min = max, no idle
// retirement) and loads bench/pool_task.mjs. Rounds interleave every case
// and pool, the order rotating per round; medians over rounds.
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const { WorkerPool } = require('..');
const { Piscina } = require('piscina');

const ROUNDS = Number(process.argv[2] || 5);
const TASK = path.join(__dirname, 'pool_task.mjs');
const THREADS = { minThreads: 2, maxThreads: 2, idleTimeout: 60000 };
const LAT_N = 2000;
const FLIGHT_N = 20000;
const IN_FLIGHT = 64;
const BUSY_N = 2000;
const BUSY_MS = 1;

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const pct = (v, p) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1,
  Math.floor(v.length * p))];

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
  { name: 'offload, napi_threadsafe_function', key: 'tsfn',
    pool: offloadPool('tsfn') },
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

async function measure(c, p) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const lat = [];
  h.enable();
  const t0 = performance.now();
  await c.run(p, lat);
  const ms = performance.now() - t0;
  h.disable();
  const rate = c.latency ? 1000 / pct(lat, 0.5) : c.n / (ms / 1000);
  return { rate, taskP99: lat.length > 0 ? pct(lat, 0.99) : NaN,
    p99: h.percentile(99) / 1e6 };
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
      const ratio = p.key === 'async' || p.key === 'tsfn' ?
        `${(rate / rateOf('atomics')).toFixed(2)}×` : '';
      const p99 = med(rows, 'taskP99');
      console.log(`| ${c.label} | ${p.name} | ${shown} | ${ratio} | ` +
        `${(rate / rateOf('piscina')).toFixed(2)}× | ` +
        `${Number.isNaN(p99) ? '' : `${(p99 * 1000).toFixed(0)} µs`} | ` +
        `${med(rows, 'p99').toFixed(1)} ms |`);
    }
  }
  // Each round's async/atomics ratio, to show the spread on a shared box.
  for (const c of CASES) {
    const t = results.get(`${c.key}/tsfn`);
    const u = results.get(`${c.key}/async`);
    console.log(`${c.key}: tsfn/async per round ` +
      t.map((x, i) => (x.rate / u[i].rate).toFixed(2)).join(' '));
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
