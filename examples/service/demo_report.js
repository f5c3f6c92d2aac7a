'use strict';
// The demo's output: a text table per scenario, a one-line verdict, and
// docs/demo.md and docs/demo.svg (event-loop delay over time, both
// variants, one panel per scenario).
const { SCENARIOS } = require('./scenarios');

const COLUMNS = [
  ['variant', (v, r) => v],
  ['req/s', (v, r) => r.rps.toFixed(0)],
  ['p50 ms', (v, r) => String(r.p50)],
  ['p99 ms', (v, r) => String(r.p99)],
  ['/health p99 ms', (v, r) => r.healthP99.toFixed(1)],
  ['idle /health p99 ms', (v, r) => r.floorP99.toFixed(1)],
  ['loop p99 ms', (v, r) => r.loopP99.toFixed(1)],
  ['loop max ms', (v, r) => r.loopMax.toFixed(1)],
  ['non-2xx', (v, r) => String(r.non2xx)],
  ['errors', (v, r) => String(r.errors + r.timeouts)],
];

function rows(byVariant) {
  return Object.entries(byVariant).map(([v, r]) => COLUMNS.map(([, f]) => f(v, r)));
}

function table(byVariant) {
  const head = COLUMNS.map(([h]) => h);
  const body = rows(byVariant);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) :
    c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

const ratio = (a, b) => (b > 0 ? a / b : Infinity);
const fmt = (x) => (x === Infinity ? '∞' : x >= 10 ? x.toFixed(0) : x.toFixed(1));

function verdict(name, { offload: o, naive: n }) {
  const health = ratio(n.healthP99, o.healthP99);
  const rps = ratio(o.rps, n.rps);
  let s = `/health p99 ${o.healthP99.toFixed(1)} ms with offload vs ` +
    `${n.healthP99.toFixed(1)} ms naive (${fmt(health)}× better); ` +
    `${fmt(rps)}× the req/s`;
  if (name === 'flaky') {
    s += `; the breaker answered ${o.non2xx} requests at once (503 or ` +
      'fallback) instead of waiting on the failing dependency';
  }
  return s;
}

function renderMarkdown(results, meta) {
  const out = [
    '# Demo results',
    '',
    `\`npm run demo\` on ${meta.date}: Node ${meta.node}, ${meta.cpus} CPUs, ` +
    `${meta.seconds} s of autocannon load per variant and scenario, GET /health ` +
    'probed every 100 ms by a separate client; load average at the end ' +
    `${meta.loadavg}. "idle /health p99" probes the other variant's service, ` +
    'unloaded at the time, the same way: what the machine itself adds to ' +
    'any request (the floor of the column before it). "loop" columns are the ' +
    'service\'s own event-loop delay (a 10 ms timer\'s lateness, worst 250 ms ' +
    'interval). The naive variant does the same work on the event loop ' +
    '(node:crypto and node:zlib sync calls, the `compression` middleware, a ' +
    'pure-JS bilinear resize, the score function inline, no breaker).',
    '',
    '![event-loop delay over time](demo.svg)',
    '',
  ];
  for (const [name, byVariant] of Object.entries(results)) {
    out.push(`## ${SCENARIOS[name].title}`, '');
    out.push(`| ${COLUMNS.map(([h]) => h).join(' | ')} |`);
    out.push(`|${COLUMNS.map(() => '---').join('|')}|`);
    for (const r of rows(byVariant)) out.push(`| ${r.join(' | ')} |`);
    out.push('', verdict(name, byVariant) + '.', '');
  }
  return out.join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function renderSvg(results, meta) {
  const names = Object.keys(results);
  const W = 860;
  const PH = 170; // panel height
  const H = 60 + names.length * (PH + 30);
  const colour = { offload: '#3056d3', naive: '#c0392b' };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ` +
    `viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="20" y="26" font-size="16" font-weight="700">Event-loop delay under load ` +
    '(worst per 250 ms), offload vs naive</text>',
    `<text x="20" y="44" fill="#555">npm run demo, ${esc(meta.date)}, Node ${esc(meta.node)}, ` +
    `${meta.cpus} CPUs; ${meta.seconds} s per variant</text>`,
    `<rect x="${W - 220}" y="14" width="12" height="12" fill="${colour.offload}"/>` +
    `<text x="${W - 202}" y="25">offload</text>` +
    `<rect x="${W - 130}" y="14" width="12" height="12" fill="${colour.naive}"/>` +
    `<text x="${W - 112}" y="25">naive</text>`,
  ];
  names.forEach((name, k) => {
    const top = 60 + k * (PH + 30);
    const left = 60;
    const width = W - left - 20;
    const height = PH - 30;
    const all = Object.values(results[name]).flatMap((r) => r.loop.map((p) => p.max));
    const ymax = Math.max(5, ...all) * 1.1;
    const xmax = meta.seconds;
    parts.push(`<text x="20" y="${top + 12}" font-weight="600">${esc(SCENARIOS[name].title)}</text>`);
    for (let i = 0; i <= 4; i++) {
      const y = top + 20 + height * i / 4;
      const v = ymax * (4 - i) / 4;
      parts.push(`<line x1="${left}" y1="${y}" x2="${left + width}" y2="${y}" stroke="#e5e5e5"/>`,
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="#555">${v.toFixed(0)} ms</text>`);
    }
    parts.push(`<text x="${left + width}" y="${top + PH}" text-anchor="end" fill="#555">` +
      `${xmax} s</text>`, `<text x="${left}" y="${top + PH}" fill="#555">0 s</text>`);
    for (const [v, r] of Object.entries(results[name])) {
      const pts = r.loop.map((p) => {
        const x = left + width * Math.min(1, p.t / xmax);
        const y = top + 20 + height * (1 - p.max / ymax);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      });
      if (pts.length > 0) {
        parts.push(`<polyline fill="none" stroke="${colour[v]}" stroke-width="2" ` +
          `points="${pts.join(' ')}"/>`);
      }
    }
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

module.exports = { table, verdict, renderMarkdown, renderSvg };
