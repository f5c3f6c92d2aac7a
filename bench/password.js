'use strict';
// Password hashing: per-hash time against the packages people use, then
// the login storm: autocannon -c 100 on POST /login while GET /health and
// a small fs.readFile are probed, for offload, a sync verify on the event
// loop, and the argon2 package (libuv's pool).
//   node bench/password.js [--rounds 5] [--seconds 10] [--only time|storm]
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const autocannon = require('autocannon');
const argon2 = require('argon2');
const bcryptjs = require('bcryptjs');
const offload = require('..');

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const ROUNDS = Number(arg('rounds', 5));
const SECONDS = Number(arg('seconds', 10));
const ONLY = arg('only', 'all');
const PW = 'correct horse battery staple';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeIt(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

function pythonBcrypt(cost, n) {
  try {
    return Number(execFileSync('/usr/bin/python3', ['-c', `
import bcrypt, time, statistics
s = bcrypt.gensalt(${cost})
t = []
for _ in range(${n}):
    a = time.perf_counter(); bcrypt.hashpw(b"${PW}", s); t.append((time.perf_counter() - a) * 1000)
print(statistics.median(t))`], { encoding: 'utf8' }));
  } catch {
    return NaN;
  }
}

async function perHash() {
  const a2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const rows = [
    ['argon2id m=19456 t=2 p=1', () => offload.password.hash(PW, a2), 'argon2 (npm)', () => argon2.hash(PW, a2)],
    ['argon2id m=65536 t=3 p=4', () => offload.password.hash(PW, { memoryCost: 65536, timeCost: 3, parallelism: 4 }),
      'argon2 (npm)', () => argon2.hash(PW, { memoryCost: 65536, timeCost: 3, parallelism: 4 })],
    ['scrypt N=2^17 r=8 p=1', () => offload.password.hash(PW, { algorithm: 'scrypt' }), 'crypto.scrypt',
      () => new Promise((res, rej) => crypto.scrypt(PW, crypto.randomBytes(16), 32,
        { N: 2 ** 17, r: 8, p: 1, maxmem: 2 ** 28 }, (e, k) => (e ? rej(e) : res(k))))],
    ['bcrypt cost 10', () => offload.password.hash(PW, { algorithm: 'bcrypt', cost: 10 }), 'bcryptjs',
      () => bcryptjs.hash(PW, 10)],
  ];
  console.log(`per-hash time, median of ${ROUNDS} (ms)`);
  console.log('| what | offload | peer | peer ms | offload / peer |');
  console.log('|---|---|---|---|---|');
  for (const [name, ours, peer, theirs] of rows) {
    await ours();
    await theirs();
    const o = await timeIt(ours, ROUNDS);
    const t = await timeIt(theirs, ROUNDS);
    console.log(`| ${name} | ${o.toFixed(1)} | ${peer} | ${t.toFixed(1)} | ${(o / t).toFixed(2)} |`);
  }
  const py = pythonBcrypt(10, ROUNDS);
  const o = await timeIt(() => offload.password.hash(PW, { algorithm: 'bcrypt', cost: 10 }), ROUNDS);
  console.log(`| bcrypt cost 10 | ${o.toFixed(1)} | Python bcrypt (C) | ${py.toFixed(1)} | ${(o / py).toFixed(2)} |`);
  // Wrong vs right password: the work is the same; report the medians.
  const h = await offload.password.hash(PW, { algorithm: 'bcrypt', cost: 8 });
  const right = await timeIt(() => offload.password.verify(h, PW), ROUNDS * 4);
  const wrong = await timeIt(() => offload.password.verify(h, `${PW}!`), ROUNDS * 4);
  console.log(`verify bcrypt cost 8: right ${right.toFixed(2)} ms, wrong ${wrong.toFixed(2)} ms (median of ${ROUNDS * 4})`);
}

function startServer(mode, algorithm) {
  const child = spawn(process.execPath, [path.join(__dirname, 'password_server.js'), mode, algorithm],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.on('data', (c) => {
      const m = /listening (\d+)/.exec(String(c));
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
  });
}

async function probe(url, stopAt) {
  const out = [];
  while (Date.now() < stopAt) {
    const t0 = performance.now();
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(30000) })).text();
    } catch {
      // refused or reset by a server that cannot keep up: counted at its wait
    }
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];

async function storm(mode, algorithm) {
  const { child, base } = await startServer(mode, algorithm);
  const idle = await probe(`${base}/file`, Date.now() + 1000);
  const stopAt = Date.now() + SECONDS * 1000;
  const load = autocannon({ url: `${base}/login`, connections: 100, duration: SECONDS, timeout: 30 });
  const [health, file, res] = await Promise.all([probe(`${base}/health`, stopAt),
    probe(`${base}/file`, stopAt), load]);
  child.kill('SIGTERM');
  return { mode, algorithm, rps: res.requests.average, health: p99(health),
    file: median(file), fileIdle: median(idle), errors: res.errors + res.timeouts + res.non2xx };
}

async function main() {
  console.log(`Node ${process.version}, ${require('os').cpus().length} CPUs, ` +
    `offload threads ${offload.stats().threads || require('os').availableParallelism()}`);
  if (ONLY !== 'storm') await perHash();
  if (ONLY === 'time') return;
  console.log(`\nlogin storm: autocannon -c 100 for ${SECONDS} s on POST /login, probes every 50 ms`);
  console.log('| login verify | req/s | /health p99 ms | fs.readFile median ms (idle) | ratio to idle | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const [mode, algorithm, label] of [
    ['offload', 'bcrypt', 'offload.password.verify, bcrypt 12'],
    ['sync', 'bcrypt', 'bcryptjs.compareSync, bcrypt 12 (event loop)'],
    ['offload', 'argon2id', 'offload.password.verify, argon2id defaults'],
    ['sync', 'argon2id', 'offload.password.verifySync, argon2id (event loop)'],
    ['threadpool', 'argon2id', 'argon2 (npm) verify, argon2id (libuv pool)'],
  ]) {
    const r = await storm(mode, algorithm);
    console.log(`| ${label} | ${r.rps.toFixed(1)} | ${r.health.toFixed(1)} | ${r.file.toFixed(2)} (${r.fileIdle.toFixed(2)}) | ` +
      `${(r.file / r.fileIdle).toFixed(1)}× | ${r.errors} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
