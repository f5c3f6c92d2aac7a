'use strict';
// Smoke test for a built or prebuilt offload: loads it in the main thread
// and in a worker_thread and exercises each capability; every part is
// mandatory (a missing export fails). Exit 0 = pass.
// Usage: node test/smoke.js [path-to-offload]
const assert = require('node:assert');
const path = require('node:path');
const { Worker, isMainThread, workerData, parentPort } =
  require('node:worker_threads');

const target = isMainThread ? path.resolve(process.argv[2] || path.join(__dirname, '..'))
  : workerData.target;

async function exercise() {
  const offload = require(target);
  const ms = await offload._internal.spin(2);
  assert.ok(ms >= 2);
  const ac = new AbortController();
  const p = offload._internal.spin(10000, { signal: ac.signal });
  setTimeout(() => ac.abort(), 5);
  await assert.rejects(p, { code: 'ABORT_ERR' });
  assert.ok(offload.stats().threads >= 1);
  // Hashing: sync, async (executor) and streaming agree with node:crypto.
  const crypto = require('node:crypto');
  const data = Buffer.alloc(3 << 20, 42);
  const want = crypto.createHash('sha256').update(data).digest('hex');
  assert.strictEqual(offload.hashSync('sha256', data, 'hex'), want);
  assert.strictEqual(await offload.hash('sha256', data, 'hex'), want);
  assert.strictEqual(offload.hashSync('crc32c', '123456789', 'hex'), 'e3069283');
  assert.strictEqual(await offload.hash('blake3', Buffer.alloc(5 << 20), 'hex'),
    offload.hashSync('blake3', Buffer.alloc(5 << 20), 'hex'));
  // Compression: every statically linked codec round-trips.
  assert.strictEqual(typeof offload.compress, 'function', 'offload.compress missing');
  for (const codec of ['gzip', 'zstd', 'lz4', 'brotli']) {
    const z = await offload.compress(data, { codec });
    assert.ok(z.length < data.length, `${codec} did not compress`);
    assert.ok((await offload.decompress(z, { codec })).equals(data), codec);
  }
  // Resize: a flat RGBA image stays flat, async (row bands) and sync agree.
  const img = { data: Buffer.alloc(640 * 480 * 4, 200), width: 640, height: 480, channels: 4 };
  const small = await offload.resize(img, { width: 160, kernel: 'lanczos3' });
  assert.deepStrictEqual([small.width, small.height, small.channels], [160, 120, 4]);
  assert.ok(small.data.every((v) => v === 200));
  assert.ok(offload.resizeSync(img, { width: 160 }).data.equals(small.data));
  // WorkerPool: a task on a pool worker, and a worker crash is reported.
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-smoke-'));
  const task = path.join(dir, 'task.js');
  fs.writeFileSync(task, "module.exports = (n) => { if (n < 0) process.exit(3); return n * 2; };\n");
  const pool = new offload.WorkerPool({ filename: task, minThreads: 1, maxThreads: 2 });
  assert.strictEqual(await pool.run(21), 42);
  await assert.rejects(pool.run(-1), { code: 'ERR_OFFLOAD_WORKER_CRASHED' });
  assert.strictEqual(await pool.run(4), 8);
  await pool.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  // Breaker: failures trip it (the exact threshold is the breaker tests'
  // business), after which calls are refused without running the action.
  assert.strictEqual(typeof offload.CircuitBreaker, 'function', 'offload.CircuitBreaker missing');
  let calls = 0;
  const b = new offload.CircuitBreaker(async () => { calls++; throw new Error('down'); },
    { failureThreshold: 2, timeout: 0 });
  await assert.rejects(b.fire(), /down/);
  let refused = null;
  for (let i = 0; i < 10 && refused === null; i++) {
    await b.fire().catch((e) => { if (e.code === 'EOPENBREAKER') refused = e; });
  }
  assert.ok(refused, 'the breaker did not open after 11 failures');
  const before = calls;
  await assert.rejects(b.fire(), { code: 'EOPENBREAKER' }); // opossum's code
  assert.strictEqual(calls, before, 'an open breaker ran the action');
  b.shutdown();
  return 'ok';
}

if (isMainThread) {
  (async () => {
    await exercise();
    const inWorker = await new Promise((resolve, reject) => {
      const w = new Worker(__filename, { workerData: { target } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    assert.strictEqual(inWorker, 'ok');
    console.log(`smoke ok: Node ${process.version}, main thread and worker`);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  // A rejection here is unhandled, so it reaches the main thread as the
  // Worker's 'error' event and fails the run.
  exercise().then((r) => parentPort.postMessage(r));
}
