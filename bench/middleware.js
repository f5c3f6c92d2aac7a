'use strict';
// Express: a 256 KiB JSON route compressed by offload.compression() vs the
// `compression` package, under autocannon (50 connections). The server
// runs in a child process and reports its event-loop delay.
// Usage: node bench/middleware.js [seconds=10] [accept-encoding=gzip] [rate]
// With a rate (requests/s over all connections), both servers get the same
// load, so their event-loop delay compares like for like; without, each
// runs flat out.
const { fork } = require('child_process');

const [, , secondsArg, acceptArg] = process.argv;
const SECONDS = Number(secondsArg || 10);
const ACCEPT = acceptArg || 'gzip';
const RATE = Number(process.argv[4] || 0);

function server(kind) {
  const express = require('express');
  const { monitorEventLoopDelay } = require('perf_hooks');
  const { logLines } = require('../test/js/fixtures/compress_data');
  const app = express();
  app.use(kind === 'offload' ? require('..').compression() : require('compression')());
  const doc = { items: logLines(256 * 1024).toString().split('\n') };
  app.get('/json', (req, res) => res.json(doc));
  const h = monitorEventLoopDelay({ resolution: 1 });
  const s = app.listen(0, '127.0.0.1', () => {
    h.enable();
    process.send({ port: s.address().port });
  });
  process.on('message', (m) => {
    if (m !== 'stop') return;
    h.disable();
    process.send({ eld: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 } });
    s.close();
    process.exit(0);
  });
}

async function bench(kind) {
  const autocannon = require('autocannon');
  const child = fork(__filename, ['--server', kind], { stdio: 'inherit' });
  const { port } = await new Promise((r) => child.once('message', r));
  const url = `http://127.0.0.1:${port}/json`;
  // Warm-up, then the measured run.
  await autocannon({ url, connections: 10, duration: 2, headers: { 'accept-encoding': ACCEPT } });
  const r = await autocannon({
    url, connections: 50, duration: SECONDS, headers: { 'accept-encoding': ACCEPT },
    ...(RATE > 0 ? { overallRate: RATE } : {}),
  });
  child.send('stop');
  const { eld } = await new Promise((res) => child.once('message', res));
  return { kind, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, bytes: r.throughput.average, eld };
}

async function main() {
  if (process.argv[2] === '--server') return server(process.argv[3]);
  const load = RATE > 0 ? `${RATE} req/s offered` : 'flat out';
  console.log(`node ${process.version}, ${SECONDS} s, 50 connections, ${load}, accept-encoding: ${ACCEPT}`);
  console.log('| middleware | req/s | latency p50 (ms) | latency p99 (ms) | errors | server loop delay p50 / p99 / max (ms) |');
  console.log('|---|---|---|---|---|---|');
  for (const kind of ['compression', 'offload']) {
    const r = await bench(kind);
    console.log(`| ${kind === 'offload' ? 'offload.compression()' : 'compression()'} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.eld.p50.toFixed(1)} / ${r.eld.p99.toFixed(1)} / ${r.eld.max.toFixed(1)} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
