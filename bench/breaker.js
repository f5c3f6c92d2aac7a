'use strict';
// CircuitBreaker overhead: offload vs opossum vs cockatiel, one run.
// Usage: node bench/breaker.js [iterations per round] [rounds]
// Each round awaits `iterations` calls of an immediately resolving
// function in sequence; the table shows the median ns per call over the
// rounds, and ratios against the other libraries.
const offload = require('..');
const Opossum = require('opossum');
const cockatiel = require('cockatiel');

const N = Number(process.argv[2] || 200000);
const ROUNDS = Number(process.argv[3] || 7);
const fn = () => Promise.resolve(1);
const swallow = () => {};

async function measure(call) {
  for (let i = 0; i < 20000; i++) await call().catch(swallow); // warm up
  const per = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await call().catch(swallow);
    per.push(Number(process.hrtime.bigint() - t0) / N);
  }
  per.sort((a, b) => a - b);
  return per[ROUNDS >> 1];
}

function cockatielBreaker() {
  return cockatiel.circuitBreaker(cockatiel.handleAll, {
    halfOpenAfter: 60000, breaker: new cockatiel.ConsecutiveBreaker(1),
  });
}

async function main() {
  const rows = [];
  const add = (scenario, lib, ns) => {
    rows.push({ scenario, lib, ns });
    console.error(`${scenario.padEnd(28)} ${lib.padEnd(34)} ${ns.toFixed(0)} ns`);
  };
  add('bare call', 'await fn()', await measure(fn));

  const offNoTimeout = new offload.CircuitBreaker(fn, { timeout: 0 });
  const opNoTimeout = new Opossum(fn, { timeout: false });
  const cockClosed = cockatielBreaker();
  add('closed, no timeout', 'offload { timeout: 0 }', await measure(() => offNoTimeout.fire()));
  add('closed, no timeout', 'opossum { timeout: false }', await measure(() => opNoTimeout.fire()));
  add('closed, no timeout', 'cockatiel ConsecutiveBreaker', await measure(() => cockClosed.execute(fn)));

  const offDefault = new offload.CircuitBreaker(fn);
  const opDefault = new Opossum(fn);
  add('closed, 10 s timeout', 'offload (default options)', await measure(() => offDefault.fire()));
  add('closed, 10 s timeout', 'opossum (default options)', await measure(() => opDefault.fire()));

  const offOpen = new offload.CircuitBreaker(fn, { timeout: 0, resetTimeout: 600000 });
  offOpen.open();
  const opOpen = new Opossum(fn, { timeout: false, resetTimeout: 600000 });
  opOpen.open();
  const cockOpen = cockatielBreaker();
  await cockOpen.execute(() => Promise.reject(new Error('x'))).catch(swallow);
  add('open: fail fast', 'offload', await measure(() => offOpen.fire()));
  add('open: fail fast', 'opossum', await measure(() => opOpen.fire()));
  add('open: fail fast', 'cockatiel', await measure(() => cockOpen.execute(fn)));
  opDefault.shutdown();
  opNoTimeout.shutdown();
  opOpen.shutdown();

  const bare = rows[0].ns;
  const ns = (s, l) => rows.find((r) => r.scenario === s && r.lib.startsWith(l)).ns;
  console.log(`| scenario | implementation | ns/call (median of ${ROUNDS} × ${N}) | overhead over bare call |`);
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.lib} | ${r.ns.toFixed(0)} | ${(r.ns - bare).toFixed(0)} |`);
  }
  const ratio = (a, b) => (a / b).toFixed(2);
  const o1 = ns('closed, no timeout', 'offload') - bare;
  const o2 = ns('closed, 10 s', 'offload') - bare;
  console.log('\nRatios (overhead over the bare call; open: total time):');
  console.log(`- closed, no timeout: offload/opossum ${ratio(o1, ns('closed, no timeout', 'opossum') - bare)}, offload/cockatiel ${ratio(o1, ns('closed, no timeout', 'cockatiel') - bare)}`);
  console.log(`- closed, 10 s timeout: offload/opossum ${ratio(o2, ns('closed, 10 s', 'opossum') - bare)}`);
  console.log(`- open: opossum/offload ${ratio(ns('open', 'opossum'), ns('open', 'offload'))}×, cockatiel/offload ${ratio(ns('open', 'cockatiel'), ns('open', 'offload'))}×`);
}

main();
