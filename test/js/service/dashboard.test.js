'use strict';
// The dashboard in a real browser: headless Chromium loads /, polls
// /health for a few seconds of virtual time, and must show numbers and
// have drawn its charts.
const test = require('node:test');
const assert = require('node:assert');
const { execFile, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createService } = require('../../../examples/service/service');
const { decodePng } = require('../fixtures/png');
const { foreignEnv } = require('../fixtures/foreign_env');

const ENV = foreignEnv();

const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome']
  .find((c) => spawnSync(c, ['--version'], { encoding: 'utf8', env: ENV,
    timeout: 60000 }).status === 0);
// CI installs Chromium (scripts/setup_debian.sh); elsewhere it is optional.
// Under qemu-user (OFL_UNDER_QEMU, scripts/test_arm64.sh) the emulated
// server answers the page's polls too slowly for Chromium's 6 s virtual
// time budget, so the page has not shown every field yet.
const skip = (process.env.OFL_UNDER_QEMU &&
  'OFL_UNDER_QEMU: the 6 s virtual time budget is too short for an emulated server') ||
  (CHROMIUM === undefined && !process.env.CI ? 'no chromium on PATH' : false);

test('service_dashboard_renders_live_numbers_and_charts', { skip }, async (t) => {
  assert.ok(CHROMIUM, 'chromium is required under CI');
  // A loaded machine (Chromium starting beside this process) can hold the
  // loop past the 100 ms health threshold; the 503 itself is tested in
  // routes.test.js, so this page is asked to render a healthy service.
  const service = await createService({ unhealthyLoopP99: 60000 });
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await service.close();
  });
  const url = `http://127.0.0.1:${server.address().port}/`;

  // spawnSync would block this loop, which serves the page: run Chromium
  // from a child process instead.
  const run = (args) => new Promise((resolve) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-chromium-'));
    execFile(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu',
      '--no-first-run', `--user-data-dir=${dir}`, '--virtual-time-budget=6000',
      '--window-size=1280,900', ...args], { encoding: 'buffer', timeout: 60000,
      maxBuffer: 16 << 20, env: ENV }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ err, stdout, stderr });
    });
  });

  const dom = await run(['--dump-dom', url]);
  const html = dom.stdout.toString();
  const points = Number((/data-points="(\d+)"/.exec(html) || [])[1]);
  assert.ok(points >= 2, `data points: ${points}\n${dom.stderr}`);
  assert.match(html, /id="status"[^>]*>ok</);
  assert.match(html, /id="variant">offload</);
  assert.match(html, /id="loop-p99">\d+\.\d</);
  assert.match(html, /id="breaker-state"[^>]*>closed</);
  assert.match(html, /id="last-call">200</);

  const png = path.join(os.tmpdir(), `offload-dashboard-${process.pid}.png`);
  t.after(() => fs.rmSync(png, { force: true }));
  const shot = await run([`--screenshot=${png}`, url]);
  assert.ok(fs.existsSync(png), String(shot.stderr));
  const img = decodePng(fs.readFileSync(png));
  assert.strictEqual(img.width, 1280);
  // Not blank: the header's dark band, and the charts' blue line and
  // fill in the first panel.
  let dark = 0;
  let blue = 0;
  const colours = new Set();
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = img.data.subarray(i, i + 3);
    if (r < 40 && g < 50 && b < 60) dark++;
    if (b > 150 && r < 120 && g < 140) blue++;
    colours.add((r >> 4) << 8 | (g >> 4) << 4 | (b >> 4));
  }
  assert.ok(dark > 1280 * 30, `dark pixels: ${dark}`);
  assert.ok(blue > 50, `chart line pixels: ${blue}`);
  assert.ok(colours.size > 30, `distinct colours: ${colours.size}`);
});
