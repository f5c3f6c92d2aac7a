'use strict';
// Every ```js block of the README and the docs runs as written: one
// process per block, `require('offload')`/`import 'offload'` resolving to
// this checkout (a package may import itself by name), exit code 0.
// A block right after `<!-- file: NAME -->` is not run on its own: it is
// written as NAME next to the doc's other blocks (a task module that
// another block loads). Blocks with import/export statements run as ESM.
const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const DOCS = [
  'README.md', 'CONTRIBUTING.md',
  ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'examples/service/README.md', 'examples/express/README.md',
].filter((d) => fs.existsSync(path.join(root, d)));

function blocks(doc) {
  const lines = fs.readFileSync(path.join(root, doc), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```js') continue;
    const start = i + 1;
    const m = i > 0 && /^<!-- file: ([\w.-]+) -->$/.exec(lines[i - 1].trim());
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    out.push({ line: start, file: m ? m[1] : null, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

function run(file, cwd) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd, timeout: 60000, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? err.code || 1 : 0, stdout, stderr }));
  });
}

test('doc_examples_exist', () => {
  const n = DOCS.reduce((a, d) => a + blocks(d).filter((b) => !b.file).length, 0);
  assert.ok(n >= 10, `only ${n} runnable examples found`);
});

for (const doc of DOCS) {
  const all = blocks(doc);
  if (all.length === 0) continue;
  const dir = path.join(root, '.cache', 'doc_examples', doc.replace(/[/.]/g, '_'));
  test.describe(doc, () => {
    test.before(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const b of all) if (b.file) fs.writeFileSync(path.join(dir, b.file), b.code);
    });
    for (const b of all.filter((x) => !x.file)) {
      test(`doc_example_${doc}_line_${b.line}`, async () => {
        const esm = /^\s*(import|export)\s/m.test(b.code);
        const file = path.join(dir, `line_${b.line}.${esm ? 'mjs' : 'cjs'}`);
        fs.writeFileSync(file, b.code);
        const r = await run(file, dir);
        assert.strictEqual(r.code, 0,
          `${doc}:${b.line} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
      });
    }
  });
}
