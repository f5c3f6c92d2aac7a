'use strict';
// Multi-frame zstd inputs decode their frames on several executor threads
// (lib/codec/one_shot.js framePieces, src/napi/codec_frames_binding.c). Whatever
// the input, the result must be what the one-thread path gives.
const test = require('node:test');
const assert = require('node:assert');
const offload = require('../../..');
const binding = require('../../../lib/binding');
const { prng, logLines, randomBytes } = require('../fixtures/compress_data');

const { decompress, decompressSync, compressSync } = offload;

/** Independent frames, each declaring its size, concatenated. */
function frames(input, parts, opts = {}) {
  const out = [];
  const step = Math.ceil(input.length / parts);
  for (let off = 0; off < input.length; off += step) {
    out.push(compressSync(input.subarray(off, off + step), { codec: 'zstd', ...opts }));
  }
  return Buffer.concat(out);
}

/** Runs fn and reports how many executor tasks completed meanwhile. */
async function tasks(fn) {
  const before = offload.stats().completed;
  const result = await fn();
  return { result, tasks: offload.stats().completed - before };
}

/** The one-thread path's outcome: bytes or an error code. */
function reference(z, options) {
  try {
    return decompressSync(z, { codec: 'zstd', ...options });
  } catch (err) {
    return err.code;
  }
}

async function outcome(z, options) {
  try {
    return await decompress(z, { codec: 'zstd', ...options });
  } catch (err) {
    return err.code;
  }
}

test('frames_decode_in_parallel_and_equal_the_input', async () => {
  const json = logLines(6 << 20);
  const rnd = randomBytes(3 << 20, 21);
  for (const [name, input] of [['json', json], ['random', rnd]]) {
    for (const checksum of [false, true]) {
      const z = frames(input, 5, { checksum });
      assert.strictEqual(binding.zstdFrames(z, 2 ** 40), 5, name);
      for (const codec of ['zstd', 'auto']) {
        const { result, tasks: n } = await tasks(() => decompress(z, { codec }));
        assert.ok(result.equals(input), `${name} ${codec} checksum ${checksum}`);
        assert.ok(n >= 2, `${name}: ${n} tasks, expected one per piece`);
      }
      // parallel: false keeps the one-task path.
      const one = await tasks(() => decompress(z, { codec: 'zstd', parallel: false }));
      assert.ok(one.result.equals(input));
      assert.strictEqual(one.tasks, 1);
    }
  }
  // offload's own parallel output is such an input.
  const z = await offload.compress(json, { codec: 'zstd' });
  if (binding.zstdMaxWorkers === 0) assert.ok(binding.zstdFrames(z, 2 ** 40) >= 2);
  assert.ok((await decompress(z)).equals(json));
});

test('frames_not_eligible_take_the_one_task_path', async () => {
  const input = randomBytes(2 << 20, 22);
  const z = frames(input, 4);
  // A skippable frame in between, one frame, or trailing garbage.
  const skippable = Buffer.alloc(8 + 16);
  skippable.writeUInt32LE(0x184d2a50, 0);
  skippable.writeUInt32LE(16, 4);
  const half = z.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 10);
  const withSkip = Buffer.concat([z.subarray(0, half), skippable, z.subarray(half)]);
  assert.strictEqual(binding.zstdFrames(withSkip, 2 ** 40), 0);
  assert.ok((await decompress(withSkip, { codec: 'zstd' })).equals(input));
  const single = compressSync(input, { codec: 'zstd' });
  assert.strictEqual(binding.zstdFrames(single, 2 ** 40), 1);
  const garbage = Buffer.concat([z, Buffer.from('trailing')]);
  assert.strictEqual(binding.zstdFrames(garbage, 2 ** 40), 0);
  await assert.rejects(decompress(garbage, { codec: 'zstd' }),
    { code: 'ERR_OFFLOAD_CORRUPT_DATA' });
  // maxOutputLength below the declared total: refused before any work.
  await assert.rejects(decompress(z, { codec: 'zstd', maxOutputLength: input.length - 1 }),
    { code: 'ERR_BUFFER_TOO_LARGE' });
  assert.ok((await decompress(z, { codec: 'zstd', maxOutputLength: input.length })).equals(input));
});

test('frames_corruption_and_truncation_match_the_one_thread_path', async () => {
  const input = Buffer.concat([logLines(700_000, 5), randomBytes(700_000, 23)]);
  for (const checksum of [false, true]) {
    const z = frames(input, 4, { checksum });
    assert.ok(z.length >= 256 * 1024, 'large enough for the frames path');
    const rnd = prng(checksum ? 41 : 42);
    for (let i = 0; i < 150; i++) {
      const bad = Buffer.from(z);
      const at = Math.floor(rnd() * bad.length);
      bad[at] ^= 1 + Math.floor(rnd() * 255);
      const want = reference(bad);
      const got = await outcome(bad);
      assert.deepStrictEqual(got, want, `byte ${at} of ${bad.length}`);
    }
    for (let i = 0; i < 60; i++) {
      const cut = z.subarray(0, 256 * 1024 + Math.floor(rnd() * (z.length - 256 * 1024)));
      const want = reference(cut);
      assert.notStrictEqual(want instanceof Buffer && want.equals(input), true);
      assert.deepStrictEqual(await outcome(cut), want, `cut at ${cut.length}`);
    }
  }
});

test('frames_abort_and_timeout', async () => {
  const input = logLines(12 << 20, 7);
  const z = frames(input, 6);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(decompress(z, { signal: ac.signal }), { code: 'ABORT_ERR' });
  // Queue the pieces behind work that holds both executor threads, then
  // abort: nothing has started, so every piece is dropped.
  const busy = [offload._internal.spin(150), offload._internal.spin(150)];
  const ac2 = new AbortController();
  const p = decompress(z, { signal: ac2.signal });
  setTimeout(() => ac2.abort(), 20);
  await assert.rejects(p, { name: 'AbortError' });
  const busy2 = [offload._internal.spin(150), offload._internal.spin(150)];
  await assert.rejects(decompress(z, { timeout: 30 }), { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  await Promise.all([...busy, ...busy2]);
  assert.ok((await decompress(z, { signal: new AbortController().signal })).equals(input));
});
