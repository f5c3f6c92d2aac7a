'use strict';
// The demo's scenarios: what autocannon sends, and what the service is
// asked to do before (setup) and after (teardown).
const { uploadBody, thumbnailBody } = require('./payloads');

const json = { 'content-type': 'application/json' };

const SCENARIOS = {
  uploads: {
    title: 'uploads: 1 MiB bodies hashed (sha256) and stored zstd-compressed, 50 connections',
    connections: 50,
    requests: () => [{ method: 'POST', path: '/upload', body: uploadBody(1 << 20) }],
  },
  reports: {
    title: 'reports: a 0.5 MB JSON report (serialized once), gzip per Accept-Encoding, 20 connections',
    connections: 20,
    requests: () => [{ method: 'GET', path: '/report',
      headers: { 'accept-encoding': 'gzip' } }],
  },
  thumbnails: {
    title: 'thumbnails: 1600×1200 raw RGBA resized to 256 wide, sharpened, watermarked, 10 connections',
    connections: 10,
    requests: () => {
      const img = thumbnailBody(1600, 1200);
      return [{ method: 'POST', path: '/thumbnail?width=1600&height=1200&size=256&watermark=1',
        body: img.data }];
    },
  },
  scores: {
    title: 'scores: a ~20 ms JavaScript risk score per request, 10 connections',
    connections: 10,
    requests: () => [{ method: 'POST', path: '/score', headers: json,
      body: '{"seed":3}' }],
  },
  flaky: {
    title: 'flaky dependency: 60% failures at 200 ms, 50 connections on /downstream at 400 req/s',
    connections: 50,
    overallRate: 400,
    chaos: { failureRate: 0.6, latencyMs: 200 },
    requests: () => [{ method: 'GET', path: '/downstream' }],
  },
};

module.exports = { SCENARIOS };
