'use strict';
// The JS suite's files, listed explicitly: `node --test <dir>` runs the
// directory's files on Node 18 and 20 but is read as a module path on 22+.
const fs = require('fs');
const path = require('path');

const PATTERN = /\.test\.(?:c|m)?js$/;

function testFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'fixtures') out.push(...testFiles(p));
    } else if (PATTERN.test(e.name)) {
      out.push(p);
    }
  }
  return out.sort();
}

/**
 * `node --test` arguments for the whole suite under Node `version`
 * ("22.1.0"): files run one at a time (several spawn children and saturate
 * the executor, and the machine may have only 2 cores). Throws if no test
 * file is found, so an empty run can never pass.
 */
function nodeTestArgs(version) {
  const root = path.join(__dirname, '..');
  const [maj, min] = version.split('.').map(Number);
  const args = ['--test'];
  if (maj > 20 || (maj === 20 && min >= 10)) args.push('--test-concurrency=1');
  const files = testFiles(path.join(root, 'test', 'js'))
    .map((f) => path.relative(root, f));
  if (files.length === 0) throw new Error('no test files found under test/js');
  return [...args, ...files];
}

module.exports = { testFiles, nodeTestArgs };
if (require.main === module) {
  for (const f of testFiles(path.join(__dirname, '..', 'test', 'js'))) {
    console.log(path.relative(process.cwd(), f));
  }
}
