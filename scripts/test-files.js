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

module.exports = { testFiles };
if (require.main === module) {
  for (const f of testFiles(path.join(__dirname, '..', 'test', 'js'))) {
    console.log(path.relative(process.cwd(), f));
  }
}
