'use strict';
// offload demo: the same CPU-heavy work, once on the event loop and once on
// offload's executor, while a 1 ms interval timer measures how late the
// loop runs (perf_hooks.monitorEventLoopDelay).
const { monitorEventLoopDelay } = require('node:perf_hooks');
const crypto = require('node:crypto');
const offload = require('..');

const JOBS = 8;
const MS = 50;

function busyJs(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

async function measure(label, work) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let ticks = 0;
  const t = setInterval(() => { ticks++; }, 1);
  h.enable();
  const t0 = performance.now();
  await work();
  const took = performance.now() - t0;
  h.disable();
  clearInterval(t);
  const ms = (ns) => (ns / 1e6).toFixed(1);
  console.log(`${label.padEnd(34)} ${took.toFixed(0).padStart(5)} ms   ` +
    `loop delay p50 ${ms(h.percentile(50)).padStart(5)} ms, ` +
    `max ${ms(h.max).padStart(6)} ms, timer ticks ${ticks}`);
}

(async () => {
  console.log(`offload demo: ${JOBS} jobs of ${MS} ms of CPU work, ` +
    `${offload.stats().threads || 'auto'} executor threads\n`);
  await measure('on the event loop (plain JS)', async () => {
    for (let i = 0; i < JOBS; i++) {
      busyJs(MS);
      await new Promise(setImmediate);
    }
  });
  await measure('on offload\'s executor', () =>
    Promise.all(Array.from({ length: JOBS }, () => offload._internal.spin(MS))));
  const data = Buffer.alloc(16 * 1024 * 1024, 7);
  await measure('sha256 8×16 MiB, node:crypto', async () => {
    for (let i = 0; i < JOBS; i++) {
      crypto.createHash('sha256').update(data).digest();
      await new Promise(setImmediate);
    }
  });
  await measure('sha256 8×16 MiB, offload.hash', () =>
    Promise.all(Array.from({ length: JOBS }, () => offload.hash('sha256', data))));
  console.log('\nexecutor stats:', JSON.stringify(offload.stats()));
})();
