'use strict';
// A flaky downstream HTTP call behind a CircuitBreaker with a fallback,
// offload's own load shedding, and /health listing every breaker.
//
//   node examples/express/breaker.js           # PORT=3000 by default
//   curl localhost:3000/quote                  # fallback when downstream fails
//   curl -i localhost:3000/strict              # 503 + Retry-After while open
//   curl localhost:3000/health
const http = require('node:http');
const express = require('express');
const offload = require('../..'); // in your app: require('offload')

/**
 * Creates the app and its breaker.
 * @param {object} options
 * @param {string} options.downstream base URL of the quote service
 * @param {object} [options.breaker] CircuitBreaker options for 'quotes'
 * @returns {{ app: import('express').Express,
 *   quotes: import('../..').CircuitBreaker }}
 */
function createApp({ downstream, breaker = {} }) {
  async function fetchQuote(signal) {
    const res = await fetch(downstream, { signal });
    if (!res.ok) throw new Error(`downstream answered ${res.status}`);
    return res.json();
  }

  // shared + name: one breaker for every worker_thread of the process.
  const quotes = new offload.CircuitBreaker(fetchQuote, {
    name: 'quotes', shared: true, timeout: 2000, resetTimeout: 5000,
    volumeThreshold: 5, ...breaker,
  });
  quotes.fallback(() => ({ quote: '(cached) Measure, then optimise.' }));
  quotes.on('stateChange', ({ from, to }) => console.log(`quotes: ${from} -> ${to}`));

  offload.configure({ shed: { maxQueueWait: 200, resetTimeout: 2000 } });

  const app = express();
  app.use(offload.express.shed()); // 503 + Retry-After while offload sheds
  // Answers the fallback while the breaker is open or the call fails.
  // execute() hands fetchQuote the call's AbortSignal, which aborts the
  // fetch on timeout (fire() passes the action its arguments only).
  app.get('/quote', async (req, res) => res.json(await quotes.execute(fetchQuote)));
  // 503 + Retry-After while the breaker is open (no fallback then); a
  // failed call while closed still gets the breaker's fallback.
  app.get('/strict', offload.express.shed(quotes), async (req, res, next) => {
    try {
      res.json(await quotes.execute(fetchQuote));
    } catch (err) {
      next(err);
    }
  });
  app.get('/health', (req, res) => res.json(offload.breakers.getAll().map(
    (b) => ({ name: b.name, state: b.state, stats: b.stats }))));
  return { app, quotes };
}

module.exports = { createApp };

if (require.main === module) {
  // The "downstream": fails about half the time.
  const flaky = http.createServer((req, res) => {
    if (Math.random() < 0.5) res.writeHead(500).end('upstream error');
    else res.end(JSON.stringify({ quote: 'Keep the event loop free.' }));
  }).listen(0, '127.0.0.1', () => {
    const { app } = createApp({
      downstream: `http://127.0.0.1:${flaky.address().port}/`,
    });
    const server = app.listen(Number(process.env.PORT) || 3000, () => {
      console.log(`listening on http://localhost:${server.address().port}`);
    });
  });
}
