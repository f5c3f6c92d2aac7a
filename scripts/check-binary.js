'use strict';
// Fails if a built offload .node exports anything beyond the Node-API
// module registration, or depends on a shared library other than libc,
// libm, libpthread, libdl, the loader and the host Node (Debian links
// addons against its shared libnode). Linux (nm, readelf); on macOS it
// uses nm and otool -L.
// Usage: node scripts/check-binary.js [file.node ...]  (default: prebuilds/ and build/Release)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const ALLOWED_EXPORTS = new Set(['napi_register_module_v1',
  'node_api_module_get_api_version_v1']);
const ALLOWED_LIBS = /^(libnode\.so|libc\.so|libm\.so|libpthread\.so|libdl\.so|ld-linux|ld-musl|libc\.musl|libSystem\.B\.dylib)/;

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

function check(file) {
  const problems = [];
  if (process.platform === 'linux') {
    const syms = execFileSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3)
      .filter(([, type]) => /[A-Z]/.test(type) && type !== 'U').map(([, , name]) => name);
    for (const s of syms) if (!ALLOWED_EXPORTS.has(s)) problems.push(`exports ${s}`);
    const dyn = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
    for (const m of dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      if (!ALLOWED_LIBS.test(m[1])) problems.push(`depends on ${m[1]}`);
    }
  } else if (process.platform === 'darwin') {
    const syms = execFileSync('nm', ['-gU', file], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim().split(/\s+/).pop()).filter(Boolean)
      .map((s) => s.replace(/^_/, ''));
    for (const s of syms) if (!ALLOWED_EXPORTS.has(s)) problems.push(`exports ${s}`);
    const libs = execFileSync('otool', ['-L', file], { encoding: 'utf8' }).split('\n').slice(1);
    for (const l of libs) {
      const lib = path.basename(l.trim().split(' ')[0] || '');
      if (lib && !ALLOWED_LIBS.test(lib)) problems.push(`depends on ${lib}`);
    }
  } else {
    console.log(`check-binary: ${process.platform} not checked here (use dumpbin /exports /dependents)`);
  }
  return problems;
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
