'use strict';
// A deliberately flaky dependency on its own loopback port: each request
// fails with probability `failureRate` (HTTP 500) and answers after
// `latencyMs`. POST /admin/chaos on the service changes both at run time.
const http = require('node:http');

function startFlaky({ failureRate = 0, latencyMs = 5 } = {}) {
  const chaos = { failureRate, latencyMs };
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    const fail = Math.random() < chaos.failureRate;
    setTimeout(() => {
      res.statusCode = fail ? 500 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(fail ? { error: 'flaky' } :
        { price: 42 + (served % 7), served }));
    }, chaos.latencyMs);
  });
  // Longer than any client's idle timeout: the client closes idle
  // sockets, so a request never races the server's close.
  server.keepAliveTimeout = 65000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        chaos,
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}

module.exports = { startFlaky };
