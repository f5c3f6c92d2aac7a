'use strict';
// pool.alloc/free/arena: typed arrays in shared memory that cross threads
// by reference, nested anywhere, in both directions.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const { WorkerPool } = require('../../..');
const { fixture } = require('../fixtures/pool/setup');

function pool(t, options) {
  const p = new WorkerPool({ filename: fixture('tasks.js'), minThreads: 2,
    maxThreads: 2, ...options });
  t.after(() => p.destroy());
  return p;
}

test('pool_arena_arrays_cross_by_reference_both_ways', async (t) => {
  const p = pool(t);
  const xs = p.alloc(Float64Array, 1000);
  assert.ok(xs.buffer instanceof SharedArrayBuffer);
  const r = await p.run({ nested: { xs }, value: 2 }, { name: 'arenaFill' });
  assert.strictEqual(r.sum, 2000);
  assert.strictEqual(xs[999], 2, 'the worker wrote the same memory');
  assert.strictEqual(xs.byteLength, 8000, 'not detached');
  // The result's array is the same block: writes meet, and free() takes it.
  r.same[0] = 7;
  assert.strictEqual(xs[0], 7);
  p.free(r.same);
  assert.deepStrictEqual(p.arena, { bytes: p.arena.bytes, used: 0, blocks: 0 });
});

test('pool_arena_accounting_growth_and_limit', (t) => {
  const p = pool(t, { minThreads: 0, maxArenaBytes: 9 << 20 });
  assert.deepStrictEqual(p.arena, { bytes: 0, used: 0, blocks: 0 });
  const a = p.alloc(Uint8Array, 3); // rounded up to 16 bytes
  const b = p.alloc(Int32Array, 1 << 20); // 4 MiB: a second segment
  assert.strictEqual(p.arena.blocks, 2);
  assert.strictEqual(p.arena.used, 16 + (4 << 20));
  assert.ok(p.arena.bytes >= 8 << 20);
  assert.throws(() => p.alloc(Float64Array, 1 << 20),
    { name: 'RangeError', code: 'ERR_OFFLOAD_ARENA_FULL' });
  p.free(a);
  p.free(b);
  assert.strictEqual(p.arena.used, 0);
  // Freed memory is reused: no new segment for the same size again.
  const bytes = p.arena.bytes;
  p.free(p.alloc(Int32Array, 1 << 20));
  assert.strictEqual(p.arena.bytes, bytes);
});

test('pool_arena_free_twice_or_foreign_is_an_error', (t) => {
  const p = pool(t, { minThreads: 0 });
  const other = pool(t, { minThreads: 0 });
  const xs = p.alloc(Float32Array, 4);
  assert.throws(() => other.free(xs), { code: 'ERR_INVALID_ARG_VALUE',
    message: /is not an array from this pool's arena/ });
  assert.throws(() => p.free(new Float32Array(new SharedArrayBuffer(64))),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => p.free(new Float32Array(4)),
    { code: 'ERR_INVALID_ARG_VALUE' });
  p.free(xs);
  assert.throws(() => p.free(xs), { code: 'ERR_INVALID_ARG_VALUE',
    message: /was freed already/ });
  assert.throws(() => p.alloc(Array, 4), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => p.alloc(Uint8Array, -1), { code: 'ERR_OUT_OF_RANGE' });
});

test('pool_arena_integrity_workers_sum_disjoint_and_overlapping_regions',
  { timeout: 120000 }, async (t) => {
    const p = pool(t);
    const n = 4096;
    const xs = p.alloc(Float64Array, n);
    for (let i = 0; i < n; i++) xs[i] = (i * 7919) % 1013;
    const out = p.alloc(Int32Array, 2);
    const prefix = [0];
    for (let i = 0; i < n; i++) prefix.push(prefix[i] + xs[i]);
    let seed = 7;
    const rnd = (k) => (seed = (seed * 48271) % 2147483647) % k;
    for (let run = 0; run < 10000; run++) {
      // Two regions, disjoint or overlapping, summed by two workers at once
      // into the two slots of `out`, then compared with the prefix sums.
      const a = rnd(n);
      const b = a + rnd(n - a + 1);
      const c = rnd(n);
      const d = c + rnd(n - c + 1);
      Atomics.store(out, 0, 0);
      Atomics.store(out, 1, 0);
      await Promise.all([
        p.run({ xs, from: a, to: b, out, slot: 0 }, { name: 'arenaSum' }),
        p.run({ xs, from: c, to: d, out, slot: 1 }, { name: 'arenaSum' }),
      ]);
      assert.strictEqual(Atomics.load(out, 0), prefix[b] - prefix[a]);
      assert.strictEqual(Atomics.load(out, 1), prefix[d] - prefix[c]);
    }
  });

test('pool_native_kernel_hashes_arena_memory_inside_a_task', async (t) => {
  const p = pool(t);
  const bytes = p.alloc(Uint8Array, 1 << 20);
  crypto.randomFillSync(bytes);
  const want = crypto.createHash('sha256').update(bytes).digest('hex');
  assert.strictEqual(await p.run(bytes, { name: 'arenaHash' }), want);
});
