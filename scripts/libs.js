'use strict';
// Link flags for binding.gyp, from pkg-config, for the core modules that
// exist. zlib and OpenSSL are not listed: the host Node exports them to
// addons (official builds bundle them; Debian's links the system ones).
// Usage (from gyp): node scripts/libs.js cflags|libs
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const PKGS = {
  hash: ['libxxhash'],
  codec: ['libzstd', 'liblz4', 'libbrotlienc', 'libbrotlidec', 'libdeflate'],
};

const INSTALL_HINT = 'Install the codec libraries: ' +
  'apt-get install libzstd-dev liblz4-dev libbrotli-dev libxxhash-dev libdeflate-dev | ' +
  'dnf install libzstd-devel lz4-devel brotli-devel xxhash-devel libdeflate-devel | ' +
  'apk add zstd-dev lz4-dev brotli-dev xxhash-dev libdeflate-dev | ' +
  'brew install zstd lz4 brotli xxhash libdeflate pkg-config | ' +
  'vcpkg install zstd lz4 brotli xxhash libdeflate';

function wanted() {
  const root = path.join(__dirname, '..');
  return Object.entries(PKGS)
    .filter(([mod]) => fs.existsSync(path.join(root, 'src', 'core', mod)))
    .flatMap(([, pkgs]) => pkgs);
}

function pkgConfig(flag, pkgs) {
  if (pkgs.length === 0) return '';
  try {
    return execFileSync('pkg-config', [flag, ...pkgs], { encoding: 'utf8' }).trim();
  } catch (err) {
    console.error(`offload: pkg-config could not find ${pkgs.join(' ')}.\n${INSTALL_HINT}`);
    process.exit(1);
  }
}

const what = process.argv[2];
if (what === 'cflags') console.log(pkgConfig('--cflags-only-I', wanted()).replace(/-I/g, ''));
else if (what === 'libs') console.log(pkgConfig('--libs', wanted()));
else {
  console.error('usage: libs.js cflags|libs');
  process.exit(2);
}
