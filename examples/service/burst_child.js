'use strict';
// Child of burst.js: drives the service at 127.0.0.1:<port> for <seconds>.
const autocannon = require('autocannon');
const { uploadBody, thumbnailBody } = require('./payloads');

const [port, seconds] = process.argv.slice(2).map(Number);
const thumb = thumbnailBody(1024, 768);
autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: 24,
  duration: seconds,
  requests: [
    { method: 'POST', path: '/upload', body: uploadBody(1 << 20) },
    { method: 'POST', path: `/thumbnail?width=${thumb.width}&height=${thumb.height}`, body: thumb.data },
    { method: 'POST', path: '/score', headers: { 'content-type': 'application/json' }, body: '{"seed":3}' },
  ],
}, () => process.exit(0));
