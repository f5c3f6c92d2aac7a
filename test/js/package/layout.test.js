'use strict';
// The house rules of docs/architecture.md, checked on the tree itself.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const lib = path.join(root, 'lib');
const SHARED = new Set(['binding', 'errors', 'validate', 'linked_node', 'tracing']);
const MAX_LINES = 600;

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const libFiles = walk(lib).filter((f) => /\.(c|m)?js$/.test(f));
const rel = (f) => path.relative(root, f);

// Every relative require in a file, resolved to the file it loads.
function requires(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/require\('(\.{1,2}\/[^']*|\.{1,2})'\)/g)) {
    const target = path.resolve(path.dirname(file), m[1]);
    let resolved = null;
    if (fs.existsSync(`${target}.js`)) resolved = `${target}.js`;
    else if (fs.existsSync(path.join(target, 'index.js'))) {
      resolved = path.join(target, 'index.js');
    } else if (fs.existsSync(target) && fs.statSync(target).isFile()) {
      resolved = target;
    }
    out.push({ spec: m[1], resolved });
  }
  return out;
}

// The module a lib/ file belongs to ('' for the shared top-level files).
const moduleOf = (f) => {
  const parts = path.relative(lib, f).split(path.sep);
  return parts.length > 1 ? parts[0] : '';
};

test('layout_relative_requires_resolve', () => {
  for (const f of libFiles) {
    for (const r of requires(f)) {
      assert.notStrictEqual(r.resolved, null,
        `${rel(f)}: require('${r.spec}') loads nothing`);
    }
  }
});

test('layout_modules_import_only_faces_and_shared_helpers', () => {
  const bad = [];
  for (const f of libFiles) {
    const from = moduleOf(f);
    for (const { spec, resolved } of requires(f)) {
      if (resolved === null) continue;
      const to = moduleOf(resolved);
      const parts = path.relative(lib, resolved).split(path.sep);
      if (to === '') {
        const name = path.basename(resolved, '.js');
        // The top level: shared helpers for everyone; index.js is the
        // package's entry and requires only module faces.
        if (from !== '' && !SHARED.has(name)) bad.push(`${rel(f)} -> ${spec}`);
      } else if (to !== from && parts[1] !== 'index.js') {
        bad.push(`${rel(f)} -> ${spec} (private to lib/${to})`);
      } else if (from === '' && path.basename(f) === 'index.js' &&
                 parts[1] !== 'index.js') {
        bad.push(`${rel(f)} -> ${spec} (the entry takes faces only)`);
      }
    }
  }
  assert.deepStrictEqual(bad, []);
});

test('layout_no_circular_requires_in_lib', () => {
  const graph = new Map(libFiles.map((f) =>
    [f, requires(f).map((r) => r.resolved).filter((r) => r !== null)]));
  const state = new Map(); // 1: on the stack, 2: done
  const cycles = [];
  const stack = [];
  const visit = (f) => {
    state.set(f, 1);
    stack.push(f);
    for (const d of graph.get(f) || []) {
      if (state.get(d) === 1) {
        cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' -> '));
      } else if (!state.has(d)) {
        visit(d);
      }
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of libFiles) if (!state.has(f)) visit(f);
  assert.deepStrictEqual(cycles, []);
});

test('layout_every_module_folder_has_a_face', () => {
  for (const e of fs.readdirSync(lib, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    assert.ok(fs.existsSync(path.join(lib, e.name, 'index.js')),
      `lib/${e.name}/ has no index.js`);
  }
});

test('layout_one_file_naming_style', () => {
  // snake_case stems; README.md and CMakeLists.txt are the tools' names.
  const ok = /^[a-z0-9_]+(\.[a-z0-9]+)*$/;
  const fixed = new Set(['README.md', 'CMakeLists.txt']);
  const bad = [];
  for (const dir of ['lib', 'test', 'bench', 'scripts', 'src', 'examples']) {
    for (const f of walk(path.join(root, dir))) {
      for (const part of path.relative(root, f).split(path.sep)) {
        if (!fixed.has(part) && !ok.test(part)) bad.push(rel(f));
      }
    }
  }
  assert.deepStrictEqual([...new Set(bad)], []);
});

test('layout_no_source_file_over_600_lines', () => {
  const big = [];
  const sources = [...walk(lib), ...walk(path.join(root, 'src'))]
    .filter((f) => /\.(c|h|js|mjs)$/.test(f));
  for (const f of sources) {
    const n = fs.readFileSync(f, 'utf8').split('\n').length - 1;
    if (n > MAX_LINES) big.push(`${rel(f)} (${n})`);
  }
  assert.deepStrictEqual(big, []);
});
