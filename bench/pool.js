'use strict';
// WorkerPool vs piscina vs tinypool, side by side in one run.
// Usage: node bench/pool.js [rounds]
// Cases: (a) 20k echo tasks submitted at once, (b) 2000 tasks of 1 ms busy
// CPU, (c) 1 MiB ArrayBuffer moved to a worker and back, 300 times in
// sequence, (d) a 1 MiB Float64Array summed in the worker, 300 times in
// sequence, passed by reference (offload: from pool.alloc; the peers: a
// view of a SharedArrayBuffer), (e) the same array cloned each time. Every pool has 2 threads (min = max, no idle retirement).
// Rounds are interleaved (every case and library once per round, the
// library order rotating) so that load on a shared machine hits all alike;
// the table shows medians over rounds. Event-loop delay of the main thread
// (monitorEventLoopDelay, 1 ms resolution) is recorded during every case.
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const { WorkerPool } = require('..');
const { Piscina } = require('piscina');

const ROUNDS = Number(process.argv[2] || 5);
const TASK = path.join(__dirname, 'pool_task.mjs');
const ECHO_N = 20000;
const BUSY_N = 2000;
const BUSY_MS = 1;
const TRIP_N = 300;
const MIB = 1 << 20;
const THREADS = { minThreads: 2, maxThreads: 2, idleTimeout: 60000 };

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function libraries() {
  const { Tinypool } = await import('tinypool');
  return [
    { name: 'offload WorkerPool', suffix: 'Offload', move: WorkerPool.move,
      pool: new WorkerPool({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
    { name: 'piscina 5.3.2', suffix: 'Piscina', move: Piscina.move,
      pool: new Piscina({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
    { name: 'tinypool 2.2.0', suffix: 'Tinypool', move: Tinypool.move,
      pool: new Tinypool({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
  ];
}

// Each returns the case's work count; time and loop delay are measured
// around it.
const CASES = [
  { key: 'echo', label: `(a) ${ECHO_N / 1000}k echo tasks at once`,
    unit: 'tasks/s', n: ECHO_N,
    run: (lib) => Promise.all(Array.from({ length: ECHO_N },
      (_, i) => lib.pool.run(i))) },
  { key: 'busy', label: `(b) ${BUSY_N} × ${BUSY_MS} ms CPU, 2 threads`,
    unit: 'tasks/s', n: BUSY_N,
    run: (lib) => Promise.all(Array.from({ length: BUSY_N },
      () => lib.pool.run(BUSY_MS, { name: 'busy' }))) },
  { key: 'shared', label: `(d) 1 MiB Float64Array summed, by reference (offload: pool.alloc; peers: SharedArrayBuffer), ${TRIP_N} in sequence`,
    unit: 'tasks/s', n: TRIP_N,
    run: (lib) => sums(lib, lib.shared || (lib.shared = lib.suffix === 'Offload' ?
      lib.pool.alloc(Float64Array, MIB / 8) :
      new Float64Array(new SharedArrayBuffer(MIB)))) },
  { key: 'cloned', label: `(e) 1 MiB Float64Array summed, cloned, ${TRIP_N} in sequence`,
    unit: 'tasks/s', n: TRIP_N,
    run: (lib) => sums(lib, new Float64Array(MIB / 8)) },
  { key: 'trip', label: `(c) 1 MiB moved there and back, ${TRIP_N} in sequence`,
    unit: 'round trips/s', n: TRIP_N,
    run: async (lib) => {
      let buf = new ArrayBuffer(MIB);
      const name = `roundTrip${lib.suffix}`;
      for (let i = 0; i < TRIP_N; i++) {
        buf = await lib.pool.run(lib.move(buf), { name });
        if (buf.byteLength !== MIB) throw new Error(`${lib.name}: lost the buffer`);
      }
    } },
];

async function sums(lib, xs) {
  xs.fill(1);
  for (let i = 0; i < TRIP_N; i++) {
    if (await lib.pool.run(xs, { name: 'sum' }) !== xs.length) {
      throw new Error(`${lib.name}: wrong sum`);
    }
  }
}

async function measure(c, lib) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  await c.run(lib);
  const ms = performance.now() - t0;
  h.disable();
  return { rate: c.n / (ms / 1000), p99: h.percentile(99) / 1e6,
    max: h.max / 1e6 };
}

async function main() {
  const libs = await libraries();
  const load0 = os.loadavg()[0];
  for (const lib of libs) { // warm up: workers started, modules loaded, JIT
    for (const c of CASES) await c.run(lib);
  }
  const results = new Map(); // `${case}/${lib}` → [{ rate, p99, max }]
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of CASES) {
      for (let i = 0; i < libs.length; i++) {
        const lib = libs[(i + r) % libs.length];
        const key = `${c.key}/${lib.name}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(await measure(c, lib));
      }
    }
  }
  await Promise.all(libs.map((lib) => lib.close(lib.pool)));
  const cpu = os.cpus()[0].model.trim();
  console.log(`    Node ${process.version}, ${process.platform} ${process.arch}, ` +
    `${cpu}, ${os.availableParallelism()} cores, load average ` +
    `${load0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}, ${ROUNDS} rounds, ` +
    'medians over rounds\n');
  console.log('| case | library | throughput | vs piscina | loop delay p99 | loop delay max |');
  console.log('|---|---|---|---|---|---|');
  for (const c of CASES) {
    const base = median(results.get(`${c.key}/${libs[1].name}`).map((x) => x.rate));
    for (const lib of libs) {
      const rows = results.get(`${c.key}/${lib.name}`);
      const rate = median(rows.map((x) => x.rate));
      console.log(`| ${c.label} | ${lib.name} | ${Math.round(rate).toLocaleString('en-US')} ${c.unit} | ` +
        `${(rate / base).toFixed(2)}× | ${median(rows.map((x) => x.p99)).toFixed(1)} ms | ` +
        `${median(rows.map((x) => x.max)).toFixed(1)} ms |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
