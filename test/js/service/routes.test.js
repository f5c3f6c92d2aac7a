'use strict';
// The reference service (examples/service) with a real HTTP client: every
// route, both variants where they differ.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const zlib = require('node:zlib');
const offload = require('../../..');
const { createService } = require('../../../examples/service/service');
const { score } = require('../../../examples/service/score_task');
const { uploadBody, thumbnailBody } = require('../../../examples/service/payloads');

async function start(t, options) {
  const service = await createService(options);
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await service.close();
  });
  return { service, base, server };
}

// A raw request, for bodies fetch cannot send (a declared length that
// lies, a client that goes away mid-body).
function request(base, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const waitFor = async (fn, ms = 5000) => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

for (const variant of ['offload', 'naive']) {
  test(`service_${variant}_upload_hashes_and_stores`, async (t) => {
    const { base, service } = await start(t, { variant });
    const body = uploadBody(1 << 20);
    const res = await fetch(`${base}/upload`, { method: 'POST', body });
    assert.strictEqual(res.status, 200);
    const j = await res.json();
    assert.strictEqual(j.sha256, crypto.createHash('sha256').update(body).digest('hex'));
    assert.strictEqual(j.bytes, body.length);
    assert.ok(j.storedBytes > 0 && j.storedBytes < body.length / 2, String(j.storedBytes));
    const files = fs.readdirSync(service.dir);
    assert.strictEqual(files.length, 1);
    const stored = fs.readFileSync(`${service.dir}/${files[0]}`);
    assert.strictEqual(stored.length, j.storedBytes);
    // Both variants store a standard stream the zstd/zlib tools read.
    const raw = variant === 'offload' || typeof zlib.zstdDecompressSync === 'function' ?
      offload.decompressSync(stored, { codec: 'auto' }) : zlib.inflateSync(stored);
    assert.ok(raw.equals(body));
  });

  test(`service_${variant}_report_compressed_per_accept_encoding`, async (t) => {
    const { base } = await start(t, { variant });
    const plain = await request(base, '/report');
    const doc = JSON.parse(plain.body);
    assert.strictEqual(doc.rows.length, 5000);
    for (const [enc, inflate] of [['gzip', zlib.gunzipSync], ['br', zlib.brotliDecompressSync],
      ['deflate', zlib.inflateSync]]) {
      const r = await request(base, '/report', { headers: { 'accept-encoding': enc } });
      assert.strictEqual(r.res.headers['content-encoding'], enc);
      assert.ok(r.body.length < plain.body.length / 4);
      assert.deepStrictEqual(JSON.parse(inflate(r.body)), doc);
    }
  });

  test(`service_${variant}_thumbnail_resizes_raw_rgba`, async (t) => {
    const { base } = await start(t, { variant });
    const img = thumbnailBody(640, 480);
    const res = await fetch(`${base}/thumbnail?width=640&height=480&size=160`,
      { method: 'POST', body: img.data });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('x-width'), '160');
    assert.strictEqual(res.headers.get('x-height'), '120');
    const out = Buffer.from(await res.arrayBuffer());
    assert.strictEqual(out.length, 160 * 120 * 4);
    // Opaque in, opaque out; the gradient survives (left dark, right bright).
    assert.strictEqual(out[3], 255);
    assert.ok(out[(60 * 160 + 150) * 4] > out[(60 * 160 + 5) * 4] + 100);
  });

  test(`service_${variant}_score_matches_the_function`, async (t) => {
    const { base } = await start(t, { variant });
    const res = await fetch(`${base}/score`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: '{"seed":11,"paths":300}' });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(await res.json(), score({ seed: 11, paths: 300 }));
  });
}

test('service_upload_over_the_limit_is_413_and_leaves_no_file', async (t) => {
  const { base, service } = await start(t, { uploadLimit: 64 * 1024 });
  const declared = await request(base, '/upload', { method: 'POST',
    headers: { 'content-length': String(1 << 20) }, body: Buffer.alloc(0) })
    .catch((err) => ({ err }));
  if (declared.res) assert.strictEqual(declared.res.statusCode, 413);
  // Chunked, so only counting the bytes can tell.
  const chunked = await request(base, '/upload', { method: 'POST',
    headers: { 'transfer-encoding': 'chunked' }, body: Buffer.alloc(200 * 1024, 1) });
  assert.strictEqual(chunked.res.statusCode, 413);
  assert.strictEqual(JSON.parse(chunked.body).error, 'PAYLOAD_TOO_LARGE');
  await waitFor(() => fs.readdirSync(service.dir).length === 0);
});

test('service_upload_client_abort_removes_the_partial_file', async (t) => {
  const { base, service } = await start(t);
  const req = http.request(`${base}/upload`, { method: 'POST',
    headers: { 'content-length': String(8 << 20) } });
  req.on('error', () => {});
  req.write(Buffer.alloc(1 << 20, 7));
  await waitFor(() => fs.readdirSync(service.dir).length === 1);
  req.destroy();
  await waitFor(() => fs.readdirSync(service.dir).length === 0);
  // The service goes on serving.
  const res = await fetch(`${base}/upload`, { method: 'POST', body: 'x' });
  assert.strictEqual(res.status, 200);
});

test('service_thumbnail_rejects_bad_queries_and_bodies', async (t) => {
  const { base } = await start(t);
  for (const q of ['', '?width=0&height=4', '?width=4.5&height=4', '?width=4&height=99999',
    '?width=4&height=4&size=0']) {
    const res = await fetch(`${base}/thumbnail${q}`, { method: 'POST', body: Buffer.alloc(64) });
    assert.strictEqual(res.status, 400, q);
    assert.strictEqual((await res.json()).error, 'ERR_INVALID_QUERY');
  }
  const short = await fetch(`${base}/thumbnail?width=4&height=4`, { method: 'POST', body: Buffer.alloc(10) });
  assert.strictEqual(short.status, 400);
  assert.strictEqual((await short.json()).error, 'ERR_BODY_SIZE');
  const long = await fetch(`${base}/thumbnail?width=4&height=4`, { method: 'POST', body: Buffer.alloc(100) });
  assert.strictEqual(long.status, 413);
});

test('service_score_cancelled_when_the_client_goes_away', async (t) => {
  const { base, service } = await start(t, { threads: 1 });
  const req = http.request(`${base}/score`, { method: 'POST',
    headers: { 'content-type': 'application/json' } });
  req.on('error', () => {});
  req.end('{"paths":100000,"steps":1000}'); // ~10 s of work
  await waitFor(() => service.work.pool.utilization > 0 ||
    service.work.pool.threads.length > 0);
  await new Promise((r) => setTimeout(r, 100));
  req.destroy();
  // The pool is free again long before the task would have finished.
  const started = Date.now();
  const res = await fetch(`${base}/score`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: '{"paths":10}' });
  assert.strictEqual(res.status, 200);
  assert.ok(Date.now() - started < 5000);
});

test('service_downstream_breaker_opens_503_and_recovers', async (t) => {
  const { base } = await start(t, { resetTimeout: 300 });
  let res = await fetch(`${base}/downstream`);
  assert.strictEqual(res.status, 200);
  assert.strictEqual(typeof (await res.json()).price, 'number');
  res = await fetch(`${base}/admin/chaos`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: '{"failureRate":1,"latencyMs":1}' });
  assert.deepStrictEqual(await res.json(), { failureRate: 1, latencyMs: 1 });
  // Failures get the fallback until the breaker trips; then 503.
  let sawFallback = false;
  await waitFor(async () => {
    const r = await fetch(`${base}/downstream`);
    if (r.status === 200) sawFallback = (await r.json()).fallback === true || sawFallback;
    else if (r.status === 503) {
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      await r.text();
      return true;
    } else await r.text();
    return false;
  });
  assert.ok(sawFallback);
  const health = await (await fetch(`${base}/health`)).json();
  assert.strictEqual(health.breakers.find((b) => b.name === 'downstream').state, 'open');
  await fetch(`${base}/admin/chaos`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: '{"failureRate":0}' });
  await waitFor(async () => {
    const r = await fetch(`${base}/downstream`);
    if (r.status !== 200) return (await r.text(), false);
    return (await r.json()).fallback !== true;
  });
});

test('service_admin_chaos_validates', async (t) => {
  const { base } = await start(t);
  for (const body of ['{"failureRate":2}', '{"failureRate":-1}', '{"latencyMs":"x"}']) {
    const res = await fetch(`${base}/admin/chaos`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body });
    assert.strictEqual(res.status, 400, body);
  }
});

test('service_health_and_metrics', async (t) => {
  // A loaded CI machine may see a slow second; this test is about content.
  const { base } = await start(t, { unhealthyLoopP99: 60000 });
  await fetch(`${base}/upload`, { method: 'POST', body: uploadBody(300000) });
  await (await fetch(`${base}/report`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 1100)); // one loop-delay sample
  const res = await fetch(`${base}/health?recent=1`);
  assert.strictEqual(res.status, 200);
  const h = await res.json();
  assert.strictEqual(h.status, 'ok');
  assert.strictEqual(h.variant, 'offload');
  for (const k of ['p50', 'p99', 'max']) assert.strictEqual(typeof h.loop[k], 'number');
  assert.ok(h.recent.length >= 1);
  assert.ok(h.executor.completed >= 1);
  assert.strictEqual(typeof h.pool.utilization, 'number');
  assert.ok(h.breakers.some((b) => b.name === 'downstream'));
  const text = await (await fetch(`${base}/metrics`)).text();
  for (const m of ['offload_executor_threads', 'offload_executor_wait_seconds_bucket{le="0.00001"}',
    '# TYPE offload_executor_run_seconds histogram', 'offload_executor_run_seconds_bucket{le="0.025"}',
    'offload_pool_utilization', 'offload_breaker_state{name="downstream"} 0',
    'service_event_loop_delay_seconds', 'http_request_duration_seconds_bucket',
    'route="/upload"', 'nodejs_eventloop_lag_seconds',
    'offload_task_duration_seconds_count{module="codec",operation="compress",route="/report"}']) {
    assert.ok(text.includes(m), m);
  }
  // The executor histograms count tasks: the upload and the report ran some.
  const num = (re) => Number(text.match(re)[1]);
  for (const what of ['wait', 'run']) {
    const count = num(new RegExp(`^offload_executor_${what}_seconds_count (\\S+)$`, 'm'));
    const inf = num(new RegExp(`^offload_executor_${what}_seconds_bucket\\{le="\\+Inf"\\} (\\S+)$`, 'm'));
    const sum = num(new RegExp(`^offload_executor_${what}_seconds_sum (\\S+)$`, 'm'));
    assert.ok(count >= 1, `${what} count ${count}`);
    assert.strictEqual(inf, count, what);
    assert.ok(sum > 0, `${what} sum ${sum}`);
    assert.ok(count >= h.executor.completed, `${what} ${count} < ${h.executor.completed}`);
  }
});

test('service_health_503_when_the_loop_is_slow', async (t) => {
  const { base } = await start(t, { unhealthyLoopP99: 0, loopInterval: 100 });
  await new Promise((r) => setTimeout(r, 200)); // the monitor's timer runs
  const spin = Date.now() + 50;
  while (Date.now() < spin); // a 50 ms stall
  await new Promise((r) => setTimeout(r, 250));
  const res = await fetch(`${base}/health`);
  assert.strictEqual(res.status, 503);
  const h = await res.json();
  assert.strictEqual(h.status, 'unhealthy');
  assert.ok(h.loop.max >= 30, String(h.loop.max));
});

test('service_health_503_while_draining', async (t) => {
  const { base, service } = await start(t);
  service.setReady(false);
  const res = await fetch(`${base}/health`);
  assert.strictEqual(res.status, 503);
  assert.strictEqual((await res.json()).status, 'draining');
});

for (const variant of ['offload', 'naive']) {
  test(`service_${variant}_signup_and_login`, async (t) => {
    const { base } = await start(t, { variant });
    const post = (route, body) => fetch(`${base}${route}`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let res = await post('/signup', { username: 'ada', password: 'analytical engine' });
    assert.strictEqual(res.status, 201);
    assert.deepStrictEqual(await res.json(), { username: 'ada' });
    res = await post('/signup', { username: 'ada', password: 'another one!' });
    assert.strictEqual(res.status, 409);
    res = await post('/login', { username: 'ada', password: 'analytical engine' });
    assert.strictEqual(res.status, 200);
    res = await post('/login', { username: 'ada', password: 'difference engine' });
    assert.strictEqual(res.status, 401);
    res = await post('/login', { username: 'bob', password: 'analytical engine' });
    assert.strictEqual(res.status, 401);
    for (const bad of [{}, { username: 'x' }, { username: 'a b', password: 'long enough' },
      { username: 'ok', password: 'short' }, { username: 'ok', password: 1234567890 }]) {
      res = await post('/signup', bad);
      assert.strictEqual(res.status, 400, JSON.stringify(bad));
      assert.strictEqual((await res.json()).error, 'ERR_CREDENTIALS');
    }
  });
}

test('service_thumbnail_watermark_matches_between_variants', async (t) => {
  const img = thumbnailBody(320, 240);
  const outs = [];
  for (const variant of ['offload', 'naive']) {
    const { base } = await start(t, { variant });
    const res = await fetch(`${base}/thumbnail?width=320&height=240&size=128&watermark=1`,
      { method: 'POST', body: img.data });
    assert.strictEqual(res.status, 200);
    outs.push(Buffer.from(await res.arrayBuffer()));
  }
  // The corner is the watermark's white stripe in both: bright, opaque.
  for (const out of outs) {
    const corner = ((4 + 2) * 128 + (128 - 64 - 4 + 2)) * 4;
    // 160/255 of white over the gradient's top-right corner.
    assert.ok(out[corner] > 150 && out[corner + 1] > 150, JSON.stringify([...out.subarray(corner, corner + 4)]));
    assert.strictEqual(out[corner + 3], 255);
  }
  // Different kernels (lanczos3 + a Gaussian unsharp mask vs bilinear + a
  // 3×3 kernel), the same picture: a small mean difference.
  let sum = 0;
  for (let i = 0; i < outs[0].length; i++) sum += Math.abs(outs[0][i] - outs[1][i]);
  assert.ok(sum / outs[0].length < 12, String(sum / outs[0].length));
});
