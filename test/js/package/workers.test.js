'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { spawnSync } = require('node:child_process');
const offload = require('../../..');

const fixtures = path.join(__dirname, '..', 'fixtures');

function runWorker(file, workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(fixtures, file), { workerData });
    let msg;
    w.on('message', (m) => { msg = m; });
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 ? resolve(msg)
      : reject(new Error(`worker exit ${code}`))));
  });
}

test('napi_loads_in_main_and_8_workers_at_once', async () => {
  const main = offload._internal.spin(20);
  const results = await Promise.all(Array.from({ length: 8 },
    () => runWorker('worker_tasks.js', { rounds: 10 })));
  for (const r of results) assert.deepStrictEqual(r, { ok: 10 });
  assert.ok((await main) >= 20);
});

// Under qemu-user (OFL_UNDER_QEMU) a Worker takes about a second to start,
// so 200 rounds outlast any sane timeout: 40 rounds keep every mode
// (terminate, throw, exit) and both timings of the terminate.
const ROUNDS = process.env.OFL_UNDER_QEMU ? 40 : 200;

test(`napi_worker_terminate_with_tasks_in_flight_${ROUNDS}x`, () => {
  const r = spawnSync(process.execPath,
    [path.join(fixtures, 'terminate_loop.js'), String(ROUNDS)],
    { encoding: 'utf8', timeout: 240000 });
  assert.strictEqual(r.signal, null, `child died by ${r.signal}: ${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`terminated ${ROUNDS}\\b`));
});

test('napi_process_exit_with_1000_queued', () => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath,
    [path.join(fixtures, 'exit_with_queue.js')], { encoding: 'utf8',
      timeout: 30000 });
  const took = Date.now() - t0;
  assert.strictEqual(r.signal, null, r.stderr);
  assert.strictEqual(r.status, 7, r.stderr);
  // Prompt: not after the queue (1000 × 1 s on a few threads) drained.
  assert.ok(took < 10000, `took ${took} ms`);
});

test('napi_pending_work_keeps_process_alive_then_exits', () => {
  const src = `
    const offload = require(${JSON.stringify(path.join(__dirname, '../../..'))});
    offload._internal.spin(100).then((ms) => console.log('done', ms > 0));`;
  const r = spawnSync(process.execPath, ['-e', src],
    { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /done true/);
});
