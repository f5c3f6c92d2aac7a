'use strict';
// The seed scenario, long form: 50 concurrent 100 MB streamed uploads to
// the reference service (examples/service, offload variant), each hashed
// (sha256) and stored zstd-compressed, while the service's event-loop delay
// and RSS are sampled. `node bench/service.js [--uploads 50] [--mb 100]`.
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { Readable } = require('node:stream');
const { uploadBody } = require('../examples/service/payloads');

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const UPLOADS = arg('uploads', 50);
const MB = arg('mb', 100);
const CHUNK = uploadBody(1 << 20); // log-like, so zstd has work to do

function start() {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'examples',
    'service', 'server.js'), '--port', '0'], {
    env: { ...process.env, LOOP_INTERVAL_MS: '250', UPLOAD_LIMIT_BYTES: String((MB + 1) << 20) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/[\d.]+:\d+)\//.exec(out);
      if (m) resolve({ child, base: m[1] });
    });
  });
}

function upload(base) {
  let left = MB;
  const body = new Readable({
    read() { this.push(left-- > 0 ? CHUNK : null); },
  });
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/upload`, { method: 'POST', agent: false,
      headers: { 'content-length': String(MB * CHUNK.length) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) :
        reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

async function main() {
  const { child, base } = await start();
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const h = await (await fetch(`${base}/health`)).json();
      samples.push(h.memory.rss);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const t0 = Date.now();
  const results = await Promise.all(Array.from({ length: UPLOADS }, () => upload(base)));
  const seconds = (Date.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const health = await (await fetch(`${base}/health?recent=1`)).json();
  child.kill('SIGTERM');
  const window = health.recent.filter((p) => p.t >= t0);
  const p99 = Math.max(...window.map((p) => p.p99));
  const max = Math.max(...window.map((p) => p.max));
  const total = UPLOADS * MB;
  const stored = results.reduce((a, r) => a + r.storedBytes, 0);
  console.log(`${UPLOADS} concurrent uploads × ${MB} MiB = ${total} MiB in ${seconds.toFixed(1)} s ` +
    `(${(total / seconds).toFixed(0)} MiB/s), stored ${(stored / 2 ** 20).toFixed(0)} MiB zstd`);
  console.log(`event-loop delay (worst 250 ms interval): p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  console.log(`service RSS: peak ${(Math.max(...samples) / 2 ** 20).toFixed(0)} MiB ` +
    `(${samples.length} samples, ${(total).toFixed(0)} MiB uploaded)`);
  if (results.some((r) => r.bytes !== MB * CHUNK.length)) throw new Error('short upload');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
