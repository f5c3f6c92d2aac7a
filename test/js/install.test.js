'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');

test('install_missing_codec_libraries_gives_one_clear_message', () => {
  // pkg-config sees no libraries at all: the build must stop before
  // node-gyp, naming the packages to install for each OS.
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], {
    encoding: 'utf8',
    env: { ...process.env, PKG_CONFIG_LIBDIR: '/nonexistent', PKG_CONFIG_PATH: '' },
  });
  assert.notStrictEqual(r.status, 0);
  for (const word of ['apt-get install', 'dnf install', 'apk add', 'brew install',
    'vcpkg install']) {
    assert.ok(r.stderr.includes(word), `message lacks "${word}": ${r.stderr}`);
  }
  assert.ok(!/gyp (ERR|info)/.test(r.stdout + r.stderr), 'node-gyp ran anyway');
});

test('install_binary_exports_only_module_registration', () => {
  // The binary the loader actually uses: build/Release, or a prebuild.
  const loaded = require('node-gyp-build').path(root);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-binary.js'),
    loaded], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
});

test('install_check_binary_rejects_undefined_codec_symbols_and_extra_libs',
  { skip: process.platform !== 'linux' && 'nm/readelf checks are Linux-only here' }, () => {
    // A stand-in addon that still takes brotli and zstd from the host,
    // links a shared zlib, and depends on libnode although this node is
    // not a libnode build: each must be reported.
    const fs = require('node:fs');
    const os = require('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-check-'));
    const src = path.join(dir, 'bad.c');
    fs.writeFileSync(src, 'extern int BrotliEncoderCompress(void);\n' +
      'extern int ZSTD_versionNumber(void);\nextern int zlibVersion(void);\n' +
      'int napi_register_module_v1(void) {\n' +
      '  return BrotliEncoderCompress() + ZSTD_versionNumber() + zlibVersion();\n}\n');
    const stub = path.join(dir, 'stub.c');
    fs.writeFileSync(stub, 'int ofl_stub;\n');
    const so = path.join(dir, 'bad.node');
    const ccRun = (args) => {
      const c = spawnSync(process.env.CC || 'cc', args, { encoding: 'utf8' });
      assert.strictEqual(c.status, 0, c.stderr);
    };
    ccRun(['-shared', '-fPIC', '-Wl,-soname,libnode.so.115', '-o',
      path.join(dir, 'libnode.so'), stub]);
    ccRun(['-shared', '-fPIC', '-o', so, src, '-Wl,--no-as-needed', '-lz', `-L${dir}`, '-lnode']);
    const { execFileSync } = require('node:child_process');
    const nodeNeedsLibnode = /libnode\.so/.test(execFileSync('readelf', ['-d', process.execPath],
      { encoding: 'utf8' }));
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-binary.js'), so],
      { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(r.status, 1, r.stdout);
    assert.match(r.stdout, /leaves codec symbol BrotliEncoderCompress undefined/);
    assert.match(r.stdout, /leaves codec symbol ZSTD_versionNumber undefined/);
    assert.match(r.stdout, /depends on libz\.so/);
    assert.doesNotMatch(r.stdout, /zlibVersion/); // zlib may come from the host
    if (nodeNeedsLibnode) assert.doesNotMatch(r.stdout, /libnode/);
    else assert.match(r.stdout, /depends on libnode\.so\.115/);
  });
