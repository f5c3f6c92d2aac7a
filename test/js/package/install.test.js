'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..', '..');
// Under qemu-user (OFL_UNDER_QEMU, scripts/test_arm64.sh) the Node is arm64
// but cc, readelf and node-gyp's toolchain are the x64 host's: a test that
// builds an addon for the running Node, or reads process.execPath (there a
// shell wrapper around qemu), cannot mean anything. The cross build has its
// own checks there (check_binary on the prebuild, the packed tarball).
const QEMU_SKIP = process.env.OFL_UNDER_QEMU &&
  'OFL_UNDER_QEMU: the host compiler builds x64, the running Node is arm64';

test('install_missing_codec_libraries_gives_one_clear_message', () => {
  // pkg-config sees no libraries at all: the build must stop before
  // node-gyp, naming the packages to install for each OS.
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], {
    encoding: 'utf8',
    env: { ...process.env, PKG_CONFIG_LIBDIR: '/nonexistent', PKG_CONFIG_PATH: '' },
  });
  assert.notStrictEqual(r.status, 0);
  for (const word of ['apt-get install', 'dnf install', 'apk add', 'brew install',
    'vcpkg install']) {
    assert.ok(r.stderr.includes(word), `message lacks "${word}": ${r.stderr}`);
  }
  assert.ok(!/gyp (ERR|info)/.test(r.stdout + r.stderr), 'node-gyp ran anyway');
});

test('install_binary_exports_only_module_registration', () => {
  // The binary the loader actually uses: build/Release, or a prebuild.
  const loaded = require('node-gyp-build').path(root);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check_binary.js'),
    loaded], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
});

test('install_check_binary_rejects_undefined_codec_symbols_and_extra_libs',
  { skip: QEMU_SKIP || (process.platform !== 'linux' && 'nm/readelf checks are Linux-only here') },
  () => {
    // A stand-in addon that still takes brotli and zstd from the host,
    // links a shared zlib, and depends on libnode although this node is
    // not a libnode build: each must be reported.
    const fs = require('node:fs');
    const os = require('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-check-'));
    const src = path.join(dir, 'bad.c');
    fs.writeFileSync(src, 'extern int BrotliEncoderCompress(void);\n' +
      'extern int ZSTD_versionNumber(void);\nextern int zlibVersion(void);\n' +
      'int napi_register_module_v1(void) {\n' +
      '  return BrotliEncoderCompress() + ZSTD_versionNumber() + zlibVersion();\n}\n');
    const stub = path.join(dir, 'stub.c');
    fs.writeFileSync(stub, 'int ofl_stub;\n');
    const so = path.join(dir, 'bad.node');
    const ccRun = (args) => {
      const c = spawnSync(process.env.CC || 'cc', args, { encoding: 'utf8' });
      assert.strictEqual(c.status, 0, c.stderr);
    };
    ccRun(['-shared', '-fPIC', '-Wl,-soname,libnode.so.115', '-o',
      path.join(dir, 'libnode.so'), stub]);
    ccRun(['-shared', '-fPIC', '-o', so, src, '-Wl,--no-as-needed', '-lz', `-L${dir}`, '-lnode']);
    const { execFileSync } = require('node:child_process');
    const nodeNeedsLibnode = /libnode\.so/.test(execFileSync('readelf', ['-d', process.execPath],
      { encoding: 'utf8' }));
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check_binary.js'), so],
      { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(r.status, 1, r.stdout);
    assert.match(r.stdout, /leaves codec symbol BrotliEncoderCompress undefined/);
    assert.match(r.stdout, /leaves codec symbol ZSTD_versionNumber undefined/);
    assert.match(r.stdout, /depends on libz\.so/);
    assert.doesNotMatch(r.stdout, /zlibVersion/); // zlib may come from the host
    if (nodeNeedsLibnode) assert.doesNotMatch(r.stdout, /libnode/);
    else assert.match(r.stdout, /depends on libnode\.so\.115/);
  });

const linux = process.platform === 'linux';

function nodeDir() {
  return path.resolve(path.dirname(process.execPath), '..');
}

test('install_build_drops_the_libnode_that_debians_node_gyp_adds',
  { skip: QEMU_SKIP || (!linux && 'libnode is linked only on Linux') }, () => {
    // Debian's node-gyp puts -lnode into every Linux addon; a gypi that
    // does the same stands in for it. binding.gyp must remove it.
    const fs = require('node:fs');
    const os = require('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-gyp-'));
    for (const f of ['binding.gyp', 'scripts', 'src']) {
      fs.cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, 'lnode.gypi'), "{ 'target_defaults': " +
      "{ 'conditions': [ [ 'OS==\"linux\"', { 'libraries': [ '-lnode' ] } ] ] } }\n");
    const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
    const args = [gyp, 'configure', '--', '-I', 'lnode.gypi'];
    if (fs.existsSync(path.join(nodeDir(), 'include', 'node', 'common.gypi'))) {
      args.splice(2, 0, `--nodedir=${nodeDir()}`);
    }
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    try {
      assert.strictEqual(r.status, 0, r.stdout + r.stderr);
      const mk = fs.readFileSync(path.join(dir, 'build', 'offload.target.mk'), 'utf8');
      assert.ok(mk.includes('exports.map'), 'not the addon target');
      assert.ok(!/-lnode\b/.test(mk), 'the addon still links libnode');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

test('install_loader_refuses_an_addon_linking_a_foreign_libnode',
  { skip: QEMU_SKIP || (!linux && 'libnode is linked only on Linux') }, () => {
    // A stand-in addon linking libnode.so.99 (no Node's soname: this node
    // may itself be Debian's libnode.so.108) must be refused with the
    // loader's one error, before dlopen (which would load that libnode).
    const fs = require('node:fs');
    const os = require('node:os');
    const { foreignLibnode } = require('../../../lib/linked_node');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofl-libnode-'));
    try {
      const cc = (args) => {
        const c = spawnSync(process.env.CC || 'cc', args, { encoding: 'utf8' });
        assert.strictEqual(c.status, 0, c.stderr);
      };
      fs.writeFileSync(path.join(dir, 'stub.c'), 'int ofl_stub;\n');
      cc(['-shared', '-fPIC', '-Wl,-soname,libnode.so.99', '-o',
        path.join(dir, 'libnode.so'), path.join(dir, 'stub.c')]);
      const pkg = path.join(dir, 'pkg');
      fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
      fs.mkdirSync(path.join(pkg, 'node_modules'));
      const addon = path.join(pkg, 'build', 'Release', 'offload.node');
      fs.writeFileSync(path.join(dir, 'addon.c'),
        'extern int ofl_stub;\nint napi_register_module_v1(void) { return ofl_stub; }\n');
      cc(['-shared', '-fPIC', '-o', addon, path.join(dir, 'addon.c'),
        '-Wl,--no-as-needed', `-L${dir}`, '-lnode']);
      assert.strictEqual(foreignLibnode(addon), 'libnode.so.99');
      assert.strictEqual(foreignLibnode(require('node-gyp-build').path(root)), null);
      fs.cpSync(path.join(root, 'lib'), path.join(pkg, 'lib'), { recursive: true });
      fs.cpSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
      fs.symlinkSync(path.dirname(require.resolve('node-gyp-build/package.json')),
        path.join(pkg, 'node_modules', 'node-gyp-build'));
      // LD_LIBRARY_PATH makes the stand-in libnode loadable: without the
      // check, dlopen would succeed and bring it in.
      const r = spawnSync(process.execPath, ['-e',
        'try { require(process.argv[1]) } catch (e) { console.log(e.code); ' +
        'console.log(e.message); process.exit(3) }',
        path.join(pkg, 'lib', 'binding.js')], {
        encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: dir },
      });
      assert.strictEqual(r.signal, null);
      assert.strictEqual(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /^ERR_OFFLOAD_LOAD_FAILED$/m);
      assert.match(r.stdout, /links libnode\.so\.99, a libnode that is not this Node's/);
      assert.match(r.stdout, /Fix: rebuild/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
