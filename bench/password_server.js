'use strict';
// The login service bench/password.js drives: POST /login verifies a
// stored hash one of three ways; GET /health and GET /file (a small
// fs.readFile) are what a login storm must not slow down.
//   node bench/password_server.js offload|sync|threadpool <algorithm>
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const offload = require('..');

const [mode, algorithm] = process.argv.slice(2);
const PASSWORD = 'correct horse battery staple';
const file = path.join(os.tmpdir(), `offload-bench-file-${process.pid}`);
fs.writeFileSync(file, 'x'.repeat(4096));

async function main() {
  let check;
  if (algorithm === 'bcrypt') {
    const bcryptjs = require('bcryptjs');
    const stored = bcryptjs.hashSync(PASSWORD, 12);
    if (mode === 'offload') check = (pw) => offload.password.verify(stored, pw);
    else if (mode === 'sync') check = async (pw) => bcryptjs.compareSync(pw, stored);
    else throw new Error('bcrypt threadpool: the bcrypt package needs a download or a build here');
  } else {
    const argon2 = require('argon2');
    const opts = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
    const stored = await argon2.hash(PASSWORD, opts);
    if (mode === 'offload') check = (pw) => offload.password.verify(stored, pw);
    else if (mode === 'threadpool') check = (pw) => argon2.verify(stored, pw); // libuv's pool
    else check = async (pw) => offload.password.verifySync(stored, pw); // on the loop
  }
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.end('ok');
    } else if (req.url === '/file') {
      fs.readFile(file, (err, data) => res.end(err ? 'error' : String(data.length)));
    } else if (req.url === '/login') {
      check(PASSWORD).then((ok) => res.end(ok ? 'welcome' : 'no'),
        (err) => { res.statusCode = 503; res.end(err.code || 'error'); });
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
  process.on('SIGTERM', () => {
    fs.rmSync(file, { force: true });
    process.exit(0);
  });
}

main();
