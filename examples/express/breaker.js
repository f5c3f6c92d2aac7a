'use strict';
// A flaky downstream HTTP call behind a CircuitBreaker with a fallback,
// offload's own load shedding, and /health listing every breaker.
// Run: node examples/express/breaker.js  then  curl localhost:3000/quote
const http = require('node:http');
const express = require('express');
const offload = require('../..');

// The "downstream": fails about half the time.
const downstream = http.createServer((req, res) => {
  if (Math.random() < 0.5) res.writeHead(500).end('upstream error');
  else res.end(JSON.stringify({ quote: 'Keep the event loop free.' }));
}).listen(0);

async function fetchQuote(signal) {
  const { port } = downstream.address();
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal });
  if (!res.ok) throw new Error(`downstream answered ${res.status}`);
  return res.json();
}

// shared + name: one breaker for every worker_thread of the process.
const quotes = new offload.CircuitBreaker(fetchQuote, {
  name: 'quotes', shared: true, timeout: 2000, resetTimeout: 5000,
  volumeThreshold: 5,
});
quotes.fallback(() => ({ quote: '(cached) Measure, then optimise.' }));
quotes.on('stateChange', ({ from, to }) => console.log(`quotes: ${from} -> ${to}`));

offload.configure({ shed: { maxQueueWait: 200, resetTimeout: 2000 } });

const app = express();
app.use(offload.express.shed()); // 503 + Retry-After while offload sheds
app.get('/quote', async (req, res) => res.json(await quotes.fire()));
app.get('/strict', offload.express.shed(quotes), async (req, res, next) => {
  try {
    res.json(await quotes.execute(fetchQuote));
  } catch (err) {
    next(err);
  }
});
app.get('/health', (req, res) => res.json(offload.breakers.getAll().map(
  (b) => ({ name: b.name, ...b.status, stats: b.stats }))));

const server = app.listen(Number(process.env.PORT) || 3000, () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
