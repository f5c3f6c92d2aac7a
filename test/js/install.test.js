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
