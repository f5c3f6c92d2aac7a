'use strict';
// Breakers dropped without shutdown() are garbage-collected, with their
// native state: no timer, rolling-window rotation or registry entry may
// hold one strongly (a service that makes a breaker per tenant or per
// request would otherwise leak every one).
const test = require('node:test');
const assert = require('node:assert');
const v8 = require('node:v8');
const vm = require('node:vm');
const { CircuitBreaker } = require('../../..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const N = 50;

async function collectedOf(make) {
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  // Made in a helper frame so that no local of this one keeps the last.
  await (async () => {
    for (let i = 0; i < N; i++) registry.register(await make(i), i);
  })();
  // Finalizers run in tasks after a collection: give them turns.
  for (let i = 0; i < 50 && collected < N; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return collected;
}

const kinds = {
  'a new closed breaker': () => new CircuitBreaker(() => 1),
  'a named breaker': (i) => new CircuitBreaker(() => 1, { name: `c${i}` }),
  'a breaker after calls (timeout on)': async () => {
    const b = new CircuitBreaker(async () => 1, { timeout: 10000 });
    await b.fire();
    return b;
  },
  'a breaker after calls (no timeout)': async () => {
    const b = new CircuitBreaker(async () => 1, { timeout: 0 });
    await b.fire();
    await b.fire();
    return b;
  },
  'an open breaker waiting for halfOpen': async () => {
    const b = new CircuitBreaker(async () => 1, { resetTimeout: 600000 });
    b.open();
    await b.fire().catch(() => {});
    return b;
  },
};

for (const [kind, make] of Object.entries(kinds)) {
  test(`breaker_dropped_without_shutdown_is_collected: ${kind}`,
    async () => {
      assert.strictEqual(await collectedOf(make), N);
    });
}
