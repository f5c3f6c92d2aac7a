'use strict';
// The demo's load generator, in its own process so that its work never
// delays the demo's /health probe. argv: url, scenario name, seconds.
// Prints autocannon's summary as one JSON line.
const autocannon = require('autocannon');
const { SCENARIOS } = require('./scenarios');

const [url, name, seconds] = process.argv.slice(2);
const s = SCENARIOS[name];
autocannon({
  url, connections: s.connections, duration: Number(seconds),
  requests: s.requests(), timeout: 10, overallRate: s.overallRate,
}, (err, result) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  const l = result.latency;
  process.stdout.write(JSON.stringify({
    requests: result.requests.total, rps: result.requests.average,
    p50: l.p50, p99: l.p99, non2xx: result.non2xx,
    errors: result.errors, timeouts: result.timeouts,
  }));
});
