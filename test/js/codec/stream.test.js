'use strict';
const test = require('node:test');
const assert = require('node:assert');
const zlib = require('node:zlib');
const { pipeline, Readable, Writable } = require('node:stream');
const { promisify } = require('node:util');
const offload = require('../../..');
const {
  CODECS, prng, logLines, randomBytes, samples,
} = require('../fixtures/compress_data');

const pipe = promisify(pipeline);
const CORRUPT = { code: 'ERR_OFFLOAD_CORRUPT_DATA' };

function collect(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Writes buf in random-sized chunks, flushing at random, then ends. */
async function feed(stream, buf, rnd, { maxChunk = 70_000, flushEvery = 0.2 } = {}) {
  let off = 0;
  while (off < buf.length) {
    const n = Math.max(1, Math.floor(rnd() * maxChunk));
    stream.write(buf.subarray(off, off + n));
    off += n;
    if (rnd() < flushEvery) await new Promise((r) => stream.flush(r));
    if (stream.writableNeedDrain) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
}

test('compress_stream_roundtrip_any_chunking_with_flush', async () => {
  const rnd = prng(99);
  for (const codec of CODECS) {
    for (const [name, buf] of Object.entries(samples())) {
      const c = offload.createCompressStream({ codec, level: codec === 'brotli' ? 5 : undefined });
      const d = offload.createDecompressStream({ codec });
      const out = collect(d);
      c.pipe(d);
      await feed(c, buf, rnd);
      const back = await out;
      assert.ok(back.equals(buf), `${codec} ${name}`);
    }
  }
});

test('compress_stream_output_matches_oneshot_decoders', async () => {
  const buf = logLines(500_000);
  const rnd = prng(5);
  for (const codec of CODECS) {
    const c = offload.createCompressStream({ codec, chunkSize: 4096 });
    const out = collect(c);
    await feed(c, buf, rnd, { maxChunk: 30_000 });
    const z = await out;
    assert.ok(offload.decompressSync(z, { codec }).equals(buf), codec);
    if (codec === 'gzip') assert.ok(zlib.gunzipSync(z).equals(buf));
    if (codec === 'brotli') assert.ok(zlib.brotliDecompressSync(z).equals(buf));
  }
});

test('compress_stream_decompress_byte_by_byte', async () => {
  const buf = logLines(4000);
  for (const codec of CODECS) {
    const z = offload.compressSync(buf, { codec });
    const d = offload.createDecompressStream({ codec });
    const out = collect(d);
    for (let i = 0; i < z.length; i++) d.write(z.subarray(i, i + 1));
    d.end();
    assert.ok((await out).equals(buf), codec);
  }
});

test('compress_stream_flush_makes_written_data_decodable', async () => {
  const rnd = prng(3);
  for (const codec of CODECS) {
    const c = offload.createCompressStream({ codec });
    const d = offload.createDecompressStream({ codec });
    const got = [];
    d.on('data', (x) => got.push(x));
    c.on('data', (x) => d.write(x));
    let sent = Buffer.alloc(0);
    for (let i = 0; i < 5; i++) {
      const part = logLines(1000 + Math.floor(rnd() * 20_000), i);
      sent = Buffer.concat([sent, part]);
      c.write(part);
      await new Promise((r) => c.flush(r));
      // Let the compressed bytes reach the decompressor and come out.
      for (let k = 0; k < 50 && Buffer.concat(got).length < sent.length; k++) {
        await new Promise((r) => d.flush(r));
        await new Promise((r) => setImmediate(r));
      }
      assert.ok(Buffer.concat(got).equals(sent), `${codec} after flush ${i}`);
    }
    c.destroy();
    d.destroy();
  }
});

test('compress_stream_concatenated_members', async () => {
  const a = logLines(30_000, 1);
  const b = randomBytes(30_000, 2);
  for (const codec of ['gzip', 'zstd', 'lz4']) {
    const cat = Buffer.concat([offload.compressSync(a, { codec }), offload.compressSync(b, { codec })]);
    const d = offload.createDecompressStream({ codec: 'auto' });
    const out = collect(d);
    // Split right inside the second member's header.
    const cut = offload.compressSync(a, { codec }).length + 2;
    d.write(cat.subarray(0, cut));
    d.end(cat.subarray(cut));
    assert.ok((await out).equals(Buffer.concat([a, b])), codec);
  }
});

test('compress_stream_truncation_and_garbage_error', async () => {
  const buf = logLines(20_000);
  const rnd = prng(11);
  for (const codec of CODECS) {
    const z = offload.compressSync(buf, { codec });
    const cuts = [0, 1, z.length - 1, ...Array.from({ length: 20 }, () => Math.floor(rnd() * z.length))];
    for (const cut of cuts) {
      const d = offload.createDecompressStream({ codec });
      await assert.rejects(pipe(Readable.from([z.subarray(0, cut)]), d, new Writable({
        write(c, e, cb) { cb(); },
      })), CORRUPT, `${codec} cut ${cut}`);
    }
    const d = offload.createDecompressStream({ codec });
    await assert.rejects(collect(Readable.from([z, Buffer.from('xx')]).pipe(d)), CORRUPT);
  }
});

test('compress_stream_max_output_length_running_total', async () => {
  const buf = logLines(1 << 20);
  for (const codec of CODECS) {
    const z = offload.compressSync(buf, { codec, level: codec === 'brotli' ? 4 : undefined });
    const d = offload.createDecompressStream({ codec, maxOutputLength: 100_000 });
    await assert.rejects(pipe(Readable.from([z]), d, new Writable({ write(c, e, cb) { cb(); } })),
      { name: 'RangeError', code: 'ERR_BUFFER_TOO_LARGE' });
    assert.ok(d.bytesProduced <= 100_001, `${codec} produced ${d.bytesProduced}`);
    const ok = offload.createDecompressStream({ codec, maxOutputLength: buf.length });
    assert.ok((await collect(Readable.from([z]).pipe(ok))).equals(buf));
  }
});

test('compress_stream_backpressure_one_write_in_flight', async () => {
  // A slow consumer: the compressor must not run ahead without bound.
  const buf = randomBytes(4 << 20, 21);
  const c = offload.createCompressStream({ codec: 'lz4' });
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk, e, cb) {
      maxBuffered = Math.max(maxBuffered, c.readableLength);
      setImmediate(cb);
    },
  });
  const chunks = [];
  for (let off = 0; off < buf.length; off += 65536) chunks.push(buf.subarray(off, off + 65536));
  await pipe(Readable.from(chunks), c, sink);
  assert.ok(maxBuffered < 1 << 20, `readable side held ${maxBuffered} bytes`);
});

test('compress_stream_destroy_mid_write_is_safe', async () => {
  for (let i = 0; i < 50; i++) {
    const c = offload.createCompressStream({ codec: i % 2 ? 'zstd' : 'gzip' });
    c.on('error', () => {});
    c.write(randomBytes(200_000, i));
    c.destroy();
  }
  await new Promise((r) => setTimeout(r, 50));
  const c = offload.createCompressStream();
  c.destroy();
  c.flush(() => {}); // after destroy: no crash
});

test('compress_stream_validation_throws', () => {
  assert.throws(() => offload.createCompressStream({ codec: 'auto' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.createCompressStream({ codec: 'gzip', level: 10 }),
    { code: 'ERR_OUT_OF_RANGE' }); // 10..12 are one-shot only
  assert.throws(() => offload.createCompressStream({ chunkSize: 1 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.createDecompressStream('gzip'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.createCompressStream().flush(42), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.ok(offload.createDecompressStream() instanceof offload.DecompressStream);
});

test('compress_stream_gzip_segments_form_one_standard_stream', async () => {
  // gzip-family streams compress staged segments in parallel blocks; the
  // result must be ONE stream that node:zlib decodes, whatever the
  // chunking, with flushes between segments and at segment edges.
  const rnd = prng(77);
  const big = Buffer.concat([logLines(1_500_000, 4), randomBytes(700_000, 5),
    logLines(900_000, 6)]);
  const decoders = {
    gzip: zlib.gunzipSync, deflate: zlib.inflateSync, 'deflate-raw': zlib.inflateRawSync,
  };
  for (const [codec, decode] of Object.entries(decoders)) {
    for (const parallel of ['auto', true, false]) {
      const c = offload.createCompressStream({ codec, parallel, level: 1 + Math.floor(rnd() * 9) });
      const out = collect(c);
      await feed(c, big, rnd, { maxChunk: 300_000, flushEvery: 0.1 });
      const z = await out;
      assert.ok(decode(z).equals(big), `${codec} parallel ${parallel}`);
      assert.strictEqual(c.bytesWritten, big.length);
      assert.strictEqual(c.bytesProduced, z.length);
      if (codec === 'gzip') {
        // One member: the trailer's ISIZE covers the whole input.
        assert.strictEqual(z.readUInt32LE(z.length - 4), big.length % 2 ** 32);
      }
    }
    // Empty, and flushes only.
    for (const writes of [[], [Buffer.alloc(0)], ['flush', 'flush']]) {
      const c = offload.createCompressStream({ codec, parallel: true });
      const out = collect(c);
      for (const w of writes) {
        if (w === 'flush') await new Promise((r) => c.flush(r));
        else c.write(w);
      }
      c.end();
      assert.strictEqual(decode(await out).length, 0, `${codec} ${writes.length}`);
    }
  }
});

test('compress_stream_gzip_segments_ratio_matches_zlib', async () => {
  // Blocks are primed with the 32 KiB before them: the ratio stays that
  // of one zlib stream.
  const buf = logLines(4 << 20, 8);
  const c = offload.createCompressStream({ codec: 'gzip', level: 6, parallel: true });
  const out = collect(c);
  await feed(c, buf, prng(8), { maxChunk: 65536, flushEvery: 0 });
  const z = await out;
  const ref = zlib.gzipSync(buf, { level: 6 }).length;
  assert.ok(z.length <= ref * 1.01, `${z.length} vs zlib ${ref}`);
});

test('compress_stream_gzip_segments_backpressure_and_destroy', async () => {
  const buf = logLines(6 << 20, 9);
  const c = offload.createCompressStream({ codec: 'gzip', parallel: true });
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk, e, cb) {
      maxBuffered = Math.max(maxBuffered, c.readableLength + c.writableLength);
      setImmediate(cb);
    },
  });
  const chunks = [];
  for (let off = 0; off < buf.length; off += 65536) chunks.push(buf.subarray(off, off + 65536));
  await pipe(Readable.from(chunks), c, sink);
  assert.ok(maxBuffered < 2 << 20, `stream held ${maxBuffered} bytes`);
  // Destroyed while a segment compresses: no callback into a dead stream.
  for (let i = 0; i < 20; i++) {
    const d = offload.createCompressStream({ codec: 'gzip', parallel: true });
    d.on('error', () => {});
    d.write(logLines(700_000, i));
    d.write(logLines(10_000, i));
    setImmediate(() => d.destroy());
  }
  await new Promise((r) => setTimeout(r, 100));
});

test('compress_stream_slow_writer_output_not_held_for_a_full_segment', async () => {
  // A trickle of writes (no flush) must not sit in the staging buffer
  // until 1 MiB accumulates: idle staged bytes go out on their own.
  const c = offload.createCompressStream({ codec: 'gzip', parallel: true });
  const got = [];
  c.on('data', (d) => got.push(d));
  const part = logLines(5000, 3);
  c.write(part);
  for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const partial = Buffer.concat(got);
  const seen = zlib.gunzipSync(partial, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.ok(seen.equals(part), `decoded ${seen.length} of ${part.length}`);
  c.end();
  const rest = await collect(c);
  assert.ok(zlib.gunzipSync(Buffer.concat([partial, rest])).equals(part));
});

test('compress_stream_zstd_frames_and_context_mix', async () => {
  // zstd streams on 2+ threads send large segments as parallel frames and
  // small ones (flushes, idle sends) through their own context, ending its
  // frame before frames follow: any chunking and flush pattern must decode
  // whole, by offload and the zstd CLI, with per-frame checksums intact.
  const { execFileSync } = require('node:child_process');
  const rnd = prng(91);
  const big = Buffer.concat([logLines(2_500_000, 7), randomBytes(600_000, 8),
    logLines(1_100_000, 9)]);
  for (const parallel of ['auto', true, false]) {
    for (const checksum of [false, true]) {
      const c = offload.createCompressStream({ codec: 'zstd', parallel, checksum });
      const out = collect(c);
      await feed(c, big, rnd, { maxChunk: 400_000, flushEvery: 0.15 });
      const z = await out;
      assert.ok(offload.decompressSync(z, { codec: 'zstd' }).equals(big), `${parallel}`);
      const cli = execFileSync('zstd', ['-d', '-c'], { input: z, maxBuffer: 1 << 26 });
      assert.ok(cli.equals(big), `zstd CLI, parallel ${parallel}`);
      assert.strictEqual(c.bytesProduced, z.length);
    }
  }
  // Small writes and flushes first (the context's open frame), then a
  // large segment (frames), then small again; empty and flush-only streams.
  const c = offload.createCompressStream({ codec: 'zstd', parallel: true });
  const out = collect(c);
  const parts = [logLines(10_000, 1), logLines(2_000_000, 2), logLines(5_000, 3)];
  c.write(parts[0]);
  await new Promise((r) => c.flush(r));
  c.write(parts[1]);
  c.write(parts[2]);
  c.end();
  assert.ok(offload.decompressSync(await out, { codec: 'zstd' }).equals(Buffer.concat(parts)));
  for (const writes of [[], ['flush', 'flush'], [logLines(300_000, 4)]]) {
    const s = offload.createCompressStream({ codec: 'zstd', parallel: true });
    const o = collect(s);
    for (const w of writes) {
      if (w === 'flush') await new Promise((r) => s.flush(r));
      else s.write(w);
    }
    s.end();
    const want = writes.filter((w) => w !== 'flush');
    assert.ok(offload.decompressSync(await o, { codec: 'zstd' }).equals(Buffer.concat(want)));
  }
});

test('compress_stream_filling_write_calls_back_after_its_native_operation', async () => {
  // A write that fills a segment starts a native operation; its callback
  // runs only once that operation has completed (its output is pushed),
  // so a writer never runs ahead of the codec by more than one segment.
  for (const codec of ['gzip', 'zstd', 'lz4', 'brotli']) {
    const c = offload.createCompressStream({ codec, level: codec === 'brotli' ? 4 : undefined });
    c.resume();
    const before = offload.stats().completed;
    const completed = await new Promise((resolve, reject) => {
      c.write(randomBytes(1 << 20, 31),
        (err) => (err ? reject(err) : resolve(offload.stats().completed - before)));
    });
    // (brotli may hold its output back until more input or a flush: count
    // the executor's finished tasks, not output bytes.)
    assert.ok(completed > 0, `${codec}: callback before the segment was compressed`);
    await new Promise((resolve) => c.end(resolve));
  }
});

// gzip header flags (RFC 1952 §2.3.1), valid and broken: every API must
// give the answer node's zlib gives, with the same bytes. libdeflate (the
// one-shot fast path) skips FHCRC unchecked; zlib rejects a wrong one.
test('compress_stream_gzip_header_flags_match_oneshot_and_zlib', async () => {
  // zlib.crc32 needs Node 20.15+; the suite runs on 18 too.
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const crc16 = (b) => crc32(b) & 0xffff;
  function header(flg, { xlen, name = 'file.txt\0', comment = 'note\0', hcrc } = {}) {
    const h = [0x1f, 0x8b, 8, flg, 1, 2, 3, 4, 0, 3];
    if (flg & 4) {
      const x = Buffer.from('AB\x04\x00data', 'latin1');
      const n = xlen === undefined ? x.length : xlen;
      h.push(n & 255, n >> 8, ...x);
    }
    if (flg & 8) h.push(...Buffer.from(name, 'latin1'));
    if (flg & 16) h.push(...Buffer.from(comment, 'latin1'));
    if (flg & 2) {
      const c = hcrc === undefined ? crc16(Buffer.from(h)) : hcrc(crc16(Buffer.from(h)));
      h.push(c & 255, c >> 8);
    }
    return Buffer.from(h);
  }
  const member = (data, hdr) => {
    const t = Buffer.alloc(8);
    t.writeUInt32LE(crc32(data), 0);
    t.writeUInt32LE(data.length, 4);
    return Buffer.concat([hdr, zlib.deflateRawSync(data), t]);
  };
  const cases = [];
  for (const data of [logLines(5_000, 3), logLines(300_000, 4)]) {
    for (let flg = 0; flg < 32; flg++) {
      cases.push([`flg ${flg}`, member(data, header(flg))]);
      if (flg & 2) {
        cases.push([`flg ${flg} wrong FHCRC`, member(data, header(flg, { hcrc: (c) => c ^ 0x0100 }))]);
        cases.push([`flg ${flg} FHCRC of the header's CRC32 high half`,
          member(data, header(flg, { hcrc: (c) => (c + 1) & 0xffff }))]);
      }
    }
    for (const bit of [0x20, 0x40, 0x80]) {
      cases.push([`reserved ${bit}`, member(data, header(bit))]);
      cases.push([`reserved ${bit} + FHCRC`, member(data, header(bit | 2))]);
    }
    for (const flg of [4, 8, 16, 30]) {
      const h = header(flg);
      for (let cut = 10; cut < h.length; cut += 3) {
        cases.push([`flg ${flg} header cut at ${cut}`, h.subarray(0, cut)]);
      }
    }
    cases.push(['FEXTRA xlen past the end', member(data, header(4, { xlen: 0xfff0 }))]);
    cases.push(['FEXTRA xlen into the data', member(data, header(4, { xlen: 40 }))]);
    cases.push(['FNAME unterminated', member(data, header(8, { name: 'x'.repeat(100) }))]);
    cases.push(['FCOMMENT unterminated', Buffer.concat([header(16, { comment: 'c' })])]);
    // The same header faults in a second member.
    const good = member(data, header(0));
    cases.push(['2nd member wrong FHCRC',
      Buffer.concat([good, member(data, header(26, { hcrc: (c) => c ^ 1 }))])]);
    cases.push(['2nd member valid FHCRC', Buffer.concat([good, member(data, header(26))])]);
    cases.push(['2nd member reserved bit', Buffer.concat([good, member(data, header(0x40))])]);
  }

  const outcome = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      return err.code === 'ERR_OFFLOAD_CORRUPT_DATA' ? 'corrupt' : err.code;
    }
  };
  const viaStream = (z, chunk) => new Promise((resolve, reject) => {
    const d = offload.createDecompressStream({ codec: 'gzip' });
    const parts = [];
    for (let off = 0; off < z.length; off += chunk) parts.push(z.subarray(off, off + chunk));
    collect(Readable.from(parts).pipe(d)).then(resolve, reject);
    d.on('error', reject);
  });
  let accepted = 0;
  for (const [name, z] of cases) {
    let want;
    try {
      want = zlib.gunzipSync(z);
    } catch {
      want = 'corrupt';
    }
    if (want !== 'corrupt') accepted++;
    const got = {
      sync: await outcome(() => offload.decompressSync(z, { codec: 'gzip' })),
      auto: await outcome(() => offload.decompressSync(z)),
      async: await outcome(() => offload.decompress(z, { codec: 'gzip' })),
      executor: await outcome(() => offload.decompress(z,
        { codec: 'gzip', signal: new AbortController().signal })),
      parallelOff: await outcome(() => offload.decompress(z, { codec: 'gzip', parallel: false })),
      parallelOn: await outcome(() => offload.decompress(z, { codec: 'gzip', parallel: true })),
      stream: await outcome(() => viaStream(z, z.length)),
      streamBytes: await outcome(() => viaStream(z, 7)),
    };
    for (const [api, out] of Object.entries(got)) {
      assert.deepStrictEqual(out, want, `${name} (${z.length} bytes): ${api}`);
    }
  }
  assert.ok(accepted > 0 && accepted < cases.length);
});

test('codec_stream_reused_stages_keep_each_stream_intact', async () => {
  // Streams that end hand their full-size stage to later ones: concurrent
  // and back-to-back streams, each with its own content, still round-trip,
  // including one destroyed while its segment is being compressed.
  const body = (seed, size) => {
    const b = Buffer.alloc(size);
    for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
    return b;
  };
  const one = async (seed, codec) => {
    const input = body(seed, (3 << 20) + seed * 4099);
    const c = offload.createCompressStream({ codec });
    const out = [];
    c.on('data', (d) => out.push(d));
    for (let off = 0; off < input.length; off += 65536) {
      if (!c.write(input.subarray(off, off + 65536))) {
        await new Promise((r) => c.once('drain', r));
      }
    }
    await new Promise((resolve, reject) => {
      c.once('error', reject);
      c.end(resolve);
    });
    const back = codec === 'zstd' ? await offload.decompress(Buffer.concat(out))
      : zlib.gunzipSync(Buffer.concat(out));
    assert.ok(back.equals(input), `${codec} stream ${seed}`);
  };
  const doomed = offload.createCompressStream({ codec: 'zstd' });
  doomed.on('error', () => {});
  doomed.write(body(99, 1 << 20));
  doomed.destroy();
  for (let round = 0; round < 2; round++) {
    await Promise.all([1, 2, 3].map((s) => one(s + round * 3, 'zstd')));
    await one(10 + round, 'gzip');
  }
});
