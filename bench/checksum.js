'use strict';
// Content checksums (zstd, lz4): the cost of the default against checksum: false,
// interleaved in one run, medians of 9. `node bench/checksum.js`
const o = require('..');
const { performance } = require('perf_hooks');
const data = Buffer.from(Array.from({ length: 400000 }, (_, i) =>
  `{"ts":${1700000000000 + i * 37},"id":${i},"lvl":"${['info','warn','error'][i % 3]}","v":${(i * 7919) % 100000}}\n`).join(''));
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
async function time(fn) { const t = performance.now(); await fn(); return performance.now() - t; }
(async () => {
  console.log('input MiB', (data.length / 1048576).toFixed(1));
  for (const codec of ['zstd', 'lz4']) {
    const r = { on: [], off: [], don: [], doff: [] };
    const con = o.compressSync(data, { codec }), coff = o.compressSync(data, { codec, checksum: false });
    for (let i = 0; i < 9; i++) {
      r.on.push(await time(() => o.compress(data, { codec })));
      r.off.push(await time(() => o.compress(data, { codec, checksum: false })));
      r.don.push(await time(() => o.decompress(con, { codec })));
      r.doff.push(await time(() => o.decompress(coff, { codec })));
    }
    const mb = data.length / 1e6;
    console.log(`${codec}: compress ${(mb / med(r.on) * 1e3).toFixed(0)} MB/s with checksum vs ${(mb / med(r.off) * 1e3).toFixed(0)} without (${(med(r.on) / med(r.off)).toFixed(2)}x time); decompress ${(mb / med(r.don) * 1e3).toFixed(0)} vs ${(mb / med(r.doff) * 1e3).toFixed(0)} MB/s (${(med(r.don) / med(r.doff)).toFixed(2)}x); size +${con.length - coff.length} B`);
  }
})();
