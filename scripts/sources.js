'use strict';
// One source list for binding.gyp: every C file of the core modules the
// addon links, plus src/napi. CMake globs the same folders.
// Usage (from gyp): node scripts/sources.js sources|includes
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const MODULES = ['common', 'executor', 'hash', 'codec', 'image', 'breaker',
  'pool'];

function cFiles(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const dirs = MODULES.map((m) => `src/core/${m}`)
  .filter((d) => fs.existsSync(path.join(root, d)));
const what = process.argv[2];
if (what === 'sources') {
  console.log([...dirs.flatMap(cFiles), ...cFiles('src/napi')].join(' '));
} else if (what === 'includes') {
  console.log([...dirs, 'src/napi'].join(' '));
} else {
  console.error('usage: sources.js sources|includes');
  process.exit(2);
}
