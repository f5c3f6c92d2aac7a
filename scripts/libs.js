'use strict';
// Compiler and linker flags for binding.gyp, for the core modules present.
//
// What the addon links, and why:
// - zlib and OpenSSL: not linked. The host Node exports them to addons
//   (official builds bundle them, Debian's links the system ones).
// - zstd, lz4, libdeflate, brotli, xxhash, argon2: static archives, linked by path,
//   with their symbols hidden, so a prebuilt .node needs nothing but libc
//   and the host Node, and never binds to (or clashes with) the copies a
//   Node bundles and exports (official Node exports Brotli* and ZSTD_*).
//   Linux: --exclude-libs,ALL plus src/napi/exports.map. macOS:
//   src/napi/exports.darwin (an exported-symbols list). Windows: a DLL
//   exports only what is marked dllexport (the Node-API registration).
//
// The archives are found with pkg-config (libdir and -L dirs of the package,
// then of the other codec packages, then the compiler's search path). On Windows, where pkg-config is usually absent,
// vcpkg is searched too: $VCPKG_ROOT or $VCPKG_INSTALLATION_ROOT (GitHub's
// runners), installed/<triplet>/{include,lib}, triplet from
// $VCPKG_DEFAULT_TRIPLET or x64-windows-static, archives named <name>.lib,
// lib<name>.lib, <name>_static.lib, <name>-static.lib or <name>static.lib.
//
// Usage (from gyp): node scripts/libs.js cflags|libs
// As a module: { installHint } (the one message naming packages per OS).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

// [pkg-config name, archive base name]; order is link order (brotli's
// encoder and decoder before brotlicommon, which both use).
const STATIC = {
  hash: [['libxxhash', 'xxhash'], ['libdeflate', 'deflate'],
    ['libargon2', 'argon2']],
  codec: [['libzstd', 'zstd'], ['liblz4', 'lz4'], ['libdeflate', 'deflate'],
    ['libbrotlienc', 'brotlienc'], ['libbrotlidec', 'brotlidec'],
    ['libbrotlicommon', 'brotlicommon']],
};

function installHint() {
  return 'offload builds from source here (no prebuilt binary matches). ' +
    'Install a C compiler, Python 3, pkg-config\nand the codec libraries ' +
    'with their static archives, then retry:\n' +
    '  Debian/Ubuntu: apt-get install build-essential python3 pkg-config libzstd-dev liblz4-dev libbrotli-dev libxxhash-dev libdeflate-dev libargon2-dev\n' +
    '  Fedora/RHEL:   dnf install gcc make python3 pkgconf libzstd-devel libzstd-static lz4-devel lz4-static brotli-devel xxhash-devel libdeflate-devel libargon2-devel\n' +
    '  Alpine:        apk add build-base python3 pkgconf zstd-dev zstd-static lz4-dev lz4-static brotli-dev brotli-static xxhash-dev libdeflate-dev libdeflate-static argon2-dev argon2-static\n' +
    '  macOS:         xcode-select --install; brew install pkg-config zstd lz4 brotli xxhash libdeflate argon2\n' +
    '  Windows:       Visual Studio Build Tools (C++), Python 3, then vcpkg install zstd lz4 brotli xxhash libdeflate argon2 --triplet x64-windows-static (set VCPKG_ROOT)';
}

const root = path.join(__dirname, '..');
const present = (mod) => fs.existsSync(path.join(root, 'src', 'core', mod));
const isWin = process.platform === 'win32';

function die(msg) {
  console.error(`offload: ${msg}\n${installHint()}`);
  process.exit(1);
}

// Returns null when pkg-config is missing or does not know the package.
function pkgConfig(args) {
  try {
    return execFileSync('pkg-config', args,
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function vcpkgDir(sub) {
  const vroot = process.env.VCPKG_ROOT || process.env.VCPKG_INSTALLATION_ROOT;
  if (!vroot) return null;
  const triplet = process.env.VCPKG_DEFAULT_TRIPLET || `${process.arch}-windows-static`;
  const d = path.join(vroot, 'installed', triplet, sub);
  return fs.existsSync(d) ? d : null;
}

function staticPkgs() {
  const seen = new Set();
  return Object.entries(STATIC).filter(([m]) => present(m)).flatMap(([, p]) => p)
    .filter(([pkg]) => !seen.has(pkg) && seen.add(pkg));
}

function cflags() {
  const pkgs = staticPkgs().map(([p]) => p);
  if (pkgs.length === 0) return '';
  const out = pkgConfig(['--cflags-only-I', ...pkgs]);
  if (out !== null) return out.replace(/-I/g, '');
  const inc = isWin ? vcpkgDir('include') : null;
  if (inc) return inc;
  return die(`pkg-config --cflags ${pkgs.join(' ')} failed (pkg-config or a -dev package is missing).`);
}

function archiveNames(name) {
  if (!isWin) return [`lib${name}.a`];
  return [`${name}.lib`, `lib${name}.lib`, `${name}_static.lib`, `${name}-static.lib`,
    `${name}static.lib`];
}

function pkgDirs(pkg) {
  const dirs = [];
  const libdir = pkgConfig(['--variable=libdir', pkg]);
  if (libdir) dirs.push(libdir);
  const ldirs = pkgConfig(['--libs-only-L', pkg]);
  if (ldirs) dirs.push(...ldirs.split(/\s+/).filter(Boolean).map((d) => d.replace(/^-L/, '')));
  return { libdir, dirs };
}

// The package's own dirs, then those of the other codec packages (Debian's
// libzstd.pc and libdeflate.pc say /usr/lib, the archives are in the
// multiarch dir the others name), then vcpkg (Windows) or the compiler's
// search path.
function findArchive(pkg, name) {
  const { libdir, dirs } = pkgDirs(pkg);
  if (libdir === null && !isWin) {
    die(`pkg-config does not find ${pkg} (pkg-config or a -dev package is missing).`);
  }
  for (const [other] of staticPkgs()) if (other !== pkg) dirs.push(...pkgDirs(other).dirs);
  if (isWin) {
    const v = vcpkgDir('lib');
    if (v) dirs.push(v);
  }
  for (const d of dirs) {
    for (const file of archiveNames(name)) {
      if (fs.existsSync(path.join(d, file))) return path.join(d, file);
    }
  }
  if (isWin) return null;
  try {
    const found = execFileSync(process.env.CC || 'cc', [`-print-file-name=lib${name}.a`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (path.isAbsolute(found) && fs.existsSync(found)) return found;
  } catch {}
  return null;
}

function libs() {
  const out = [];
  for (const [pkg, name] of staticPkgs()) {
    const archive = findArchive(pkg, name);
    if (archive === null) {
      die(`the static library ${archiveNames(name).join(' / ')} (${pkg}) was not found.`);
    }
    out.push(archive);
  }
  if (out.length && process.platform === 'linux') out.push('-Wl,--exclude-libs,ALL');
  return out.join(' ');
}

module.exports = { installHint };
if (require.main === module) {
  const what = process.argv[2];
  if (what === 'cflags') console.log(cflags());
  else if (what === 'libs') console.log(libs());
  else {
    console.error('usage: libs.js cflags|libs');
    process.exit(2);
  }
}
