'use strict';
// Express upload endpoint that hashes while it stores: the request body
// streams through offload.createHash('sha256') into a file, so the digest
// costs no second pass over the data and the event loop stays free for
// other requests (GET /ping) while large uploads run.
//
//   node examples/express/upload.js            # PORT=3000 by default
//   curl --data-binary @big.iso localhost:3000/upload
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const express = require('express');
const offload = require('../..'); // in your app: require('offload')

/**
 * Creates the app.
 * @param {object} [options]
 * @param {string} [options.dir] where uploads are written (os.tmpdir())
 * @returns {import('express').Express}
 */
function createApp({ dir = os.tmpdir() } = {}) {
  const app = express();

  app.get('/ping', (req, res) => {
    res.json({ ok: true });
  });

  app.post('/upload', async (req, res) => {
    const file = path.join(dir, `upload-${crypto.randomUUID()}.bin`);
    const hasher = offload.createHash('sha256');
    const out = fs.createWriteStream(file, { flags: 'wx' });
    try {
      await pipeline(req, hasher, out);
    } catch (err) {
      // Client went away or the disk failed: drop the partial file.
      await fs.promises.rm(file, { force: true });
      if (!res.headersSent && !req.destroyed) {
        res.status(500).json({ error: err.code || 'ERR_UPLOAD' });
      }
      return;
    }
    const sha256 = await hasher.digest('hex');
    res.json({ sha256, bytes: out.bytesWritten });
  });

  return app;
}

module.exports = { createApp };

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000;
  createApp().listen(port, () => {
    console.log(`upload example on http://localhost:${port} ` +
      `(POST /upload, GET /ping); files go to ${os.tmpdir()}`);
  });
}
