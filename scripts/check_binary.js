'use strict';
// Fails if a built offload .node
// - exports anything beyond the Node-API module registration,
// - leaves a codec symbol (Brotli*, ZSTD_*, ZDICT_*, LZ4*, libdeflate_*,
//   XXH*, argon2_*, blake2b_*) undefined: the codecs must be linked in statically, so the host
//   Node's copies (official Node exports Brotli* and ZSTD_*) are never used;
//   only Node-API, libuv, libc, zlib and OpenSSL may come from the host,
// - or depends on a shared library other than libc, libm, libpthread,
//   libdl, the loader and, only when the running node itself is linked
//   against it (Debian's nodejs), libnode,
// - or (Linux) is built for another arch than its prebuilds/linux-<arch>.
// Linux: nm (aarch64-linux-gnu-nm for an arm64 binary on x64), and
// lib/linked_node.js for the NEEDED entries. macOS: nm, otool -L. Windows: Visual Studio's
// dumpbin /exports /imports /dependents (untested: written on Linux).
// Usage: node scripts/check_binary.js [file.node ...]  (default: prebuilds/ and build/Release)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { neededLibraries, libnodes } = require('../lib/linked_node');

const root = path.join(__dirname, '..');
const ALLOWED_EXPORTS = new Set(['napi_register_module_v1',
  'node_api_module_get_api_version_v1']);
const CODEC_SYMBOL = /^(Brotli|ZSTD_|ZDICT_|LZ4|libdeflate_|XXH|argon2_|blake2b_)/;
const ALLOWED_LIBS = /^(libc\.so|libm\.so|libpthread\.so|libdl\.so|ld-linux|ld-musl|libc\.musl|libSystem\.B\.dylib)/;
const ALLOWED_DLLS = /^(node\.exe|kernel32\.dll|api-ms-win-.+\.dll|ucrtbase\.dll|vcruntime140(_1)?\.dll)$/i;

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });


// ELF e_machine -> Node's arch name, and the binutils prefix that reads it
// when it is not this machine's.
const ELF_ARCH = { 62: ['x64', 'x86_64-linux-gnu-'], 183: ['arm64', 'aarch64-linux-gnu-'] };

function elfMachine(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(20);
    if (fs.readSync(fd, h, 0, 20, 0) !== 20 || h.readUInt32BE(0) !== 0x7f454c46) return null;
    return h[5] === 1 ? h.readUInt16LE(18) : h.readUInt16BE(18);
  } finally {
    fs.closeSync(fd);
  }
}

let nmTool = 'nm';
function nmNames(args, file) {
  return run(nmTool, [...args, file]).split('\n').map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && f[0] !== '');
}

function checkLinux(file, problems) {
  // A prebuilds/linux-<arch>/ binary must be built for <arch>.
  const machine = elfMachine(file);
  const [arch, prefix] = ELF_ARCH[machine] || [`e_machine ${machine}`, null];
  const dir = /^linux-([^-]+)/.exec(path.basename(path.dirname(file)));
  if (dir && dir[1] !== arch) problems.push(`is built for ${arch}, not ${dir[1]}`);
  nmTool = arch === process.arch || prefix === null ? 'nm' : `${prefix}nm`;
  for (const f of nmNames(['-D', '--defined-only'], file)) {
    if (f.length === 3 && /[A-Z]/.test(f[1]) && !ALLOWED_EXPORTS.has(f[2])) {
      problems.push(`exports ${f[2]}`);
    }
  }
  for (const f of nmNames(['-D', '--undefined-only'], file)) {
    const name = f[f.length - 1].replace(/@.*$/, '');
    if (CODEC_SYMBOL.test(name)) problems.push(`leaves codec symbol ${name} undefined (${f[0]})`);
  }
  // libnode is the host Node only when this node links that very libnode.
  const hostLibnodes = new Set(libnodes(process.execPath));
  for (const lib of neededLibraries(file) || []) {
    if (ALLOWED_LIBS.test(lib) || hostLibnodes.has(lib)) continue;
    problems.push(`depends on ${lib}`);
  }
}

function checkDarwin(file, problems) {
  const strip = (s) => s.replace(/^_/, '');
  for (const f of nmNames(['-gU'], file)) {
    const s = strip(f[f.length - 1]);
    if (!ALLOWED_EXPORTS.has(s)) problems.push(`exports ${s}`);
  }
  for (const f of nmNames(['-u'], file)) {
    const s = strip(f[f.length - 1]);
    if (CODEC_SYMBOL.test(s)) problems.push(`leaves codec symbol ${s} undefined`);
  }
  for (const l of run('otool', ['-L', file]).split('\n').slice(1)) {
    const lib = path.basename(l.trim().split(' ')[0] || '');
    if (lib && !ALLOWED_LIBS.test(lib)) problems.push(`depends on ${lib}`);
  }
}

// dumpbin from PATH (a developer prompt), else the newest Visual Studio's
// via vswhere (GitHub's windows runners have it).
function dumpbin() {
  try {
    run('dumpbin', ['/nologo']);
    return 'dumpbin';
  } catch {}
  const vswhere = path.join(process.env['ProgramFiles(x86)'] || 'C:\\Program Files (x86)',
    'Microsoft Visual Studio', 'Installer', 'vswhere.exe');
  const found = run(vswhere, ['-latest', '-find', 'VC\\Tools\\MSVC\\**\\bin\\Hostx64\\x64\\dumpbin.exe'])
    .split(/\r?\n/).filter(Boolean);
  if (found.length === 0) throw new Error('dumpbin not found (run from a Visual Studio developer prompt)');
  return found[found.length - 1];
}

// Kept simple on purpose (and not run on the Linux machine it was written
// on): parses dumpbin's text output.
function checkWindows(file, problems) {
  const bin = dumpbin();
  const exp = run(bin, ['/nologo', '/exports', file]);
  for (const m of exp.matchAll(/^\s+\d+\s+[0-9A-F]+\s+[0-9A-F]{8}\s+(\S+)/gm)) {
    if (!ALLOWED_EXPORTS.has(m[1])) problems.push(`exports ${m[1]}`);
  }
  const imp = run(bin, ['/nologo', '/imports', file]);
  for (const m of imp.matchAll(/^\s+[0-9A-F]+\s+(\S+)\s*$/gm)) {
    if (CODEC_SYMBOL.test(m[1])) problems.push(`imports codec symbol ${m[1]}`);
  }
  const dep = run(bin, ['/nologo', '/dependents', file]);
  for (const m of dep.matchAll(/^\s+(\S+\.(?:dll|exe))\s*$/gim)) {
    if (!ALLOWED_DLLS.test(m[1])) problems.push(`depends on ${m[1]}`);
  }
}

function check(file) {
  const problems = [];
  if (process.platform === 'linux') checkLinux(file, problems);
  else if (process.platform === 'darwin') checkDarwin(file, problems);
  else if (process.platform === 'win32') checkWindows(file, problems);
  else problems.push(`no check for ${process.platform}`);
  return problems;
}

function findBinaries() {
  const out = [];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.node')) out.push(p);
    }
  };
  walk(path.join(root, 'prebuilds'));
  walk(path.join(root, 'build', 'Release'));
  return out;
}

const files = process.argv.length > 2 ? process.argv.slice(2) : findBinaries();
if (files.length === 0) {
  console.error('check-binary: no .node file found (build or prebuild first)');
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  if (!fs.existsSync(f)) {
    console.log(`check-binary: ${f}: FAIL (no such file)`);
    failed++;
    continue;
  }
  const problems = check(f);
  console.log(`check-binary: ${path.relative(root, f)}: ${problems.length ? 'FAIL' : 'ok'}`);
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length) failed++;
}
process.exit(failed ? 1 : 0);
