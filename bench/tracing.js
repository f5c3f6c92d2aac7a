'use strict';
// What the diagnostics_channel tracing costs: `offload.hash` (traced) and
// the same function before wrapping (lib/hash/one_shot.js), on a 64-byte
// input (the inline path, where a per-call cost shows most), with no
// subscriber and with one. `node bench/tracing.js [--rounds 7]`.
const dc = require('node:diagnostics_channel');
const offload = require('..');
const raw = require('../lib/hash/one_shot');

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;
const N = 200000;
const data = Buffer.alloc(64, 1);

async function time(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn('xxh64', data);
  return Number(process.hrtime.bigint() - t0) / N; // ns per call
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const rows = { unwrapped: [], traced: [], subscribed: [] };
  const noop = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  for (let r = 0; r < rounds; r++) {
    rows.unwrapped.push(await time(raw.hash));
    rows.traced.push(await time(offload.hash));
    dc.tracingChannel('offload:hash').subscribe(noop);
    rows.subscribed.push(await time(offload.hash));
    dc.tracingChannel('offload:hash').unsubscribe(noop);
  }
  const base = median(rows.unwrapped);
  console.log(`offload.hash('xxh64', 64 bytes), ${N} awaited calls × ${rounds} rounds, median ns/call`);
  for (const [k, v] of Object.entries(rows)) {
    const m = median(v);
    console.log(`${k.padEnd(12)} ${m.toFixed(0).padStart(6)} ns  ${(m / base).toFixed(3)}×  (${v.map((x) => x.toFixed(0)).join(' ')})`);
  }
}

main();
