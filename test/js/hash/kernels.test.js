'use strict';
// Which BLAKE3 and CRC32C kernels the runtime dispatch picked, as the addon
// reports them (offload._internal.hashKernels). OFL_EXPECT_KERNELS pins the
// answer ("blake3=neon,crc32c=armv8-crc"): scripts/test_arm64.sh sets it
// for qemu's `max` CPU, where /proc/cpuinfo is the host's and cannot say.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const offload = require('../../..');

const { hashKernels } = offload._internal;

const KNOWN = {
  x64: { blake3: ['portable', 'sse4.1', 'avx2', 'avx512'], crc32c: ['table', 'sse4.2'] },
  // NEON (ASIMD) is mandatory on AArch64; CRC32 only from ARMv8.1.
  arm64: { blake3: ['neon'], crc32c: ['table', 'armv8-crc'] },
};

function cpuinfo() {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}

test('hash_kernels: one known kernel per algorithm, frozen', () => {
  const k = hashKernels();
  assert.deepStrictEqual(Object.keys(k), ['blake3', 'crc32c']);
  assert.ok(Object.isFrozen(k));
  const known = KNOWN[process.arch];
  if (known === undefined) {
    assert.strictEqual(k.blake3, 'portable');
    assert.strictEqual(k.crc32c, 'table');
    return;
  }
  assert.ok(known.blake3.includes(k.blake3), `blake3 kernel ${k.blake3}`);
  assert.ok(known.crc32c.includes(k.crc32c), `crc32c kernel ${k.crc32c}`);
});

test('hash_kernels: the pinned kernels (OFL_EXPECT_KERNELS) are live', (t) => {
  const pin = process.env.OFL_EXPECT_KERNELS;
  if (!pin) return t.skip('OFL_EXPECT_KERNELS not set');
  const want = Object.fromEntries(pin.split(',').map((kv) => kv.split('=')));
  assert.deepStrictEqual({ ...hashKernels() }, want);
});

test('hash_kernels: the CPU flags Linux reports pick the hardware CRC32C', (t) => {
  const info = process.platform === 'linux' && !process.env.OFL_UNDER_QEMU ? cpuinfo() : null;
  if (info === null) return t.skip('no /proc/cpuinfo of this CPU (or under qemu: the host\'s)');
  const { crc32c } = hashKernels();
  if (process.arch === 'x64') {
    assert.strictEqual(crc32c, /^flags\s*:.*\bsse4_2\b/m.test(info) ? 'sse4.2' : 'table');
  } else if (process.arch === 'arm64') {
    assert.strictEqual(crc32c, /^Features\s*:.*\bcrc32\b/m.test(info) ? 'armv8-crc' : 'table');
  } else {
    t.skip(`no CRC32C kernel for ${process.arch}`);
  }
});

test('hash_kernels: a worker_thread sees the same kernels', async () => {
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    parentPort.postMessage(require(${JSON.stringify(require.resolve('../../..'))})._internal.hashKernels());
  `, { eval: true });
  const [got] = await Promise.all([
    new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }),
    new Promise((resolve) => w.once('exit', resolve)),
  ]);
  assert.deepStrictEqual(got, { ...hashKernels() });
});

test('hash_kernels: the picked kernels give the reference digests', () => {
  // The official BLAKE3 vector with 100 chunks (the many-chunk SIMD kernel
  // runs) and the CRC-32C check value.
  const v = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'vectors',
    'blake3_test_vectors.json'), 'utf8'));
  const c = v.cases.find((x) => x.input_len === 102400);
  const input = Buffer.alloc(c.input_len);
  for (let i = 0; i < input.length; i++) input[i] = i % 251;
  assert.strictEqual(offload.hashSync('blake3', input, 'hex'), c.hash.slice(0, 64));
  assert.strictEqual(offload.hashSync('crc32c', '123456789', 'hex'), 'e3069283');
});
