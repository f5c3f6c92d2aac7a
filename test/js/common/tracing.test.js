'use strict';
// diagnostics_channel tracing: every traced API publishes start/end and,
// for promises, asyncStart/asyncEnd or error, with { operation, arguments }.
const test = require('node:test');
const assert = require('node:assert');
const dc = require('node:diagnostics_channel');
const offload = require('../../..');

function record(t, name) {
  const events = [];
  const handlers = {};
  for (const kind of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) {
    handlers[kind] = (ctx) => events.push({ kind, ctx });
  }
  const tc = dc.tracingChannel(`offload:${name}`);
  tc.subscribe(handlers);
  t.after(() => tc.unsubscribe(handlers));
  return events;
}

const kinds = (events) => events.map((e) => e.kind);

test('tracing_hash_promise_publishes_start_end_async', async (t) => {
  const events = record(t, 'hash');
  const digest = await offload.hash('sha256', 'abc', { encoding: 'hex' });
  assert.deepStrictEqual(kinds(events), ['start', 'end', 'asyncStart', 'asyncEnd']);
  const ctx = events[0].ctx;
  assert.strictEqual(ctx.operation, 'hash');
  assert.deepStrictEqual(ctx.arguments.slice(0, 2), ['sha256', 'abc']);
  assert.strictEqual(ctx.result, digest);
  assert.strictEqual(events[3].ctx, ctx);
});

test('tracing_rejection_publishes_error_with_the_code', async (t) => {
  const events = record(t, 'codec');
  await assert.rejects(offload.decompress(Buffer.from('not gzip'), { codec: 'gzip' }),
    { code: 'ERR_OFFLOAD_CORRUPT_DATA' });
  assert.deepStrictEqual(kinds(events), ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
  assert.strictEqual(events[2].ctx.error.code, 'ERR_OFFLOAD_CORRUPT_DATA');
  assert.strictEqual(events[0].ctx.operation, 'decompress');
});

test('tracing_sync_apis_publish_start_end_or_error', (t) => {
  const hashEvents = record(t, 'hash');
  offload.hashSync('md5', 'a');
  assert.deepStrictEqual(kinds(hashEvents), ['start', 'end']);
  assert.strictEqual(hashEvents[0].ctx.operation, 'hashSync');
  const imageEvents = record(t, 'image');
  assert.throws(() => offload.resizeSync({ data: new Uint8Array(4), width: 1, height: 1,
    channels: 4 }, { width: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.deepStrictEqual(kinds(imageEvents), ['start', 'error', 'end']);
});

test('tracing_image_and_codec_promises', async (t) => {
  const image = record(t, 'image');
  const codec = record(t, 'codec');
  await offload.resize({ data: new Uint8Array(64 * 64), width: 64, height: 64, channels: 1 },
    { width: 8 });
  await offload.compress(Buffer.alloc(1000), { codec: 'zstd' });
  assert.strictEqual(image[0].ctx.operation, 'resize');
  assert.strictEqual(image[0].ctx.result.width, 8);
  assert.strictEqual(codec[0].ctx.operation, 'compress');
});

test('tracing_keeps_names_and_nothing_is_published_unsubscribed', async () => {
  assert.strictEqual(offload.hash.name, 'hash');
  assert.strictEqual(offload.compress.name, 'compress');
  assert.strictEqual(offload.resizeSync.name, 'resizeSync');
  const tc = dc.tracingChannel('offload:hash');
  assert.strictEqual(tc.start.hasSubscribers, false);
  assert.strictEqual(typeof await offload.hash('xxh64', 'x'), 'object');
});

test('tracing_breaker_and_pool_calls', async (t) => {
  const breakerEvents = record(t, 'breaker');
  const poolEvents = record(t, 'pool');
  const b = new offload.CircuitBreaker(async (x) => x * 2);
  t.after(() => b.shutdown());
  assert.strictEqual(await b.fire(21), 42);
  await assert.rejects(b.execute(async () => { throw Object.assign(new Error('no'), { code: 'E_NO' }); }));
  assert.deepStrictEqual(breakerEvents.map((e) => `${e.kind}:${e.ctx.operation}`), [
    'start:fire', 'end:fire', 'asyncStart:fire', 'asyncEnd:fire',
    'start:execute', 'end:execute', 'error:execute', 'asyncStart:execute', 'asyncEnd:execute']);
  assert.deepStrictEqual(breakerEvents[0].ctx.arguments, [21]);
  assert.strictEqual(breakerEvents[6].ctx.error.code, 'E_NO');
  const path = require('node:path');
  const pool = new offload.WorkerPool({
    filename: path.join(__dirname, '..', 'fixtures', 'pool', 'echo.js'), maxThreads: 1 });
  t.after(() => pool.close());
  assert.strictEqual(await pool.run(7), 7);
  assert.deepStrictEqual(kinds(poolEvents), ['start', 'end', 'asyncStart', 'asyncEnd']);
  assert.strictEqual(poolEvents[0].ctx.operation, 'run');
  assert.strictEqual(poolEvents[2].ctx.result, 7);
  assert.strictEqual(offload.CircuitBreaker.prototype.fire.name, 'fire');
});
