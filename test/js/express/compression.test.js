'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const zlib = require('node:zlib');
const express = require('express');
const offload = require('../../..');
const { logLines } = require('../fixtures/compress_data');

const BODY = logLines(64 * 1024).toString();

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** GET with the given headers; resolves { res, body (raw bytes) }. */
function get(server, path, headers = {}, onChunk) {
  const { port } = server.address();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => {
        chunks.push(c);
        if (onChunk) onChunk(c, res);
      });
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function withApp(setup, fn, options) {
  const app = express();
  app.use(offload.compression(options));
  setup(app);
  const server = await listen(app);
  try {
    await fn(server);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const routes = (app) => {
  app.get('/json', (req, res) => res.json({ log: BODY }));
  app.get('/small', (req, res) => res.type('text').send('tiny'));
  app.get('/png', (req, res) => res.type('png').send(Buffer.alloc(5000)));
  app.get('/stream', (req, res) => {
    res.type('text');
    const parts = BODY.match(/[\s\S]{1,7000}/g);
    const next = () => {
      const p = parts.shift();
      if (p === undefined) return res.end();
      res.write(p);
      setImmediate(next);
    };
    next();
  });
  app.get('/encoded', (req, res) => {
    res.set('Content-Encoding', 'x-custom').type('text').send(BODY);
  });
  app.get('/notransform', (req, res) => {
    res.set('Cache-Control', 'no-transform').type('text').send(BODY);
  });
  app.get('/head', (req, res) => res.type('text').send(BODY));
};

test('compress_middleware_negotiates_with_q_values', async () => {
  await withApp(routes, async (server) => {
    const cases = [
      ['gzip', 'gzip', zlib.gunzipSync],
      ['deflate', 'deflate', zlib.inflateSync],
      ['br', 'br', zlib.brotliDecompressSync],
      ['gzip, deflate, br, zstd', 'zstd', (b) => offload.decompressSync(b, { codec: 'zstd' })],
      ['gzip;q=1, br;q=0.5', 'gzip', zlib.gunzipSync],
      ['br;q=0.1, deflate;q=0.9', 'deflate', zlib.inflateSync],
      ['*', 'zstd', (b) => offload.decompressSync(b, { codec: 'zstd' })],
    ];
    for (const [accept, want, decode] of cases) {
      const { res, body } = await get(server, '/json', { 'accept-encoding': accept });
      assert.strictEqual(res.headers['content-encoding'], want, accept);
      assert.match(res.headers.vary, /Accept-Encoding/);
      assert.strictEqual(res.headers['content-length'], undefined);
      assert.deepStrictEqual(JSON.parse(decode(body)), { log: BODY }, accept);
    }
    for (const accept of [undefined, 'identity', 'gzip;q=0', 'x-unknown']) {
      const headers = accept === undefined ? {} : { 'accept-encoding': accept };
      const { res, body } = await get(server, '/json', headers);
      assert.strictEqual(res.headers['content-encoding'], undefined, accept);
      assert.deepStrictEqual(JSON.parse(body), { log: BODY });
    }
  });
});

test('compress_middleware_configurable_order', async () => {
  await withApp(routes, async (server) => {
    const { res } = await get(server, '/json', { 'accept-encoding': 'zstd, br, gzip' });
    assert.strictEqual(res.headers['content-encoding'], 'gzip');
  }, { encodings: ['gzip', 'br'] });
});

test('compress_middleware_skips_small_encoded_incompressible_head', async () => {
  await withApp(routes, async (server) => {
    const h = { 'accept-encoding': 'gzip' };
    for (const path of ['/small', '/png', '/encoded', '/notransform']) {
      const { res } = await get(server, path, h);
      assert.notStrictEqual(res.headers['content-encoding'], 'gzip', path);
    }
    const { res: small } = await get(server, '/small', h);
    assert.match(small.headers.vary, /Accept-Encoding/);
    const { port } = server.address();
    const head = await new Promise((resolve) => http.request(
      { host: '127.0.0.1', port, path: '/head', method: 'HEAD', headers: h },
      resolve).end());
    assert.strictEqual(head.headers['content-encoding'], undefined);
  });
});

test('compress_middleware_streams_chunked_responses', async () => {
  await withApp(routes, async (server) => {
    const { res, body } = await get(server, '/stream', { 'accept-encoding': 'gzip' });
    assert.strictEqual(res.headers['content-encoding'], 'gzip');
    assert.strictEqual(zlib.gunzipSync(body).toString(), BODY);
  });
});

test('compress_middleware_flush_for_server_sent_events', async () => {
  let send;
  const app = (a) => a.get('/events', (req, res) => {
    res.type('text/event-stream');
    res.write(': open\n\n');
    res.flush();
    let n = 0;
    send = () => {
      res.write(`data: event ${n++}\n\n`);
      res.flush();
      if (n === 3) res.end();
    };
  });
  await withApp(app, async (server) => {
    const inflate = zlib.createGunzip();
    const seen = [];
    inflate.on('data', (d) => {
      seen.push(d.toString());
      // The next event only after this one arrived decoded: without a
      // working flush the response would stall here.
      if (send && seen.length <= 3) send();
    });
    const { res } = await get(server, '/events', { 'accept-encoding': 'gzip' },
      (chunk) => inflate.write(chunk));
    assert.strictEqual(res.headers['content-encoding'], 'gzip');
    await new Promise((r) => inflate.end(r));
    const text = seen.join('');
    assert.match(text, /data: event 0/);
    assert.match(text, /data: event 2/);
  }, { threshold: 0 });
});

test('compress_middleware_validates_options', () => {
  assert.throws(() => offload.compression({ threshold: 'big' }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.compression({ filter: 1 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => offload.compression({ level: 10 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => offload.compression({ encodings: ['lzma'] }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => offload.compression({ levels: { br: 12 } }), { code: 'ERR_OUT_OF_RANGE' });
  assert.strictEqual(typeof offload.compression({ threshold: '2kb' }), 'function');
});

// --- Uncompressed and streamed bodies under backpressure -----------------

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { Readable } = require('node:stream');

const MiB = 1024 * 1024;
const PNG_BODY = Buffer.concat([
  Buffer.from('89504e470d0a1a0a', 'hex'), crypto.randomBytes(6 * MiB),
]);
const TEXT_BODY = logLines(4 * MiB);
const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-mw-'));
fs.writeFileSync(path.join(fixtureDir, 'big.png'), PNG_BODY);
fs.writeFileSync(path.join(fixtureDir, 'big.txt'), TEXT_BODY);
test.after(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

function dechunk(buf) {
  const out = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    assert.ok(eol > 0, 'truncated chunked body');
    const size = parseInt(buf.toString('latin1', at, eol), 16);
    if (size === 0) return Buffer.concat(out);
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/**
 * A raw HTTP/1.1 client that reads slowly: nothing for a while (so the
 * server's socket buffers fill and res.write returns false), then one
 * chunk per timer tick. Resolves { status, headers, body } at close.
 */
function slowGet(server, urlPath, headers = {}) {
  const { port } = server.address();
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    sock.on('error', reject);
    const lines = [`GET ${urlPath} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    sock.write(lines.join('\r\n') + '\r\n\r\n');
    sock.pause();
    setTimeout(() => sock.resume(), 150);
    sock.on('data', (c) => {
      chunks.push(c);
      sock.pause();
      setTimeout(() => sock.resume(), 1);
    });
    sock.on('close', () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.toString('latin1', 0, split).split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const h = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        h[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let body = raw.subarray(split + 4);
      if (/chunked/i.test(h['transfer-encoding'] || '')) body = dechunk(body);
      resolve({ status, headers: h, body });
    });
  });
}

function decode(coding, body) {
  if (coding === undefined) return body;
  if (coding === 'gzip') return zlib.gunzipSync(body);
  if (coding === 'br') return zlib.brotliDecompressSync(body);
  if (coding === 'deflate') return zlib.inflateSync(body);
  return offload.decompressSync(body, { codec: coding });
}

const NO_COMPRESSION = [
  ['no Accept-Encoding', {}],
  ['gzip;q=0', { 'Accept-Encoding': 'gzip;q=0' }],
  ['identity', { 'Accept-Encoding': 'identity' }],
  ['garbage', { 'Accept-Encoding': '%%, ;;q=x, nope' }],
];

const bigRoutes = (app) => {
  app.use('/static', express.static(fixtureDir));
  app.get('/sendfile', (req, res) => res.sendFile(path.join(fixtureDir, 'big.png')));
  app.get('/pipe', (req, res) => {
    res.type('text');
    let at = 0;
    new Readable({
      read() {
        this.push(at < TEXT_BODY.length ? TEXT_BODY.subarray(at, at += 64 * 1024) : null);
      },
    }).pipe(res);
  });
  app.get('/drainloop', (req, res) => {
    res.type(req.query.type || 'text');
    const body = req.query.type ? PNG_BODY : TEXT_BODY;
    let at = 0;
    const next = () => {
      while (at < body.length) {
        const ok = res.write(body.subarray(at, at += 32 * 1024));
        if (!ok) return res.once('drain', next);
      }
      res.end();
    };
    next();
  });
};

test('compress_middleware_static_and_sendfile_png_under_backpressure', { timeout: 60000 }, async () => {
  await withApp(bigRoutes, async (server) => {
    for (const url of ['/static/big.png', '/sendfile']) {
      const r = await slowGet(server, url, { 'Accept-Encoding': 'gzip, br, zstd' });
      assert.strictEqual(r.status, 200, url);
      assert.strictEqual(r.headers['content-encoding'], undefined, url);
      assert.strictEqual(r.body.length, PNG_BODY.length, url);
      assert.ok(r.body.equals(PNG_BODY), url);
    }
  });
});

test('compress_middleware_uncompressed_streams_under_backpressure', { timeout: 120000 }, async () => {
  await withApp(bigRoutes, async (server) => {
    for (const [name, headers] of NO_COMPRESSION) {
      for (const url of ['/static/big.txt', '/pipe', '/drainloop']) {
        const r = await slowGet(server, url, headers);
        assert.strictEqual(r.status, 200, `${name} ${url}`);
        assert.strictEqual(r.headers['content-encoding'], undefined, `${name} ${url}`);
        assert.strictEqual(r.body.length, TEXT_BODY.length, `${name} ${url}`);
        assert.ok(r.body.equals(TEXT_BODY), `${name} ${url}`);
      }
    }
    const r = await slowGet(server, '/drainloop?type=png', { 'Accept-Encoding': 'gzip' });
    assert.strictEqual(r.headers['content-encoding'], undefined);
    assert.ok(r.body.equals(PNG_BODY));
  });
});

test('compress_middleware_compressed_streams_under_backpressure', { timeout: 120000 }, async () => {
  await withApp(bigRoutes, async (server) => {
    for (const coding of ['gzip', 'zstd']) {
      for (const url of ['/static/big.txt', '/pipe', '/drainloop']) {
        const r = await slowGet(server, url, { 'Accept-Encoding': coding });
        assert.strictEqual(r.headers['content-encoding'], coding, url);
        assert.ok(decode(coding, r.body).equals(TEXT_BODY), `${coding} ${url}`);
      }
    }
  });
});

test('compress_middleware_once_drain_fires_once', { timeout: 120000 }, async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  const seen = [];
  const app = (a) => a.get('/once', (req, res) => {
    res.type('text');
    const early = { calls: 0, removed: 0, listenerCounts: [] };
    seen.push(early);
    // Before any write, so before compression is decided.
    res.once('drain', () => { early.calls++; });
    const gone = () => { early.removed++; };
    res.once('drain', gone);
    res.off('drain', gone);
    res.prependOnceListener('drain', () => { early.calls++; });
    const body = Buffer.concat([TEXT_BODY, TEXT_BODY, TEXT_BODY, TEXT_BODY, TEXT_BODY]);
    let at = 0;
    const next = () => {
      early.listenerCounts.push(res.listenerCount('drain'));
      while (at < body.length) {
        if (!res.write(body.subarray(at, at += 64 * 1024))) return res.once('drain', next);
      }
      res.end();
    };
    next();
  });
  try {
    await withApp(app, async (server) => {
      for (const headers of [{ 'Accept-Encoding': 'gzip' }, {}]) {
        const r = await slowGet(server, '/once', headers);
        const want = Buffer.concat([TEXT_BODY, TEXT_BODY, TEXT_BODY, TEXT_BODY, TEXT_BODY]);
        assert.ok(decode(r.headers['content-encoding'], r.body).equals(want));
        const s = seen.pop();
        assert.ok(s.listenerCounts.length > 2, 'the response never needed a drain');
        assert.strictEqual(s.calls, 2, JSON.stringify(headers));
        assert.strictEqual(s.removed, 0);
        // The loop's own once('drain') is gone before it re-adds itself.
        assert.ok(s.listenerCounts.slice(1).every((n) => n === 0), String(s.listenerCounts));
      }
    });
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('compress_middleware_accepts_x_gzip', async () => {
  await withApp(routes, async (server) => {
    for (const accept of ['x-gzip', 'x-gzip;q=0.8, identity;q=0.1', 'X-GZIP']) {
      const { res, body } = await get(server, '/json', { 'accept-encoding': accept });
      assert.strictEqual(res.headers['content-encoding'], 'gzip', accept);
      assert.deepStrictEqual(JSON.parse(zlib.gunzipSync(body)), { log: BODY });
    }
    const { res } = await get(server, '/json', { 'accept-encoding': 'x-gzip;q=0' });
    assert.strictEqual(res.headers['content-encoding'], undefined);
  });
});

test('compress_middleware_range_response_not_compressed', async () => {
  await withApp(bigRoutes, async (server) => {
    const { res, body } = await get(server, '/static/big.txt',
      { 'accept-encoding': 'gzip', range: 'bytes=1000-200999' });
    assert.strictEqual(res.statusCode, 206);
    assert.strictEqual(res.headers['content-encoding'], undefined);
    assert.strictEqual(res.headers['content-range'], `bytes 1000-200999/${TEXT_BODY.length}`);
    assert.ok(body.equals(TEXT_BODY.subarray(1000, 201000)));
  });
});

test('compress_middleware_304_has_vary', async () => {
  await withApp((app) => {
    bigRoutes(app);
    routes(app);
  }, async (server) => {
    for (const url of ['/static/big.txt', '/json']) {
      const first = await get(server, url, { 'accept-encoding': 'gzip' });
      const etag = first.res.headers.etag;
      assert.ok(etag, url);
      const { res } = await get(server, url, { 'accept-encoding': 'gzip', 'if-none-match': etag });
      assert.strictEqual(res.statusCode, 304, url);
      assert.match(res.headers.vary || '', /Accept-Encoding/, url);
    }
  });
});
