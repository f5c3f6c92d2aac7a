'use strict';
// offload.password: round trips, the algorithms' vectors, the encoded
// strings of the argon2/bcryptjs npm packages and Python's passlib,
// argon2-cffi and bcrypt (both ways), limits and hostile strings.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const offload = require('../../..');
const { foreignEnv } = require('../fixtures/foreign_env');

const { password } = offload;
// Small parameters: the tests check the encoding and the plumbing.
const FAST = {
  argon2id: { algorithm: 'argon2id', memoryCost: 64, timeCost: 1 },
  argon2i: { algorithm: 'argon2i', memoryCost: 64, timeCost: 1 },
  argon2d: { algorithm: 'argon2d', memoryCost: 64, timeCost: 1 },
  scrypt: { algorithm: 'scrypt', cost: 1024, blockSize: 8 },
  bcrypt: { algorithm: 'bcrypt', cost: 4 },
};

// Debian's python3 with python3-passlib, -argon2 and -bcrypt (CI installs
// them); a pyenv python on PATH would not have them.
const PY = '/usr/bin/python3';
const PY_ENV = foreignEnv();
let python = null;
try {
  execFileSync(PY, ['-c', 'import passlib.hash, argon2, bcrypt'], { stdio: 'ignore', env: PY_ENV });
  python = PY;
} catch {
  // skipped below, except under CI
}
const pySkip = python === null && !process.env.CI ? 'no python3-passlib/argon2/bcrypt' : false;
const py = (code, ...args) => execFileSync(PY, ['-c', code, ...args],
  { encoding: 'utf8', env: PY_ENV }).trim();

for (const [name, opts] of Object.entries(FAST)) {
  test(`password_${name}_round_trip_promise_and_sync`, async () => {
    const h = await password.hash('correct horse battery staple', opts);
    assert.ok(h.startsWith(name === 'bcrypt' ? '$2b$04$' : `$${name}$`), h);
    assert.strictEqual(await password.verify(h, 'correct horse battery staple'), true);
    assert.strictEqual(await password.verify(h, 'correct horse battery stapl'), false);
    assert.strictEqual(password.verifySync(h, 'correct horse battery staple'), true);
    const s = password.hashSync(Buffer.from('bytes ok'), opts);
    assert.strictEqual(password.verifySync(s, 'bytes ok'), true);
    assert.strictEqual(await password.verify(s, new Uint8Array(Buffer.from('bytes ok'))), true);
    assert.notStrictEqual(await password.hash('same', opts), await password.hash('same', opts),
      'salts are random');
  });
}

test('password_reference_vectors_verify', async () => {
  // The argon2 CLI's example (argon2 "password" -id -t 2 -m 16 -p 1, salt "somesalt").
  assert.strictEqual(await password.verify('$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$' +
    'CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc', 'password'), true);
  // RFC 7914 section 12, second vector, as a PHC string.
  const rfc = Buffer.from('fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162' +
    '2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640', 'hex');
  const phc = `$scrypt$ln=10,r=8,p=16$${Buffer.from('NaCl').toString('base64').replace(/=+$/, '')}` +
    `$${rfc.toString('base64').replace(/=+$/, '')}`;
  assert.strictEqual(await password.verify(phc, 'password'), true);
  // OpenBSD/jBCrypt vectors.
  assert.strictEqual(await password.verify(
    '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', ''), true);
  assert.strictEqual(await password.verify(
    '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i', 'abc'), true);
});

test('password_interop_with_the_argon2_npm_package', async () => {
  const argon2 = require('argon2');
  const theirs = await argon2.hash('pässwörd', { memoryCost: 256, timeCost: 2, parallelism: 2 });
  assert.strictEqual(await password.verify(theirs, 'pässwörd'), true);
  assert.strictEqual(await password.verify(theirs, 'password'), false);
  for (const algorithm of ['argon2id', 'argon2i', 'argon2d']) {
    const ours = await password.hash('pässwörd', { algorithm, memoryCost: 256, timeCost: 2, parallelism: 2 });
    assert.strictEqual(await argon2.verify(ours, 'pässwörd'), true, ours);
    assert.strictEqual(await argon2.verify(ours, 'x'), false);
  }
});

test('password_interop_with_bcryptjs', async () => {
  const bcryptjs = require('bcryptjs');
  for (const pw of ['', 'a', 'pässwörd', 'x'.repeat(72)]) {
    const theirs = bcryptjs.hashSync(pw, 5);
    assert.strictEqual(await password.verify(theirs, pw), true, pw);
    const ours = await password.hash(pw, { algorithm: 'bcrypt', cost: 5 });
    assert.strictEqual(bcryptjs.compareSync(pw, ours), true, ours);
    assert.strictEqual(bcryptjs.compareSync(`${pw}!`.slice(0, 72) === pw ? `${pw.slice(0, -1)}?` : `${pw}!`, ours), false);
  }
});

test('password_interop_with_python_passlib_argon2_cffi_and_bcrypt', { skip: pySkip }, async () => {
  assert.ok(python, 'CI installs python3-passlib, python3-argon2 and python3-bcrypt');
  const pw = 'pässwörd';
  // Theirs → ours.
  const theirs = JSON.parse(py(`
import json, sys, argon2, bcrypt
from passlib.hash import scrypt
pw = sys.argv[1]
print(json.dumps([
  argon2.PasswordHasher(time_cost=2, memory_cost=256, parallelism=2).hash(pw),
  scrypt.using(rounds=10, block_size=8).hash(pw),
  bcrypt.hashpw(pw.encode(), bcrypt.gensalt(5)).decode(),
]))`, pw));
  for (const h of theirs) {
    assert.strictEqual(await password.verify(h, pw), true, h);
    assert.strictEqual(await password.verify(h, 'nope'), false, h);
  }
  // Ours → theirs.
  const ours = [
    await password.hash(pw, FAST.argon2id),
    await password.hash(pw, FAST.scrypt),
    await password.hash(pw, { algorithm: 'bcrypt', cost: 5 }),
  ];
  const verdict = JSON.parse(py(`
import json, sys, argon2, bcrypt
from passlib.hash import scrypt
pw, a, s, b = sys.argv[1:]
ok = []
try: ok.append(argon2.PasswordHasher().verify(a, pw))
except Exception as e: ok.append(str(e))
ok.append(scrypt.verify(pw, s))
ok.append(bcrypt.checkpw(pw.encode(), b.encode()))
print(json.dumps(ok))`, pw, ...ours));
  assert.deepStrictEqual(verdict, [true, true, true]);
});

test('password_malformed_strings_reject_and_never_verify_true', async () => {
  const good = await password.hash('pw', FAST.argon2id);
  const cases = ['', '$', 'plain', '$argon2id$', good.slice(0, -10), good.replace('m=64', 'm=x'),
    good.replace('$v=19', '$v=42'), good.replace(',t=1', ''), `${good}$extra`,
    good.replace('argon2id', 'argon2x'), '$2b$04$short', '$2c$04$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.',
    '$2b$03$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', '$scrypt$ln=0,r=8,p=1$c2FsdHNhbHQ$aGFzaA',
    good.replace(/\$[^$]+$/, '$!!!!')];
  for (const bad of cases) {
    await assert.rejects(password.verify(bad, 'pw'), { code: 'ERR_INVALID_ARG_VALUE' }, bad);
    assert.throws(() => password.verifySync(bad, 'pw'), { code: 'ERR_INVALID_ARG_VALUE' }, bad);
  }
  await assert.rejects(password.verify(42, 'pw'), { code: 'ERR_INVALID_ARG_TYPE' });
  // A tampered parameter or byte that still parses: false, never true.
  const tampered = [good.replace('t=1', 't=2'), good.replace('p=1', 'p=2').replace('m=64', 'm=64'),
    good.slice(0, -2) + (good.at(-2) === 'A' ? 'B' : 'A') + good.at(-1)];
  for (const t of tampered) assert.strictEqual(await password.verify(t, 'pw'), false, t);
  let trues = 0;
  for (let i = 0; i < 40; i++) {
    const pos = 1 + Math.floor(Math.random() * (good.length - 1));
    const mutated = good.slice(0, pos) + String.fromCharCode(33 + Math.floor(Math.random() * 90)) + good.slice(pos + 1);
    if (mutated === good) continue;
    const r = await password.verify(mutated, 'pw').catch((e) => e.code);
    if (r === true) trues++;
    else assert.ok(r === false || r === 'ERR_INVALID_ARG_VALUE' || r === 'ERR_OUT_OF_RANGE', String(r));
  }
  assert.strictEqual(trues, 0);
});

test('password_limits_guard_against_absurd_stored_parameters', async () => {
  const huge = '$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
  await assert.rejects(password.verify(huge, 'pw'), { code: 'ERR_OUT_OF_RANGE', message: /maxMemory/ });
  await assert.rejects(password.verify(huge.replace('t=2', 't=1000'), 'pw', { maxMemory: 2 ** 33 }),
    { code: 'ERR_OUT_OF_RANGE', message: /maxTimeCost/ });
  await assert.rejects(password.verify('$scrypt$ln=20,r=8,p=1$c29tZXNhbHQ$aGFzaGhhc2g', 'pw'),
    { code: 'ERR_OUT_OF_RANGE', message: /maxMemory/ });
  await assert.rejects(password.verify('$2b$20$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', 'pw'),
    { code: 'ERR_OUT_OF_RANGE', message: /maxBcryptCost/ });
  await assert.rejects(password.hash('pw', { algorithm: 'argon2id', memoryCost: 2 ** 20 }),
    { code: 'ERR_OUT_OF_RANGE' });
  assert.ok(await password.hash('pw', { algorithm: 'argon2id', memoryCost: 2 ** 19, timeCost: 1, maxMemory: 2 ** 30 }));
});

test('password_bcrypt_72_bytes_and_nul_are_explicit', async () => {
  const h72 = await password.hash('é'.repeat(36), FAST.bcrypt); // 72 bytes
  assert.strictEqual(await password.verify(h72, 'é'.repeat(36)), true);
  await assert.rejects(password.hash('x'.repeat(73), FAST.bcrypt), { code: 'ERR_OUT_OF_RANGE', message: /72 bytes/ });
  await assert.rejects(password.verify(h72, 'x'.repeat(73)), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(password.hash('a\0b', FAST.bcrypt), { code: 'ERR_INVALID_ARG_VALUE', message: /NUL/ });
  // argon2 and scrypt take any length and any byte.
  const long = 'x'.repeat(1000) + '\0';
  assert.strictEqual(await password.verify(await password.hash(long, FAST.argon2id), long), true);
});

test('password_options_are_validated', async () => {
  await assert.rejects(password.hash('pw', { algorithm: 'md5' }), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(password.hash('pw', { memorycost: 64 }), { code: 'ERR_INVALID_ARG_VALUE', message: /memorycost/ });
  await assert.rejects(password.hash('pw', { timeCost: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(password.hash('pw', { timeCost: 1.5 }), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(password.hash('pw', { algorithm: 'scrypt', cost: 1000 }), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(password.hash(42), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(password.hash('pw', 'argon2id'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => password.hashSync('pw', { saltLength: 4 }), { code: 'ERR_OUT_OF_RANGE' });
  // Inherited options are not read.
  const evil = Object.create({ algorithm: 'bcrypt' });
  assert.ok((await password.hash('pw', Object.assign(evil, { memoryCost: 64, timeCost: 1 }))).startsWith('$argon2id$'));
});

test('password_secret_and_fixed_salt', async () => {
  const salt = Buffer.alloc(16, 9);
  const a = await password.hash('pw', { ...FAST.argon2id, salt, secret: 'pepper' });
  const b = await password.hash('pw', { ...FAST.argon2id, salt });
  assert.notStrictEqual(a, b);
  assert.strictEqual(await password.verify(a, 'pw', { secret: 'pepper' }), true);
  assert.strictEqual(await password.verify(a, 'pw'), false);
  assert.strictEqual(await password.hash('pw', { ...FAST.argon2id, salt }), b, 'deterministic with a salt');
});

test('password_abort_and_timeout_settle_at_once', async () => {
  const ac = new AbortController();
  const p = password.hash('pw', { algorithm: 'argon2id', memoryCost: 65536, timeCost: 16, signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { code: 'ABORT_ERR' });
  await assert.rejects(password.hash('pw', { algorithm: 'argon2id', memoryCost: 65536, timeCost: 16, timeout: 20 }),
    { code: 'ERR_OFFLOAD_TASK_TIMEOUT' });
  await assert.rejects(password.verify('$2b$04$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', 'x',
    { signal: AbortSignal.abort() }), { code: 'ABORT_ERR' });
});

test('password_needs_rehash', async () => {
  const weak = await password.hash('pw', FAST.argon2id);
  assert.strictEqual(password.needsRehash(weak), true);
  assert.strictEqual(password.needsRehash(weak, FAST.argon2id), false);
  assert.strictEqual(password.needsRehash(weak, { ...FAST.argon2id, timeCost: 2 }), true);
  assert.strictEqual(password.needsRehash(weak, { algorithm: 'scrypt' }), true);
  const b = await password.hash('pw', { algorithm: 'bcrypt', cost: 4 });
  assert.strictEqual(password.needsRehash(b, { algorithm: 'bcrypt', cost: 4 }), false);
  assert.strictEqual(password.needsRehash(b, { algorithm: 'bcrypt' }), true); // default cost 10
  assert.throws(() => password.needsRehash('$nope'), { code: 'ERR_INVALID_ARG_VALUE' });
});
