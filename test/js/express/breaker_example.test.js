'use strict';
// examples/express/breaker.js against a flaky downstream, both on
// loopback: fallback answers, 503 + Retry-After while open, /health
// listing the breakers through offload.breakers.getAll().
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { once } = require('node:events');
const offload = require('../../..');
const { createApp } = require('../../../examples/express/breaker');

const FALLBACK = { quote: '(cached) Measure, then optimise.' };
const REAL = { quote: 'Keep the event loop free.' };
// opossum's rule: open above the percentage (1 failure in 2 fires is 50 %).
const OPTIONS = { resetTimeout: 60000, volumeThreshold: 2,
  errorThresholdPercentage: 49 };

let downstream;
let server;
let base;
let quotes;
let failing = false;
let hits = 0;

before(async () => {
  downstream = http.createServer((req, res) => {
    hits++;
    if (failing) res.writeHead(500).end('upstream error');
    else res.end(JSON.stringify(REAL));
  }).listen(0, '127.0.0.1');
  await once(downstream, 'listening');
  const made = createApp({
    downstream: `http://127.0.0.1:${downstream.address().port}/`,
    breaker: OPTIONS,
  });
  quotes = made.quotes;
  server = made.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  quotes.shutdown();
  offload.configure({ shed: false });
  server.close();
  downstream.close();
});

async function get(path) {
  const res = await fetch(`${base}${path}`);
  const json = /json/.test(res.headers.get('content-type'));
  const body = json ? await res.json() : await res.text();
  return { status: res.status, headers: res.headers, body };
}

test('express_breaker_example_fallback_open_and_health', async () => {
  let r = await get('/quote');
  assert.deepStrictEqual([r.status, r.body], [200, REAL]);

  failing = true;
  r = await get('/quote'); // 1 of 2 failed: 50 % > 49 % at volume 2
  assert.deepStrictEqual([r.status, r.body], [200, FALLBACK]);
  assert.strictEqual(quotes.state, 'open');

  const before = hits;
  r = await get('/quote');
  assert.deepStrictEqual([r.status, r.body], [200, FALLBACK], 'fallback');
  r = await get('/strict');
  assert.strictEqual(r.status, 503);
  assert.strictEqual(r.headers.get('retry-after'), '60');
  assert.strictEqual(hits, before, 'downstream not called while open');

  r = await get('/health');
  assert.strictEqual(r.status, 200);
  const entry = r.body.find((b) => b.name === 'quotes');
  assert.strictEqual(entry.state, 'open');
  assert.strictEqual(entry.stats.failures, 1);
  assert.strictEqual(entry.stats.successes, 1);
  assert.strictEqual(entry.stats.fallbacks, 2);
  assert.ok(r.body.some((b) => b.name === 'offload.shed'), 'shedding listed');
  // getAll() made no handle with guessed options: the example's own
  // options still match.
  assert.strictEqual(offload.breakers.get('quotes',
    { timeout: 2000, resetTimeout: 5000, volumeThreshold: 5, ...OPTIONS }),
  quotes);

  quotes.close();
  failing = false;
  r = await get('/strict');
  assert.deepStrictEqual([r.status, r.body], [200, REAL], 'closed again');
});
