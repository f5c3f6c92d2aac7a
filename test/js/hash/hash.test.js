'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { pipeline } = require('node:stream/promises');
const { Readable, Writable, PassThrough } = require('node:stream');
const offload = require('../../..');

const NODE_ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512',
  'sha512-256', 'sha3-256', 'sha3-512'];

// Deterministic PRNG so failures reproduce.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function nodeDigest(algo, data, key) {
  return (key ? crypto.createHmac(algo, key) : crypto.createHash(algo))
    .update(data).digest('hex');
}

// Writes `data` into a fresh Hash in random chunk sizes (0 included).
async function streamDigest(algo, data, rand, options) {
  const h = offload.createHash(algo, options);
  const sink = [];
  const out = new Writable({ write(c, e, cb) { sink.push(c); cb(); } });
  const chunks = [];
  for (let off = 0; off < data.length;) {
    const n = rand() < 0.1 ? 0 : Math.floor(rand() * 300000);
    chunks.push(data.subarray(off, off + n));
    off += n;
  }
  await pipeline(Readable.from(chunks, { objectMode: false }), h, out);
  assert.ok(Buffer.concat(sink).equals(data), 'pass-through changed data');
  return h.digest('hex');
}

test('hash_matches_node_crypto_small_lengths', () => {
  const rand = rng(1);
  const data = crypto.randomBytes(5001);
  for (const algo of NODE_ALGOS) {
    for (let n = 0; n <= 5000; n += 1 + Math.floor(rand() * 97)) {
      const d = data.subarray(0, n);
      assert.strictEqual(offload.hashSync(algo, d, 'hex'), nodeDigest(algo, d),
        `${algo} len ${n}`);
    }
  }
});

test('hash_matches_node_crypto_async_and_stream_large', async () => {
  const rand = rng(2);
  for (const algo of NODE_ALGOS) {
    const n = Math.floor(rand() * 8 * 1024 * 1024);
    const d = crypto.randomBytes(n);
    const want = nodeDigest(algo, d);
    assert.strictEqual(await offload.hash(algo, d, 'hex'), want, algo);
    assert.strictEqual(await streamDigest(algo, d, rand), want, `${algo} stream`);
  }
});

test('hash_hmac_matches_node_crypto', async () => {
  const key = crypto.randomBytes(40);
  const longKey = crypto.randomBytes(300);
  const d = crypto.randomBytes(100000);
  for (const algo of NODE_ALGOS) {
    assert.strictEqual(offload.hashSync(algo, d, { key, encoding: 'hex' }),
      nodeDigest(algo, d, key), algo);
    assert.strictEqual(await offload.hash(algo, d, { key: longKey,
      encoding: 'hex' }), nodeDigest(algo, d, longKey), `${algo} long key`);
  }
  assert.strictEqual(offload.hashSync('sha256', 'x', { key: 'k', encoding: 'hex' }),
    nodeDigest('sha256', 'x', 'k'));
});

test('hash_blake3_official_vectors', async () => {
  const v = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'vectors',
    'blake3_test_vectors.json'), 'utf8'));
  const key = Buffer.from(v.key, 'ascii');
  for (const c of v.cases) {
    const input = Buffer.alloc(c.input_len);
    for (let i = 0; i < c.input_len; i++) input[i] = i % 251;
    const xlen = c.hash.length / 2;
    assert.strictEqual(offload.hashSync('blake3', input, 'hex'),
      c.hash.slice(0, 64), `hash ${c.input_len}`);
    assert.strictEqual(await offload.hash('blake3', input,
      { outputLength: xlen, encoding: 'hex' }), c.hash, `xof ${c.input_len}`);
    assert.strictEqual(offload.hashSync('blake3', input,
      { key, outputLength: xlen, encoding: 'hex' }), c.keyed_hash,
    `keyed ${c.input_len}`);
  }
});

test('hash_blake3_parallel_equals_single_thread', async () => {
  for (const n of [4 << 20, (4 << 20) + 1, 9 * 1024 * 1024 + 333, 64 << 20]) {
    const d = crypto.randomBytes(n);
    const key = crypto.randomBytes(32);
    assert.strictEqual(await offload.hash('blake3', d, 'hex'),
      offload.hashSync('blake3', d, 'hex'), `len ${n}`);
    assert.strictEqual(await offload.hash('blake3', d,
      { key, outputLength: 100, encoding: 'base64' }),
    offload.hashSync('blake3', d, { key, outputLength: 100, encoding: 'base64' }));
  }
});

test('hash_checksums_and_xxhash_known_values', () => {
  assert.strictEqual(offload.hashSync('crc32c', '123456789', 'hex'), 'e3069283');
  assert.strictEqual(offload.hashSync('crc32', '123456789', 'hex'), 'cbf43926');
  assert.strictEqual(offload.hashSync('xxh32', '', 'hex'), '02cc5d05');
  assert.strictEqual(offload.hashSync('xxh64', '', 'hex'), 'ef46db3751d8e999');
  assert.strictEqual(offload.hashSync('xxh3', '', 'hex'), '2d06800538d394c2');
  assert.strictEqual(offload.hashSync('xxh3-128', '', 'hex'),
    '99aa06d3014798d86001c324468d497f');
  // Seeds change the value; bigint and number seeds agree.
  assert.notStrictEqual(offload.hashSync('xxh64', 'a', { seed: 1, encoding: 'hex' }),
    offload.hashSync('xxh64', 'a', 'hex'));
  assert.strictEqual(offload.hashSync('xxh64', 'a', { seed: 7, encoding: 'hex' }),
    offload.hashSync('xxh64', 'a', { seed: 7n, encoding: 'hex' }));
  if (typeof zlib.crc32 === 'function') {
    const d = crypto.randomBytes(100003);
    assert.strictEqual(offload.hashSync('crc32', d).readUInt32BE(0), zlib.crc32(d));
  }
  for (const [a, n] of [['crc32', 4], ['crc32c', 4], ['xxh32', 4], ['xxh64', 8],
    ['xxh3', 8], ['xxh3-128', 16]]) {
    assert.strictEqual(offload.hashSync(a, 'x').length, n, a);
  }
});

test('hash_streaming_equals_one_shot_every_algorithm', async () => {
  const rand = rng(3);
  for (const algo of offload.getHashes()) {
    for (const n of [0, 1, 63, 64, 1023, 1024, 1025, 4096, 300001]) {
      const d = crypto.randomBytes(n);
      assert.strictEqual(await streamDigest(algo, d, rand),
        offload.hashSync(algo, d, 'hex'), `${algo} ${n}`);
    }
  }
});

test('hash_accepts_every_input_type', async () => {
  const bytes = Buffer.from('hello world');
  const want = offload.hashSync('sha256', bytes, 'hex');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  const inputs = ['hello world', new Uint8Array(ab), new DataView(ab), ab, sab,
    new Uint16Array(new Uint8Array(bytes).buffer.slice(0, 10)).subarray(0)];
  for (const x of inputs.slice(0, 5)) {
    assert.strictEqual(offload.hashSync('sha256', x, 'hex'), want);
    assert.strictEqual(await offload.hash('sha256', x, 'hex'), want);
  }
  // A Uint16Array view hashes its bytes.
  const u16 = new Uint16Array([1, 2, 3]);
  assert.strictEqual(offload.hashSync('md5', u16, 'hex'),
    nodeDigest('md5', Buffer.from(u16.buffer)));
  assert.deepStrictEqual(['hex', 'base64', 'base64url'].map((e) =>
    offload.hashSync('sha1', 'x', e)), ['hex', 'base64', 'base64url'].map((e) =>
    crypto.createHash('sha1').update('x').digest(e)));
});

test('hash_bad_arguments', async () => {
  assert.throws(() => offload.hashSync('sha999', 'x'),
    { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.hashSync(5, 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.hashSync('sha256', 5), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.hashSync('sha256', 'x', { encoding: 'latin1' }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.hashSync('xxh64', 'x', { key: 'k' }),
    { code: 'ERR_INVALID_ARG_VALUE', message: /no keyed mode/ });
  assert.throws(() => offload.hashSync('crc32', 'x', { key: 'k' }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.hashSync('blake3', 'x', { key: 'short' }),
    { code: 'ERR_INVALID_ARG_VALUE', message: /32 bytes/ });
  assert.throws(() => offload.hashSync('sha256', 'x', { seed: 1 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.hashSync('xxh64', 'x', { seed: -1 }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.hashSync('xxh64', 'x', { seed: 2n ** 64n }),
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.hashSync('sha256', 'x', { outputLength: 16 }),
    { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.hashSync('blake3', 'x', { outputLength: 0 }),
    { code: 'ERR_OUT_OF_RANGE' });
  // Promise APIs reject, never throw.
  for (const p of [offload.hash('nope', 'x'), offload.hash('sha256', null),
    offload.hashMany('sha256', 'notarray'), offload.hashMany('sha256', [1]),
    offload.hashFile('sha256', 42), offload.hashFile('sha256', 'a\u0000b')]) {
    await assert.rejects(p, (e) => typeof e.code === 'string');
  }
  await assert.rejects(offload.hashFile('sha256', '/definitely/missing'),
    { code: 'ENOENT', syscall: 'open', path: '/definitely/missing' });
  await assert.rejects(offload.hashFile('sha256', os.tmpdir()),
    { code: 'EISDIR' });
  assert.throws(() => offload.createHash('nope'), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('hash_many_and_file', async () => {
  const list = ['a', Buffer.from('bb'), new Uint8Array([1, 2, 3]), ''];
  const got = await offload.hashMany('sha256', list, { encoding: 'hex' });
  assert.deepStrictEqual(got, list.map((x) => nodeDigest('sha256', x)));
  assert.deepStrictEqual(await offload.hashMany('xxh3', []), []);
  const file = path.join(os.tmpdir(), `ofl-hash-${process.pid}.bin`);
  const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
  fs.writeFileSync(file, data);
  try {
    for (const algo of ['sha256', 'blake3', 'xxh3', 'crc32c']) {
      assert.strictEqual(await offload.hashFile(algo, file, 'hex'),
        offload.hashSync(algo, data, 'hex'), algo);
    }
    const url = require('node:url').pathToFileURL(file);
    assert.strictEqual(await offload.hashFile('md5', url, 'hex'),
      nodeDigest('md5', data));
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('hash_abort_and_timeout', async () => {
  const big = Buffer.alloc(256 * 1024 * 1024);
  const ac = new AbortController();
  const p = offload.hash('sha512', big, { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { name: 'AbortError', code: 'ABORT_ERR' });
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(offload.hash('sha256', 'tiny', { signal: pre.signal }),
    { code: 'ABORT_ERR' });
  await assert.rejects(offload.hash('sha3-512', big, { timeout: 1 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  await assert.rejects(offload.hash('blake3', big, { timeout: 1 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
});

test('hash_detached_and_collected_inputs', async () => {
  const ab = new ArrayBuffer(1024);
  structuredClone(ab, { transfer: [ab] }); // detaches ab
  assert.throws(() => offload.hashSync('sha256', new Uint8Array(ab)), () => true);
  await assert.rejects(offload.hash('sha256', ab), { code: 'ERR_INVALID_STATE' });
  // The input is unreachable from JS during the call, and GC runs.
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const want = [];
  const calls = [];
  for (let i = 0; i < 20; i++) {
    const d = Buffer.alloc(8 * 1024 * 1024, i);
    want.push(nodeDigest('sha256', d));
    calls.push(offload.hash('sha256', d, 'hex'));
  }
  gc();
  assert.deepStrictEqual(await Promise.all(calls), want);
});

test('hash_stream_error_destroys_pipeline', async () => {
  const h = offload.createHash('sha256');
  const src = new PassThrough();
  const p = pipeline(src, h, new Writable({ write(c, e, cb) { cb(); } }));
  src.write('abc');
  src.destroy(new Error('upstream broke'));
  await assert.rejects(p, /upstream broke/);
  await assert.rejects(h.digest(), (e) => e instanceof Error);
  // digest() on a hash nobody reads still finishes.
  const h2 = offload.createHash('md5');
  h2.end('abc');
  assert.strictEqual(await h2.digest('hex'), nodeDigest('md5', 'abc'));
  assert.strictEqual(await h2.digest('base64'), crypto.createHash('md5')
    .update('abc').digest('base64'));
  await assert.rejects(h2.digest('latin1'), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('hash_works_in_worker_threads', async () => {
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort } = require('node:worker_threads');
    const o = require(${JSON.stringify(path.join(__dirname, '../../..'))});
    o.hash('sha256', Buffer.alloc(5 << 20, 7), 'hex').then((h) => parentPort.postMessage(h));`;
  const want = nodeDigest('sha256', Buffer.alloc(5 << 20, 7));
  const got = await Promise.all(Array.from({ length: 4 }, () =>
    new Promise((resolve, reject) => {
      const w = new Worker(src, { eval: true });
      w.once('message', resolve);
      w.once('error', reject);
    })));
  assert.deepStrictEqual(got, [want, want, want, want]);
});

test('hash_large_input_keeps_event_loop_free', async () => {
  // Not a timing benchmark: only checks the work left the JS thread, i.e.
  // timers kept firing while a 128 MiB sha256 ran.
  const d = Buffer.alloc(128 * 1024 * 1024, 1);
  let ticks = 0;
  const t = setInterval(() => { ticks++; }, 1);
  await offload.hash('sha256', d);
  clearInterval(t);
  assert.ok(ticks >= 5, `only ${ticks} timer ticks during the hash`);
});

// Chunks below the inline size are hashed on the event loop; a source that
// writes synchronously (a Readable over memory) must still let the loop
// turn every INLINE_BUDGET bytes instead of holding it for the whole stream.
test('hash_stream_inline_chunks_yield_to_the_loop', async () => {
  const chunk = crypto.randomBytes(64 * 1024);
  const chunks = Array.from({ length: 256 }, () => chunk); // 16 MiB
  let turns = 0;
  let finished = false;
  const tick = () => {
    if (finished) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const hasher = offload.createHash('sha256');
  await pipeline(Readable.from(chunks), hasher, new Writable({
    write(c, e, cb) { cb(); },
  }));
  finished = true;
  const expected = crypto.createHash('sha256');
  for (const c of chunks) expected.update(c);
  assert.strictEqual(await hasher.digest('hex'), expected.digest('hex'));
  // 16 MiB / 1 MiB = 16 yields; a stream that never yields gives ~1.
  assert.ok(turns >= 8, `the loop turned ${turns} times`);
});

test('hash_file_refuses_fifos_and_devices_without_blocking_the_executor',
  { skip: process.platform === 'win32' && 'no mkfifo' }, async () => {
    // A FIFO with no writer used to block open/read on an executor thread
    // for ever; two of them wedged every later hash().
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-fifo-'));
    const fifo = path.join(dir, 'pipe');
    const { execFileSync } = require('node:child_process');
    execFileSync('mkfifo', [fifo]);
    try {
      const calls = [fifo, fifo, fifo].map((f) =>
        offload.hashFile('sha256', f, { timeout: 500 }));
      await Promise.all(calls.map((c) => assert.rejects(c, (e) =>
        e.code === 'ERR_INVALID_ARG_VALUE' &&
        /must be a regular file; it is a FIFO/.test(e.message))));
      for (const dev of ['/dev/zero', '/dev/null']) {
        await assert.rejects(offload.hashFile('sha256', dev),
          (e) => e.code === 'ERR_INVALID_ARG_VALUE' && /character device/.test(e.message));
      }
      assert.strictEqual(await offload.hash('sha256', 'abc', 'hex'),
        crypto.createHash('sha256').update('abc').digest('hex'));
      // No executor thread stays parked on the FIFO (earlier tests' work
      // may still be finishing, so wait for it).
      for (let i = 0; i < 200 && offload.stats().running !== 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.strictEqual(offload.stats().running, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

test('hash_file_passes_buffer_path_bytes_through_unchanged',
  { skip: process.platform !== 'linux' && 'non-UTF-8 names: Linux file systems' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-bytes-'));
    const name = Buffer.concat([Buffer.from(dir + path.sep), Buffer.from([0x66, 0xff, 0x2e])]);
    fs.writeFileSync(name, 'abc');
    try {
      assert.strictEqual(await offload.hashFile('sha256', name, 'hex'),
        crypto.createHash('sha256').update('abc').digest('hex'));
      await assert.rejects(offload.hashFile('sha256',
        Buffer.concat([name, Buffer.from([0])])), { code: 'ERR_INVALID_ARG_VALUE' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

test('hash_file_timeout_and_abort_settle_at_the_deadline', async (t) => {
  // A large sparse file: the read outlasts the deadline. The promise
  // settles at the deadline or abort itself (file reads may block in the
  // kernel, where no cancellation flag is looked at).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-sparse-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'sparse');
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, 64 * 2 ** 30);
  await assert.rejects(offload.hashFile('sha256', file, { timeout: 20 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  const ac = new AbortController();
  const p = offload.hashFile('sha256', file, { signal: ac.signal });
  setTimeout(() => ac.abort(new Error('enough')), 20);
  await assert.rejects(p, (e) => e.code === 'ABORT_ERR' && e.cause.message === 'enough');
  // The executor is free again.
  assert.strictEqual(await offload.hash('sha256', 'abc', 'hex'),
    crypto.createHash('sha256').update('abc').digest('hex'));
});
