'use strict';
// Compiler and linker flags for binding.gyp, for the core modules present.
//
// What the addon links, and why:
// - zlib, OpenSSL and brotli: not linked. The host Node exports them to
//   addons (official builds bundle them, Debian's links the system ones),
//   and Debian ships no static libbrotli to bundle.
// - zstd, lz4, libdeflate, xxhash: static archives, with their symbols
//   hidden (--exclude-libs), so a prebuilt .node needs nothing but libc and
//   the host Node, and never clashes with a Node that bundles its own copy.
// Usage (from gyp): node scripts/libs.js cflags|libs
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const STATIC = {
  hash: [['libxxhash', 'xxhash'], ['libdeflate', 'deflate']],
  codec: [['libzstd', 'zstd'], ['liblz4', 'lz4'], ['libdeflate', 'deflate']],
};
const HEADERS_ONLY = { codec: ['libbrotlienc', 'libbrotlidec'] };

const INSTALL_HINT = 'Install the codec libraries, then retry:\n' +
  '  Debian/Ubuntu: apt-get install pkg-config libzstd-dev liblz4-dev libbrotli-dev libxxhash-dev libdeflate-dev\n' +
  '  Fedora/RHEL:   dnf install pkgconf libzstd-devel libzstd-static lz4-devel lz4-static brotli-devel xxhash-devel libdeflate-devel\n' +
  '  Alpine:        apk add pkgconf zstd-dev zstd-static lz4-dev lz4-static brotli-dev xxhash-dev libdeflate-dev libdeflate-static\n' +
  '  macOS:         brew install pkg-config zstd lz4 brotli xxhash libdeflate\n' +
  '  Windows:       vcpkg install zstd lz4 brotli xxhash libdeflate --triplet x64-windows-static';

const root = path.join(__dirname, '..');
const present = (mod) => fs.existsSync(path.join(root, 'src', 'core', mod));

function pkgConfig(args) {
  try {
    return execFileSync('pkg-config', args, { encoding: 'utf8' }).trim();
  } catch {
    console.error(`offload: pkg-config ${args.join(' ')} failed.\n${INSTALL_HINT}`);
    process.exit(1);
  }
}

function staticPkgs() {
  const seen = new Set();
  return Object.entries(STATIC).filter(([m]) => present(m)).flatMap(([, p]) => p)
    .filter(([pkg]) => !seen.has(pkg) && seen.add(pkg));
}

function cflags() {
  const pkgs = [...staticPkgs().map(([p]) => p),
    ...Object.entries(HEADERS_ONLY).filter(([m]) => present(m)).flatMap(([, p]) => p)];
  if (pkgs.length === 0) return '';
  return pkgConfig(['--cflags-only-I', ...pkgs]).replace(/-I/g, '');
}

// pkg-config's libdir, then its -L dirs, then the compiler's own search
// path (Debian's multiarch dirs, where some .pc files point elsewhere).
function findArchive(pkg, name) {
  const file = `lib${name}.a`;
  const dirs = [pkgConfig(['--variable=libdir', pkg]),
    ...pkgConfig(['--libs-only-L', pkg]).split(/\s+/).filter(Boolean)
      .map((d) => d.replace(/^-L/, ''))];
  for (const d of dirs) {
    if (fs.existsSync(path.join(d, file))) return path.join(d, file);
  }
  try {
    const cc = process.env.CC || 'cc';
    const found = execFileSync(cc, [`-print-file-name=${file}`],
      { encoding: 'utf8' }).trim();
    if (path.isAbsolute(found) && fs.existsSync(found)) return found;
  } catch {}
  return null;
}

function libs() {
  const out = [];
  for (const [pkg, name] of staticPkgs()) {
    const archive = findArchive(pkg, name);
    if (archive === null) {
      console.error(`offload: the static library lib${name}.a was not found.\n${INSTALL_HINT}`);
      process.exit(1);
    }
    out.push(archive);
  }
  if (out.length && process.platform === 'linux') out.push('-Wl,--exclude-libs,ALL');
  return out.join(' ');
}

const what = process.argv[2];
if (what === 'cflags') console.log(cflags());
else if (what === 'libs') console.log(libs());
else {
  console.error('usage: libs.js cflags|libs');
  process.exit(2);
}
