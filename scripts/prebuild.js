'use strict';
// `npm run prebuild [-- --arch arm64]`: prebuildify for this machine's
// platform/arch/libc, offline against the running Node's headers when it
// ships them (npm_config_nodedir is set for this command only, never in
// ~/.npmrc). Node-API headers are the same for every arch, so they serve
// a cross build too.
//
// --arch arm64 on x64 Linux cross-builds prebuilds/linux-arm64 with
// Debian's aarch64-linux-gnu toolchain against the arm64 multiarch codec
// archives (scripts/setup_debian.sh --arm64 installs both). It builds in a
// staged copy under .cache/, so the native build/ is left as it was.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { localNodeDir } = require('./build');

const root = path.join(__dirname, '..');

// arch (Node's name) -> Debian's GNU triplet; the multiarch dir has the
// same name.
const CROSS = { arm64: 'aarch64-linux-gnu' };

function parseArch(argv) {
  const i = argv.indexOf('--arch');
  if (i === -1) return process.arch;
  const arch = argv[i + 1];
  if (arch === process.arch) return arch;
  if (process.platform !== 'linux' || process.arch !== 'x64' || !CROSS[arch]) {
    console.error(`prebuild: --arch ${arch}: only a native build, or ${Object.keys(CROSS)
      .join('/')} from x64 Linux, is supported`);
    process.exit(2);
  }
  return arch;
}

function fail(msg) {
  console.error(`prebuild: ${msg}`);
  process.exit(1);
}

// The toolchain and pkg-config of the target: pkg-config then reads only
// the target's .pc files, so libs.js picks the target's static archives.
function crossEnv(env, arch) {
  const triplet = CROSS[arch];
  for (const tool of ['gcc', 'g++', 'strip', 'nm']) {
    if (spawnSync(`${triplet}-${tool}`, ['--version']).status !== 0) {
      fail(`${triplet}-${tool} not found: run sudo bash scripts/setup_debian.sh --arm64`);
    }
  }
  const pcDir = `/usr/lib/${triplet}/pkgconfig`;
  if (!fs.existsSync(pcDir)) {
    fail(`${pcDir} not found (the ${arch} codec -dev packages): ` +
      'run sudo bash scripts/setup_debian.sh --arm64');
  }
  // clang, as for x64 (see below), targeting the cross toolchain's sysroot;
  // Debian's aarch64 gcc 12 also hits an internal compiler error in the
  // vectorizer on src/core/image/filter_u8.c at -O3.
  const cc = spawnSync('clang', ['--version']).status === 0 ?
    `clang --target=${triplet}` : `${triplet}-gcc`;
  return {
    ...env,
    CC: cc,
    CXX: cc === `${triplet}-gcc` ? `${triplet}-g++` : `clang++ --target=${triplet}`,
    LINK: cc, // a C link: no libstdc++ dependency
    AR: `${triplet}-ar`,
    PKG_CONFIG_LIBDIR: `${pcDir}:/usr/share/pkgconfig`,
    PKG_CONFIG_PATH: '',
  };
}

// What binding.gyp reads, copied to .cache/prebuild-linux-<arch>
// (prebuildify's `node-gyp rebuild` would otherwise replace build/).
function stage(arch) {
  const dir = path.join(root, '.cache', `prebuild-linux-${arch}`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of ['package.json', 'binding.gyp', 'scripts/sources.js', 'scripts/libs.js', 'src']) {
    fs.cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
  }
  return dir;
}

const arch = parseArch(process.argv.slice(2));
const cross = arch !== process.arch;
let env = { ...process.env };
const nodedir = env.npm_config_nodedir || localNodeDir();
if (nodedir) env.npm_config_nodedir = nodedir;

const args = ['--napi', '--strip'];
if (process.platform === 'linux') args.push('--tag-libc');
let cwd = root;
if (cross) {
  env = crossEnv(env, arch);
  cwd = stage(arch);
  args.push('--arch', arch, '--strip-bin', `${CROSS[arch]}-strip`, '--out', root,
    '--node-gyp', path.join(root, 'node_modules', '.bin', 'node-gyp'));
} else if (!env.CC && spawnSync('clang', ['--version']).status === 0) {
  // Shipped x64 binaries are built with clang where it is installed: gcc 12
  // compiles xxHash's XXH64 loop ~30% slower (docs/benchmarks.md).
  env.CC = 'clang';
  env.CXX = 'clang++';
  env.LINK = 'clang'; // a C link: no libstdc++ dependency
}

const bin = require.resolve('prebuildify/bin.js');
const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status || 1);
const out = path.join(root, 'prebuilds', `${process.platform}-${arch}`);
const built = fs.readdirSync(out).filter((f) => f.endsWith('.node'))
  .map((f) => path.join(out, f));
const check = spawnSync(process.execPath, [path.join(__dirname, 'check_binary.js'), ...built],
  { cwd: root, stdio: 'inherit' });
process.exit(check.status === null ? 1 : check.status);
