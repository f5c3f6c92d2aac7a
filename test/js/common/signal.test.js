'use strict';
// Signals are validated as Node validates them, and a signal-like object
// can never throw out of a native completion callback (it used to kill the
// process: `signal.removeEventListener is not a function`, uncaught).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..', '..');

test('signal_like_objects_never_crash_the_process', () => {
  const script = `
    const offload = require(${JSON.stringify(root)});
    const fs = require('fs');
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.code));
    const sigs = [
      { aborted: false, addEventListener() {} },
      { aborted: false, addEventListener() {}, removeEventListener() { throw new Error('boom'); } },
    ];
    const img = { data: new Uint8Array(64 * 64 * 4), width: 64, height: 64, channels: 4 };
    (async () => {
      const pool = new offload.WorkerPool({ filename: ${JSON.stringify(
    path.join(__dirname, '..', 'fixtures', 'pool', 'echo.js'))}, maxThreads: 1 });
      for (const signal of sigs) {
        await offload.hash('sha256', 'abc', { signal });
        await offload.hashFile('sha256', process.execPath, { signal });
        await offload.compress(Buffer.alloc(1000), { codec: 'gzip', signal });
        await offload.decompress(await offload.compress(Buffer.alloc(10)), { signal });
        await offload.resize(img, { width: 32, height: 32, signal });
        await pool.run(1, { signal });
      }
      await pool.close();
      console.log('ok', warnings.filter((c) => c === 'OFFLOAD_ABORT_LISTENER').length);
    })().catch((e) => { console.log('rejected', e.code, e.message); process.exit(2); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  // The throwing removeEventListener of the second signal goes to
  // process warnings (at least one per call), never to the top level.
  const m = /^ok (\d+)$/m.exec(r.stdout);
  assert.ok(m && Number(m[1]) >= 6, r.stdout);
});

test('signal_validation_matches_node', async () => {
  const offload = require('../../..');
  for (const signal of [null, 1, 'x', {}, { aborted: false }]) {
    await assert.rejects(offload.hash('sha256', 'a', { signal }),
      { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(offload.compress(Buffer.alloc(1), { signal }),
      { code: 'ERR_INVALID_ARG_TYPE' });
  }
});
