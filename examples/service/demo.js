'use strict';
// `npm run demo`: the reference service twice, with offload and as the
// naive variant (the same work on the event loop), each driven by
// autocannon from a child process while this process probes GET /health
// every 100 ms. Prints a table per scenario, writes docs/demo.md and
// docs/demo.svg.
//   npm run demo                 # every scenario, ~2 minutes
//   npm run demo -- --quick      # uploads only, ~30 s; output in a temp dir
//   npm run demo -- --seconds 5 --only uploads,scores --out /tmp/demo
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SCENARIOS } = require('./scenarios');
const { renderSvg, renderMarkdown, verdict, table } = require('./demo_report');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const quick = flag('quick');
const seconds = Number(option('seconds', quick ? 6 : 8));
const only = option('only', quick ? 'uploads' : Object.keys(SCENARIOS).join(','))
  .split(',');
const outDir = option('out', quick ? path.join(os.tmpdir(), 'offload-demo') :
  path.join(__dirname, '..', '..', 'docs'));
const VARIANTS = ['offload', 'naive'];
const PROBE_MS = 100;
const tty = process.stdout.isTTY === true;

for (const name of only) {
  if (!SCENARIOS[name]) {
    console.error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
}
if (!(seconds >= 1 && seconds <= 120)) {
  console.error('--seconds must be between 1 and 120');
  process.exit(2);
}

function startService(variant) {
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'),
    '--variant', variant, '--port', '0'], {
    env: { ...process.env, LOOP_INTERVAL_MS: '250' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/[\d.]+:\d+)\//.exec(out);
      if (m) resolve({ child, base: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`${variant} service exited (${code})`)));
  });
}

async function post(base, route, body) {
  const res = await fetch(`${base}${route}`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
}

// GET /health every PROBE_MS, one at a time: its latency is what a load
// balancer's health check or any other light request sees.
function probe(base) {
  const samples = [];
  let stop = false;
  const started = Date.now();
  const loop = (async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10000) });
        await res.arrayBuffer();
      } catch {
        // a timed-out probe counts with its full wait
      }
      const ms = performance.now() - t0;
      samples.push({ t: Date.now() - started, ms });
      await new Promise((r) => setTimeout(r, Math.max(0, PROBE_MS - ms)));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return samples;
  };
}

function load(base, name) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'load_child.js'), base, name,
      String(seconds)], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout));
    });
  });
}

const percentile = (values, p) => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * p / 100) - 1)];
};

// `idle`: the other variant's service, unloaded meanwhile, probed the same
// way: its /health p99 is what the machine alone adds (a shared or busy
// machine delays any process), the floor for the loaded one's.
async function runOne(service, name, onTick, idle) {
  const sc = SCENARIOS[name];
  if (sc.chaos) await post(service.base, '/admin/chaos', sc.chaos);
  const t0 = Date.now();
  const tick = setInterval(() => onTick((Date.now() - t0) / 1000), 250);
  const stopProbe = probe(service.base);
  const stopFloor = probe(idle.base);
  const result = await load(service.base, name);
  const probes = await stopProbe();
  const floor = await stopFloor();
  clearInterval(tick);
  const health = await (await fetch(`${service.base}/health?recent=1`)).json();
  const loop = health.recent.filter((p) => p.t >= t0)
    .map((p) => ({ t: (p.t - t0) / 1000, p99: p.p99, max: p.max }));
  if (sc.chaos) await post(service.base, '/admin/chaos', { failureRate: 0, latencyMs: 5 });
  return {
    ...result,
    healthP99: percentile(probes.map((p) => p.ms), 99),
    floorP99: percentile(floor.map((p) => p.ms), 99),
    loopP99: Math.max(0, ...loop.map((p) => p.p99)),
    loopMax: Math.max(0, ...loop.map((p) => p.max)),
    loop,
  };
}

async function main() {
  const t0 = Date.now();
  const services = {};
  for (const v of VARIANTS) services[v] = await startService(v);
  const results = {};
  const total = only.length * VARIANTS.length;
  let step = 0;
  console.log(`offload demo: ${only.length} scenario(s), ${seconds} s per variant, ` +
    `Node ${process.version}, ${os.availableParallelism ? os.availableParallelism() : os.cpus().length} CPUs, ` +
    `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  try {
    for (const name of only) {
      results[name] = {};
      for (const v of VARIANTS) {
        step++;
        const label = `  [${step}/${total}] ${name} · ${v}`;
        if (!tty) console.log(`${label} (${seconds} s)`);
        const other = services[VARIANTS.find((x) => x !== v)];
        results[name][v] = await runOne(services[v], name, (s) => {
          if (tty) process.stdout.write(`\r${label} · ${s.toFixed(0)}/${seconds} s   `);
        }, other);
      }
      if (tty) process.stdout.write('\r\x1b[K');
      console.log(SCENARIOS[name].title);
      console.log(table(results[name]));
      console.log(`  → ${verdict(name, results[name])}\n`);
    }
  } finally {
    for (const v of VARIANTS) services[v].child.kill('SIGTERM');
  }
  fs.mkdirSync(outDir, { recursive: true });
  const meta = { seconds, node: process.version, cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    date: new Date().toISOString().slice(0, 10) };
  fs.writeFileSync(path.join(outDir, 'demo.svg'), renderSvg(results, meta));
  fs.writeFileSync(path.join(outDir, 'demo.md'), renderMarkdown(results, meta));
  console.log(`wrote ${path.join(outDir, 'demo.md')} and demo.svg ` +
    `(${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${meta.loadavg})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
