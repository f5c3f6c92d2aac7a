'use strict';
// The reference Express service. createService({ variant }) builds it with
// offload ('offload', the default) or without ('naive': the same work on
// the event loop, for the demo's side-by-side run).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const express = require('express');
const offload = require('../..'); // in your app: require('offload')
const { LoopMonitor } = require('./loop_monitor');
const { startFlaky } = require('./flaky');
const { createMetrics } = require('./metrics');
const { readBody, BodyBuffers } = require('./limit');
const { startBurst } = require('./burst');

const MAX_THUMB_SIDE = 8192;

// A report of `rows` rows: what a dashboard API returns, large and
// repetitive enough that compression matters.
function buildReport(rows = 5000) {
  const regions = ['eu-west', 'us-east', 'ap-south', 'sa-east'];
  const out = [];
  for (let i = 0; i < rows; i++) {
    out.push({
      id: i, region: regions[i % 4], day: `2026-11-${String(1 + (i % 30)).padStart(2, '0')}`,
      orders: (i * 7919) % 1000, revenue: ((i * 104729) % 100000) / 100,
      status: i % 13 === 0 ? 'delayed' : 'ok',
    });
  }
  return { generated: new Date(0).toISOString(), rows: out };
}

function intQuery(value, name, min, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw Object.assign(new Error(`query "${name}" must be an integer between ${min} and ${max}`),
      { status: 400, code: 'ERR_INVALID_QUERY' });
  }
  return n;
}

/**
 * @param {object} [options]
 * @param {'offload'|'naive'} [options.variant]
 * @param {string} [options.dir] where uploads are stored (a fresh temp dir)
 * @param {number} [options.uploadLimit] bytes (64 MiB)
 * @param {number} [options.threads] pool threads
 * @param {number} [options.niceIncrement] the pool's workers' (0)
 * @param {number} [options.resetTimeout] the downstream breaker's (5000 ms)
 * @param {number} [options.loopInterval] ms per loop-delay point (1000)
 * @param {number} [options.unhealthyLoopP99] /health answers 503 past this
 *   event-loop delay p99 (100 ms)
 */
async function createService(options = {}) {
  const variant = options.variant || 'offload';
  const ownDir = options.dir === undefined;
  const dir = ownDir ?
    fs.mkdtempSync(path.join(os.tmpdir(), 'offload-service-')) : options.dir;
  const uploadLimit = options.uploadLimit || 64 * 1024 * 1024;
  const unhealthyLoopP99 = options.unhealthyLoopP99 === undefined ? 100 :
    options.unhealthyLoopP99;
  const flaky = await startFlaky({ failureRate: 0, latencyMs: 5 });
  const { createWork } = require(variant === 'naive' ?
    './work_naive' : './work_offload');
  const work = createWork({
    downstreamUrl: flaky.url, threads: options.threads,
    niceIncrement: options.niceIncrement,
    resetTimeout: options.resetTimeout,
  });
  const monitor = new LoopMonitor({ interval: options.loopInterval });
  const metrics = createMetrics({ offload, work, monitor });
  // Serialized once, as a service caches a document that changes rarely;
  // both variants do so, so the demo compares the compression, not
  // JSON.stringify (and Express's sha1 ETag) of 0.5 MB per request.
  const report = buildReport();
  const reportBody = Buffer.from(JSON.stringify(report));
  const reportTag = `W/"${crypto.createHash('sha1').update(reportBody).digest('base64url')}"`;
  let ready = true;

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.timing);

  app.get('/', (req, res) => {
    res.sendFile(path.join(__dirname, 'dashboard.html'));
  });

  app.post('/upload', async (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (declared > uploadLimit) {
      res.status(413).json({ error: 'PAYLOAD_TOO_LARGE', limit: uploadLimit });
      req.resume();
      return;
    }
    const file = path.join(dir, `upload-${crypto.randomUUID()}.bin`);
    try {
      res.json(await work.storeUpload(req, file, uploadLimit));
    } catch (err) {
      // Client gone, body too large or disk error: no partial file stays.
      await fs.promises.rm(file, { force: true });
      if (res.headersSent || err.code === 'ECONNRESET') return;
      if (err.status === 413) {
        res.status(413).set('connection', 'close')
          .json({ error: 'PAYLOAD_TOO_LARGE', limit: uploadLimit });
        return;
      }
      next(err);
    }
  });

  app.get('/report', work.compression(), (req, res) => {
    res.type('json').set('etag', reportTag).send(reportBody);
  });

  const frames = new BodyBuffers();
  app.post('/thumbnail', async (req, res, next) => {
    try {
      const width = intQuery(req.query.width, 'width', 1, MAX_THUMB_SIDE);
      const height = intQuery(req.query.height, 'height', 1, MAX_THUMB_SIDE);
      const size = req.query.size === undefined ? 256 :
        intQuery(req.query.size, 'size', 1, 2048);
      const expected = width * height * 4;
      const data = await readBody(req, expected, frames);
      try {
        if (data.length !== expected) {
          res.status(400).json({ error: 'ERR_BODY_SIZE', expected, received: data.length });
          return;
        }
        const watermark = req.query.watermark === '1';
        const out = await work.thumbnail({ data, width, height, channels: 4 }, size, { watermark });
        res.set({ 'content-type': 'application/octet-stream',
          'x-width': String(out.width), 'x-height': String(out.height),
          'x-channels': String(out.channels) });
        res.end(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
      } finally {
        frames.give(data); // the thumbnail no longer reads it
      }
    } catch (err) {
      next(err);
    }
  });

  app.post('/score', express.json({ limit: '16kb' }), async (req, res, next) => {
    // The task's signal follows the client: a caller that goes away
    // cancels its work instead of leaving it to run for nobody.
    const ac = new AbortController();
    const onClose = () => { if (!res.writableFinished) ac.abort(); };
    res.once('close', onClose);
    try {
      res.json(await work.score(req.body || {}, ac.signal));
    } catch (err) {
      if (ac.signal.aborted) return;
      next(err);
    } finally {
      res.off('close', onClose);
    }
  });

  // An in-memory user store: username -> encoded password hash.
  const users = new Map();
  let dummyHash = null; // verified for unknown users, so timing tells nothing
  const credentials = (body) => {
    const { username, password } = body || {};
    if (typeof username !== 'string' || !/^[\w.@-]{1,64}$/.test(username) ||
        typeof password !== 'string' || password.length < 8 || password.length > 64) {
      throw Object.assign(new Error('username (1-64 of [A-Za-z0-9_.@-]) and ' +
        'password (8-64 characters) are required'), { status: 400, code: 'ERR_CREDENTIALS' });
    }
    return { username, password };
  };

  app.post('/signup', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const { username, password } = credentials(req.body);
      if (users.has(username)) {
        res.status(409).json({ error: 'ERR_USER_EXISTS' });
        return;
      }
      users.set(username, null); // reserved while hashing
      try {
        users.set(username, await work.hashPassword(password));
      } catch (err) {
        users.delete(username);
        throw err;
      }
      res.status(201).json({ username });
    } catch (err) {
      next(err);
    }
  });

  app.post('/login', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const { username, password } = credentials(req.body);
      const stored = users.get(username);
      if (!stored) {
        dummyHash = dummyHash || await work.hashPassword('not a password');
        await work.verifyPassword(dummyHash, password);
        res.status(401).json({ error: 'ERR_LOGIN' });
        return;
      }
      if (await work.verifyPassword(stored, password)) res.json({ username });
      else res.status(401).json({ error: 'ERR_LOGIN' });
    } catch (err) {
      next(err);
    }
  });

  const guard = work.breaker ? offload.express.shed(work.breaker) :
    (req, res, next) => next();
  app.get('/downstream', guard, async (req, res, next) => {
    try {
      res.json(await work.downstream());
    } catch (err) {
      if (err.code === 'ERR_DOWNSTREAM') {
        res.status(502).json({ error: err.code });
        return;
      }
      next(err);
    }
  });

  app.post('/admin/chaos', express.json(), (req, res) => {
    const b = req.body || {};
    const rate = Number(b.failureRate);
    const latency = Number(b.latencyMs);
    if (b.failureRate !== undefined) {
      if (!(rate >= 0 && rate <= 1)) {
        res.status(400).json({ error: 'failureRate must be between 0 and 1' });
        return;
      }
      flaky.chaos.failureRate = rate;
    }
    if (b.latencyMs !== undefined) {
      if (!(latency >= 0 && latency <= 60000)) {
        res.status(400).json({ error: 'latencyMs must be between 0 and 60000' });
        return;
      }
      flaky.chaos.latencyMs = latency;
    }
    res.json(flaky.chaos);
  });

  app.post('/admin/burst', express.json(), (req, res) => {
    const seconds = Math.min(30, Math.max(1, Number((req.body || {}).seconds) || 10));
    const port = req.socket.localPort;
    res.status(202).json(startBurst(port, seconds));
  });

  app.get('/health', (req, res) => {
    const loop = monitor.summary(10);
    const breakers = offload.breakers.getAll().map((b) => ({
      name: b.name, state: b.state, stats: b.stats,
    }));
    const shedding = breakers.some((b) => b.name === 'offload.shed' &&
      b.state === 'open');
    const pool = work.pool && {
      threads: work.pool.threads.length, queueSize: work.pool.queueSize,
      utilization: work.pool.utilization, completed: work.pool.completed,
      waitTime: work.pool.waitTime, runTime: work.pool.runTime,
    };
    const healthy = ready && loop.p99 <= unhealthyLoopP99 && !shedding;
    res.status(healthy ? 200 : 503).json({
      status: !ready ? 'draining' : healthy ? 'ok' : 'unhealthy',
      variant, loop,
      recent: req.query.recent === undefined ? undefined : monitor.recent(120),
      executor: offload.stats(), pool, breakers, shedding,
      memory: { rss: process.memoryUsage.rss() },
    });
  });

  app.get('/metrics', async (req, res, next) => {
    try {
      res.set('content-type', metrics.register.contentType);
      res.end(await metrics.register.metrics());
    } catch (err) {
      next(err);
    }
  });

  // JSON errors with the error's code; never a stack to the client.
  app.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
    if (err.code === 'ECONNRESET' || req.destroyed) return; // nobody to answer
    // A full queue or an open shed breaker is load shedding: 503, retry.
    const shed = err.code === 'CIRCUIT_OPEN' || err.code === 'ERR_OFFLOAD_QUEUE_FULL';
    const status = err.status || err.statusCode || (shed ? 503 : 500);
    if (shed) res.set('retry-after', '1');
    if (status >= 500) console.error(err);
    if (!res.headersSent) res.status(status).json({ error: err.code || 'ERR_INTERNAL' });
  });

  return {
    app, variant, work, flaky, monitor, dir,
    setReady(v) { ready = v; },
    async close() {
      monitor.close();
      metrics.close();
      await work.close();
      await flaky.close();
      if (ownDir) await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { createService, buildReport };
