'use strict';
// What bench/pool.js and bench/pool_wake.js measure the same way: one case
// on one pool, with the main thread's event-loop delay during it.
const { monitorEventLoopDelay, performance } = require('perf_hooks');

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const pct = (v, p) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1,
  Math.floor(v.length * p))];

/**
 * Runs `c.run(pool, latencies)`: its rate (tasks/s, or for a latency case
 * 1000 / p50 ms, so higher is better), the p99 of the latencies it
 * recorded, and the loop delay (ms) while it ran.
 */
async function measure(c, pool) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const lat = [];
  h.enable();
  const t0 = performance.now();
  await c.run(pool, lat);
  const ms = performance.now() - t0;
  h.disable();
  const rate = c.latency ? 1000 / pct(lat, 0.5) : c.n / (ms / 1000);
  return { rate, taskP99: lat.length > 0 ? pct(lat, 0.99) : NaN,
    p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6,
    max: h.max / 1e6 };
}

module.exports = { median, pct, measure };
