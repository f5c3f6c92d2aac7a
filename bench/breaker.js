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
const PREBUILT = new Error('prebuilt');

// Rounds are interleaved (every case once per round) so that load
// changes on a shared machine hit every case alike.
async function loop(call, n) {
  for (let i = 0; i < n; i++) {
    try {
      await call();
    } catch {
      // open-state rejections are the point of that case
    }
  }
}

async function measureAll(cases) {
  for (const c of cases) await loop(c.call, 20000); // warm up
  const per = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < cases.length; i++) {
      const t0 = process.hrtime.bigint();
      await loop(cases[i].call, N);
      per[i].push(Number(process.hrtime.bigint() - t0) / N);
    }
  }
  return per.map((v) => v.sort((a, b) => a - b)[ROUNDS >> 1]);
}

function cockatielBreaker() {
  return cockatiel.circuitBreaker(cockatiel.handleAll, {
    halfOpenAfter: 60000, breaker: new cockatiel.ConsecutiveBreaker(1),
  });
}

async function main() {
  const offNoTimeout = new offload.CircuitBreaker(fn, { timeout: 0 });
  const opNoTimeout = new Opossum(fn, { timeout: false });
  const cockClosed = cockatielBreaker();
  const offDefault = new offload.CircuitBreaker(fn);
  const opDefault = new Opossum(fn);
  const offOpen = new offload.CircuitBreaker(fn, { timeout: 0, resetTimeout: 600000 });
  offOpen.open();
  const opOpen = new Opossum(fn, { timeout: false, resetTimeout: 600000 });
  opOpen.open();
  const cockOpen = cockatielBreaker();
  await cockOpen.execute(() => Promise.reject(new Error('x'))).catch(swallow);
  const cases = [
    ['bare call', 'await fn()', fn],
    ['closed, no timeout', 'offload { timeout: 0 }', () => offNoTimeout.fire()],
    ['closed, no timeout', 'opossum { timeout: false }', () => opNoTimeout.fire()],
    ['closed, no timeout', 'cockatiel ConsecutiveBreaker', () => cockClosed.execute(fn)],
    ['closed, 10 s timeout', 'offload (default options)', () => offDefault.fire()],
    ['closed, 10 s timeout', 'opossum (default options)', () => opDefault.fire()],
    ['open: fail fast', 'floor: Promise.reject(prebuilt Error)', () => Promise.reject(PREBUILT)],
    ['open: fail fast', 'offload', () => offOpen.fire()],
    ['open: fail fast', 'opossum', () => opOpen.fire()],
    ['open: fail fast', 'cockatiel', () => cockOpen.execute(fn)],
  ].map(([scenario, lib, call]) => ({ scenario, lib, call }));
  const medians = await measureAll(cases);
  const rows = cases.map((c, i) => ({ scenario: c.scenario, lib: c.lib, ns: medians[i] }));
  opDefault.shutdown();
  opNoTimeout.shutdown();
  opOpen.shutdown();

  const bare = rows[0].ns;
  const ns = (s, l) => rows.find((r) => r.scenario.startsWith(s) && r.lib.startsWith(l)).ns;
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
  const floor = ns('open', 'floor');
  const over = (l) => ns('open', l) - floor;
  console.log(`- open, above the floor (awaiting any rejected promise): opossum/offload ${ratio(over('opossum'), over('offload'))}×, cockatiel/offload ${ratio(over('cockatiel'), over('offload'))}×`);
}

main();
