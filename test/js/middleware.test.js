'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const zlib = require('node:zlib');
const express = require('express');
const offload = require('../..');
const { logLines } = require('./fixtures/compress-data');

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
