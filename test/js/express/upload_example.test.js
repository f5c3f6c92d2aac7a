'use strict';
// examples/express/upload.js under load: a 100 MiB upload streams through
// offload.createHash('sha256') into a file while a second client pings the
// same server every ~5 ms.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');
const { Worker } = require('node:worker_threads');
const { setTimeout: sleep } = require('node:timers/promises');
const { createApp } = require('../../../examples/express/upload');

const MiB = 1024 * 1024;
const UPLOAD = 100 * MiB;
const CLIENT = path.join(__dirname, '..', 'fixtures', 'upload_client.js');

function upload(url, bytes, abortAfter) {
  const w = new Worker(CLIENT, { workerData: { url, bytes, abortAfter } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => { resolve(m); w.terminate(); });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`upload worker exited ${code}`)));
  });
}

function get(agent, url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s) => { body += s; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

/** Pings every ~5 ms until `done` settles; returns latencies in ms. */
async function pingWhile(base, done) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lat = [];
  let finished = false;
  done.then(() => { finished = true; }, () => { finished = true; });
  try {
    while (!finished) {
      const t0 = performance.now();
      const r = await get(agent, `${base}/ping`);
      const dt = performance.now() - t0;
      assert.strictEqual(r.status, 200);
      lat.push(dt);
      await sleep(Math.max(0, 5 - dt));
    }
  } finally {
    agent.destroy();
  }
  return lat;
}

function percentile(xs, p) {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)];
}

function sha256sum(file) {
  return new Promise((resolve, reject) => {
    execFile('sha256sum', [file], (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.split(/\s+/)[0]);
    });
  });
}

describe('hash_express', { timeout: 60_000 }, () => {
  let dir;
  let server;
  let base;
  let result; // upload response + client digest
  let latencies;
  let baseline; // /ping latencies with no upload running, for the report
  let files;

  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'offload-upload-'));
    server = createApp({ dir }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${server.address().port}`;
    await get(false, `${base}/ping`); // warm up the route
    baseline = await pingWhile(base, sleep(1000));
    const up = upload(`${base}/upload`, UPLOAD);
    [result, latencies] = await Promise.all([up, pingWhile(base, up)]);
    files = await fs.promises.readdir(dir);
  });

  after(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  test('hash_express_upload_answers_sha256_and_bytes', () => {
    assert.strictEqual(result.error, undefined, `client error: ${result.error}`);
    assert.strictEqual(result.status, 200, result.body);
    const body = JSON.parse(result.body);
    assert.deepStrictEqual(Object.keys(body).sort(), ['bytes', 'sha256']);
    assert.strictEqual(body.bytes, UPLOAD);
    assert.match(body.sha256, /^[0-9a-f]{64}$/);
  });

  test('hash_express_digest_equals_client_digest', () => {
    assert.strictEqual(JSON.parse(result.body).sha256, result.sha256);
  });

  test('hash_express_digest_equals_sha256sum_of_file', async () => {
    assert.strictEqual(files.length, 1, `files: ${files}`);
    const file = path.join(dir, files[0]);
    assert.strictEqual((await fs.promises.stat(file)).size, UPLOAD);
    assert.strictEqual(await sha256sum(file), JSON.parse(result.body).sha256);
  });

  // Latency is measured, not asserted (timings belong in bench/: see
  // bench/service.js); what must hold is that pings kept being answered.
  test('hash_express_pings_answered_during_upload', (t) => {
    assert.ok(latencies.length >= 20, `only ${latencies.length} pings`);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const max = Math.max(...latencies);
    // The same server idle: on a busy machine scheduling noise alone can
    // approach the limit; shown so that a failure can be told apart.
    const idle = `idle p99 ${percentile(baseline, 99).toFixed(2)} ms, ` +
      `load average ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`;
    t.diagnostic(`pings ${latencies.length}, p50 ${p50.toFixed(2)} ms, ` +
      `p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms; ${idle}`);
  });

  test('hash_express_aborted_upload_leaves_no_file', async () => {
    const before = new Set(await fs.promises.readdir(dir));
    const r = await upload(`${base}/upload`, 8 * MiB, 2 * MiB);
    assert.ok(r.error !== undefined, 'the client aborted');
    // The server notices the reset, then removes the partial file.
    let left;
    for (let i = 0; i < 100; i++) {
      left = (await fs.promises.readdir(dir)).filter((f) => !before.has(f));
      if (left.length === 0) break;
      await sleep(20);
    }
    assert.deepStrictEqual(left, []);
    const ping = await get(false, `${base}/ping`);
    assert.strictEqual(ping.status, 200);
  });
});
