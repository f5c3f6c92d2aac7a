'use strict';
// A worker that crashes while idle, with no 'error' listener: the emit
// throws (as any EventEmitter's), but the replacement is already running,
// so the pool stays at minThreads.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const { fixture } = require('../fixtures/pool/setup');

test('pool_idle_crash_without_listener_replaces_before_throwing', () => {
  const out = execFileSync(process.execPath, [fixture('late_crash.js')],
    { encoding: 'utf8', timeout: 60000 });
  const r = JSON.parse(out);
  assert.deepStrictEqual(r.seen, [['ERR_OFFLOAD_WORKER_CRASHED', 2],
    ['ERR_OFFLOAD_WORKER_CRASHED', 2]]);
  assert.strictEqual(r.answer, 'after');
  assert.strictEqual(r.threads, 2);
});
