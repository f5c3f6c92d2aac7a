'use strict';
// WorkerPool vs piscina vs tinypool vs workerpool, side by side in one run.
// Usage: node bench/pool.js [rounds]
// Cases: (a) 20k echo tasks submitted at once, (b) 2000 tasks of 1 ms busy
// CPU, (c) 1 MiB ArrayBuffer moved to a worker and back, 300 times in
// sequence, (d) a 1 MiB Float64Array summed in the worker, 300 times in
// sequence, passed by reference (offload: from pool.alloc; the peers: a
// view of a SharedArrayBuffer), (e) the same array cloned each time, (f)
// one no-op round trip at a time (latency), (g) no-op tasks with 64 in
// flight, (h) a 4 KiB JSON-like object in and out, 64 in flight, (i) sha256
// of a 1 MiB shared array inside the task (offload: its native hash on an
// arena array). Every pool has 2 threads (min = max, no idle retirement).
// Rounds are interleaved (every case and library once per round, the
// library order rotating) so that load on a shared machine hits all alike;
// the table shows medians over rounds. Event-loop delay of the main thread
// (monitorEventLoopDelay, 1 ms resolution) is recorded during every case.
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { median, pct, measure } = require('./pool_measure');
const { WorkerPool } = require('..');
const { Piscina } = require('piscina');
const workerpool = require('workerpool');

const ROUNDS = Number(process.argv[2] || 5);
const TASK = path.join(__dirname, 'pool_task.mjs');
const ECHO_N = 20000;
const BUSY_N = 2000;
const BUSY_MS = 1;
const TRIP_N = 300;
const MIB = 1 << 20;
const THREADS = { minThreads: 2, maxThreads: 2, idleTimeout: 60000 };
const LAT_N = 2000;
const FLIGHT_N = 20000;
const JSON_N = 5000;
const IN_FLIGHT = 64;
// ~4 KiB once JSON-encoded: an API payload's shape.
const DOC = { id: 'doc-1', tags: ['a', 'b', 'c'], items: Array.from(
  { length: 40 }, (_, i) => ({ id: i, name: `item ${i} `.padEnd(48, 'x'),
    price: i * 1.25, ok: i % 2 === 0 })) };

const DIGEST = require('crypto').createHash('sha256')
  .update(new Uint8Array(MIB).fill(7)).digest('hex');

async function libraries() {
  const { Tinypool } = await import('tinypool');
  return [
    { name: 'offload WorkerPool', suffix: 'Offload', move: WorkerPool.move,
      pool: new WorkerPool({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
    { name: 'workerpool 10.0.3', suffix: 'Workerpool',
      pool: workerpoolAdapter(), close: (p) => p.close() },
    { name: 'piscina 5.3.2', suffix: 'Piscina', move: Piscina.move,
      pool: new Piscina({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
    { name: 'tinypool 2.2.0', suffix: 'Tinypool', move: Tinypool.move,
      pool: new Tinypool({ filename: TASK, ...THREADS }),
      close: (p) => p.destroy() },
  ];
}

/** workerpool behind the run(arg, { name }) shape the cases use. */
function workerpoolAdapter() {
  const wp = workerpool.pool(path.join(__dirname, 'pool_task_workerpool.js'),
    { minWorkers: 2, maxWorkers: 2, workerType: 'thread' });
  return {
    run: (arg, o) => {
      const name = o && o.name ? o.name : 'echo';
      if (name === 'roundTripWorkerpool') {
        return wp.exec('roundTrip', [arg], { transfer: [arg] });
      }
      return wp.exec(name, [arg]);
    },
    close: () => wp.terminate(true),
  };
}

/** `n` no-op tasks, `width` in flight; per-task latencies in `lat`. */
async function inFlight(lib, n, width, arg, lat) {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      await lib.pool.run(arg);
      if (lat) lat.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
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
  { key: 'lat', label: `(f) one no-op round trip at a time, ${LAT_N} in sequence`,
    unit: 'µs p50', latency: true, n: LAT_N,
    run: (lib, lat) => inFlight(lib, LAT_N, 1, 1, lat) },
  { key: 'flight', label: `(g) ${FLIGHT_N / 1000}k no-op tasks, ${IN_FLIGHT} in flight`,
    unit: 'tasks/s', n: FLIGHT_N,
    run: (lib, lat) => inFlight(lib, FLIGHT_N, IN_FLIGHT, 1, lat) },
  { key: 'json', label: `(h) 4 KiB JSON-like object in and out, ${IN_FLIGHT} in flight`,
    unit: 'tasks/s', n: JSON_N,
    run: (lib, lat) => inFlight(lib, JSON_N, IN_FLIGHT, DOC, lat) },
  { key: 'digest', label: `(i) sha256 of a 1 MiB shared array inside the task (offload: offload.hash on a pool.alloc array; peers: node:crypto on a SharedArrayBuffer view), ${TRIP_N} in sequence`,
    unit: 'tasks/s', n: TRIP_N,
    run: (lib) => digests(lib) },
  { key: 'trip', label: `(c) 1 MiB moved there and back, ${TRIP_N} in sequence`,
    unit: 'round trips/s', n: TRIP_N,
    run: async (lib) => {
      let buf = new ArrayBuffer(MIB);
      const name = `roundTrip${lib.suffix}`;
      for (let i = 0; i < TRIP_N; i++) {
        buf = await lib.pool.run(lib.move ? lib.move(buf) : buf, { name });
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

async function digests(lib) {
  const offload = lib.suffix === 'Offload';
  if (!lib.bytes) {
    lib.bytes = offload ? lib.pool.alloc(Uint8Array, MIB) :
      new Uint8Array(new SharedArrayBuffer(MIB));
    lib.bytes.fill(7);
  }
  const name = offload ? 'digestOffload' : 'digestPeer';
  for (let i = 0; i < TRIP_N; i++) {
    if (await lib.pool.run(lib.bytes, { name }) !== DIGEST) {
      throw new Error(`${lib.name}: wrong digest`);
    }
  }
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
  console.log('| case | library | result | vs piscina | vs best peer | task p99 | loop delay p50 / p99 / max |');
  console.log('|---|---|---|---|---|---|---|');
  const med = (rows, k) => median(rows.map((x) => x[k]));
  for (const c of CASES) {
    const rateOf = (lib) => med(results.get(`${c.key}/${lib.name}`), 'rate');
    const base = rateOf(libs.find((l) => l.suffix === 'Piscina'));
    const best = Math.max(...libs.filter((l) => l.suffix !== 'Offload')
      .map(rateOf));
    for (const lib of libs) {
      const rows = results.get(`${c.key}/${lib.name}`);
      const rate = rateOf(lib);
      const shown = c.latency ? `${Math.round(1e6 / rate)} µs p50` :
        `${Math.round(rate).toLocaleString('en-US')} ${c.unit}`;
      const p99 = med(rows, 'taskP99');
      console.log(`| ${c.label} | ${lib.name} | ${shown} | ` +
        `${(rate / base).toFixed(2)}× | ` +
        `${lib.suffix === 'Offload' ? `${(rate / best).toFixed(2)}×` : ''} | ` +
        `${Number.isNaN(p99) ? '' : `${(p99 * 1000).toFixed(0)} µs`} | ` +
        `${med(rows, 'p50').toFixed(1)} / ${med(rows, 'p99').toFixed(1)} / ` +
        `${med(rows, 'max').toFixed(1)} ms |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
