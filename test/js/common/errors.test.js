'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { codes, fromStatus } = require('../../../lib/errors');
const binding = require('../../../lib/binding');

const DESIGN_CODES = ['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE',
  'ERR_OUT_OF_RANGE', 'ERR_BUFFER_TOO_LARGE', 'ERR_OFFLOAD_CORRUPT_DATA',
  'ERR_OFFLOAD_QUEUE_FULL', 'ERR_OFFLOAD_CLOSED', 'ERR_OFFLOAD_TASK_TIMEOUT',
  'ERR_OFFLOAD_WORKER_CRASHED', 'ABORT_ERR', 'CIRCUIT_OPEN', 'ETIMEDOUT'];

test('errors_one_factory_per_design_code', () => {
  for (const code of DESIGN_CODES) {
    assert.strictEqual(typeof codes[code], 'function', code);
    const err = codes[code]('x', 'y', 'z');
    assert.ok(err instanceof Error);
    assert.strictEqual(err.code, code);
  }
  assert.ok(codes.ERR_INVALID_ARG_TYPE('a', 'b', 1) instanceof TypeError);
  assert.ok(codes.ERR_OUT_OF_RANGE('a', 'b', 1) instanceof RangeError);
  assert.ok(codes.ERR_BUFFER_TOO_LARGE(5) instanceof RangeError);
  assert.strictEqual(codes.ABORT_ERR().name, 'AbortError');
  assert.strictEqual(codes.CIRCUIT_OPEN().message, 'Breaker is open');
  // opossum's codes and messages (the breaker's own calls).
  assert.strictEqual(codes.EOPENBREAKER().message, 'Breaker is open');
  assert.strictEqual(codes.ESHUTDOWN().message, 'The circuit has been shutdown.');
  assert.strictEqual(codes.ESEMLOCKED().message, 'Semaphore locked');
});

test('errors_messages_say_expected_and_received', () => {
  assert.strictEqual(codes.ERR_OUT_OF_RANGE('level', 'an integer between ' +
    '1 and 22', 0).message, 'The value of "level" is out of range. It must ' +
    'be an integer between 1 and 22. Received 0');
  assert.strictEqual(codes.ERR_INVALID_ARG_TYPE('data', 'of type string', 5)
    .message, 'The "data" argument must be of type string. Received type ' +
    'number (5)');
  assert.strictEqual(codes.ERR_BUFFER_TOO_LARGE(1024).message,
    'Cannot create a Buffer larger than 1024 bytes');
});

test('errors_every_native_status_maps_to_a_stable_code', () => {
  const table = binding.errors;
  const statuses = Object.keys(table).map(Number);
  assert.ok(statuses.length >= 15);
  for (const s of statuses) {
    const err = fromStatus(s, 'detail');
    assert.ok(err instanceof Error);
    assert.strictEqual(err.code, table[s][0]);
    assert.match(err.code, /^(ERR_[A-Z_]+|ABORT_ERR|CIRCUIT_OPEN|ESEMLOCKED)$/);
  }
  assert.strictEqual(fromStatus(-9).name, 'AbortError');
  assert.strictEqual(fromStatus(-5, 'bad header').message,
    'Corrupt or truncated compressed data: bad header');
  assert.strictEqual(fromStatus(-999).code, 'ERR_OFFLOAD_INTERNAL');
});

test('loader_error_lists_what_it_tried', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const fs = require('node:fs');
  const os = require('node:os');
  // A copy of lib/ next to an empty package: nothing to load.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-loader-'));
  fs.cpSync(path.join(__dirname, '../../../lib'), path.join(dir, 'lib'),
    { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"offload"}');
  const src = `module.paths.unshift(${JSON.stringify(
    path.join(__dirname, '../../../node_modules'))});
    try { require(${JSON.stringify(path.join(dir, 'lib/binding.js'))}); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(__dirname, '../../../node_modules') } });
  fs.rmSync(dir, { recursive: true, force: true });
  const out = JSON.parse(r.stdout);
  assert.strictEqual(out.code, 'ERR_OFFLOAD_LOAD_FAILED');
  assert.match(out.message, /prebuilds/);
  assert.match(out.message, /build.Release/);
  assert.match(out.message, /npm run build/);
});

test('errors_exported_table_is_a_frozen_copy', async () => {
  const offload = require('../../..');
  assert.ok(Object.isFrozen(offload.errors));
  assert.throws(() => {
    'use strict';
    offload.errors.ERR_OUT_OF_RANGE = 1;
  }, TypeError);
  // Sloppy-mode writes are ignored; offload's own range errors still work.
  Reflect.set(offload.errors, 'ERR_OUT_OF_RANGE', 1);
  await assert.rejects(offload.hash('sha256', 'x', { timeout: -1 }),
    { code: 'ERR_OUT_OF_RANGE' });
  assert.ok(Object.isFrozen(offload.breakers) && Object.isFrozen(offload.express));
  const names = offload.getHashes();
  names.length = 0;
  assert.ok(offload.getHashes().length > 0);
});
