'use strict';
// gzip size against zlib at the same nominal level, on a corpus mix:
// `node bench/gzip_ratio.js`. Prints, per zlib level, each corpus's size
// difference for offload's one-shot (sync, and async with parallel blocks)
// and the worst of them. Corpora are built from files every Debian/Node
// machine has, plus generated JSON logs and CSV.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const offload = require('..');

function collect(dirs, re, max) {
  const out = [];
  let size = 0;
  const stack = [...dirs];
  while (stack.length > 0 && size < max) {
    const d = stack.pop();
    let ents;
    try {
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    ents.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of ents) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && re.test(e.name)) {
        const b = fs.readFileSync(p);
        out.push(b);
        size += b.length;
        if (size >= max) break;
      }
    }
  }
  return Buffer.concat(out).subarray(0, max);
}

function generated() {
  let seed = 3;
  const r = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const log = [];
  const csv = [];
  for (let i = 0, n = 0; n < 8 << 20; i++) {
    const l = `${JSON.stringify({
      ts: 1700000000000 + Math.floor(r() * 1e9),
      level: ['info', 'warn', 'error'][Math.floor(r() * 3)],
      latency: r() * 1000, id: Math.floor(r() * 2 ** 52),
      path: `/api/v1/items/${Math.floor(r() * 1e4)}`,
    })}\n`;
    log.push(l);
    n += l.length;
    if (i < 200000) {
      csv.push(`${i},${(r() * 1000).toFixed(2)},${['NY', 'SF', 'LA'][i % 3]},` +
        `${Math.floor(r() * 1e6)},2024-0${1 + (i % 9)}-1${i % 10}\n`);
    }
  }
  return { jsonlog: Buffer.from(log.join('')), csv: Buffer.from(csv.join('')) };
}

const root = path.join(__dirname, '..');
const corpora = {
  ...generated(),
  js: collect([path.join(root, 'node_modules')], /\.js$/, 8 << 20),
  css: collect(['/usr/share', path.join(root, 'node_modules')], /\.css$/, 4 << 20),
  html: collect(['/usr/share/doc', path.join(root, 'node_modules')], /\.html?$/, 8 << 20),
  text: collect(['/usr/share/common-licenses', '/usr/share/perl'], /(^[A-Z].*[^.]$|\.pod$)/, 4 << 20),
  binary: fs.readFileSync(process.execPath).subarray(0, 8 << 20),
};

(async () => {
  console.log(Object.entries(corpora).map(([k, v]) =>
    `${k} ${(v.length / 2 ** 20).toFixed(1)} MiB`).join(', '));
  for (const level of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    const cells = [];
    let worst = -Infinity;
    for (const [name, data] of Object.entries(corpora)) {
      if (data.length === 0) continue;
      const z = zlib.gzipSync(data, { level }).length;
      const s = offload.compressSync(data, { codec: 'gzip', level, parallel: false }).length;
      const a = (await offload.compress(data, { codec: 'gzip', level, parallel: true })).length;
      const ds = (s / z - 1) * 100;
      const da = (a / z - 1) * 100;
      worst = Math.max(worst, ds, da);
      cells.push(`${name} ${ds.toFixed(1)}/${da.toFixed(1)}`);
    }
    console.log(`level ${level}: worst ${worst.toFixed(1)}% | ${cells.join(' | ')}`);
  }
})();
