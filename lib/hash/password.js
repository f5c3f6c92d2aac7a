'use strict';
// offload.password: argon2id/argon2i/argon2d, scrypt and bcrypt on the
// executor (never libuv's pool), as the encoded strings other libraries
// read (lib/hash/password_format.js). Limits on memory and time guard
// verify() against stored hashes with absurd parameters.
const crypto = require('crypto');
const binding = require('../binding');
const { codes, fromStatus, unreadable } = require('../errors');
const {
  validateObject, validateInteger, validateOneOf, toBytes, taskOptions,
} = require('../validate');
const { run } = require('../executor');
const fmt = require('./password_format');

const KIND = { argon2: 0, scrypt: 1, bcrypt: 2 };
const ALGORITHMS = ['argon2id', 'argon2i', 'argon2d', 'scrypt', 'bcrypt'];
// OWASP Password Storage Cheat Sheet (2025): argon2id m=19 MiB, t=2, p=1;
// scrypt N=2^17, r=8, p=1; bcrypt cost 10 or more.
const DEFAULTS = Object.freeze({
  algorithm: 'argon2id',
  memoryCost: 19456, timeCost: 2, parallelism: 1,
  cost: 2 ** 17, blockSize: 8, parallelization: 1,
  bcryptCost: 10,
  saltLength: 16, hashLength: 32,
  maxMemory: 256 * 1024 * 1024, maxTimeCost: 16, maxParallelism: 16,
  maxBcryptCost: 16,
});
const HASH_OPTIONS = new Set(['algorithm', 'memoryCost', 'timeCost',
  'parallelism', 'cost', 'blockSize', 'parallelization', 'saltLength',
  'hashLength', 'salt', 'secret', 'maxMemory', 'maxTimeCost',
  'maxParallelism', 'maxBcryptCost', 'signal', 'timeout', 'priority']);
const VERIFY_OPTIONS = new Set(['secret', 'maxMemory', 'maxTimeCost',
  'maxParallelism', 'maxBcryptCost', 'signal', 'timeout', 'priority']);

function options(value, allowed) {
  const o = validateObject(value, 'options');
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${k}`, o[k], 'is not an option of offload.password');
    }
  }
  const int = (k, min, max) => (o[k] === undefined ? DEFAULTS[k] :
    validateInteger(o[k], `options.${k}`, min, max));
  return {
    o,
    maxMemory: int('maxMemory', 1024, Number.MAX_SAFE_INTEGER),
    maxTimeCost: int('maxTimeCost', 1, 2 ** 32 - 1),
    maxParallelism: int('maxParallelism', 1, 2 ** 24 - 1),
    maxBcryptCost: int('maxBcryptCost', 4, 31),
    secret: o.secret === undefined ? null : utf8(o.secret, 'options.secret'),
    task: taskOptions(o),
  };
}

const over = (name, limit, value, option) => codes.ERR_OUT_OF_RANGE(name,
  `<= ${limit} (options.${option})`, value);

// The limits every parameter set must meet, hashing or verifying.
function checkLimits(p, lim) {
  if (p.algorithm === 'bcrypt') {
    if (p.cost > lim.maxBcryptCost) throw over('cost', lim.maxBcryptCost, p.cost, 'maxBcryptCost');
    return;
  }
  const par = p.algorithm === 'scrypt' ? p.parallelization : p.parallelism;
  if (par > lim.maxParallelism) throw over('parallelism', lim.maxParallelism, par, 'maxParallelism');
  if (p.algorithm === 'scrypt') {
    const mem = 128 * p.cost * p.blockSize + 128 * p.blockSize * p.parallelization;
    if (mem > lim.maxMemory) throw over('memory (128 * N * r)', lim.maxMemory, mem, 'maxMemory');
    if (p.cost * p.parallelization > lim.maxTimeCost * 2 ** 20) {
      throw over('N * p', lim.maxTimeCost * 2 ** 20, p.cost * p.parallelization, 'maxTimeCost');
    }
    return;
  }
  if (p.memoryCost * 1024 > lim.maxMemory) {
    throw over('memoryCost (KiB)', Math.floor(lim.maxMemory / 1024), p.memoryCost, 'maxMemory');
  }
  if (p.timeCost > lim.maxTimeCost) throw over('timeCost', lim.maxTimeCost, p.timeCost, 'maxTimeCost');
}

// UTF-8 for strings, as node:crypto and the peers encode them.
const utf8 = (v, name) => {
  const b = toBytes(v, name, { allowString: true });
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
};

function passwordBytes(password, algorithm) {
  const bytes = utf8(password, 'password');
  if (algorithm === 'bcrypt') {
    if (bytes.byteLength > 72) {
      throw codes.ERR_OUT_OF_RANGE('password', 'at most 72 bytes for bcrypt ' +
        '(bcrypt ignores the rest; use argon2id, or hash the password first)',
      `${bytes.byteLength} bytes`);
    }
    if (bytes.includes(0)) {
      throw codes.ERR_INVALID_ARG_VALUE('password', '(bytes)',
        'holds a NUL byte, which bcrypt implementations truncate at');
    }
  }
  return bytes;
}

// The native call's arguments for parameter set p (salt included).
function nativeArgs(p, pw, lim) {
  if (p.algorithm === 'bcrypt') {
    return [KIND.bcrypt, pw, p.salt, p.cost, p.minor.charCodeAt(0)];
  }
  if (p.algorithm === 'scrypt') {
    // OpenSSL's own cap (32 MiB by default) is set above ours, which
    // checkLimits() has applied already.
    return [KIND.scrypt, pw, p.salt, p.cost, p.blockSize, p.parallelization,
      lim.maxMemory + 2 ** 20, p.hashLength];
  }
  return [KIND.argon2, pw, p.salt, lim.secret, fmt.ARGON2_TYPES[p.algorithm],
    p.version === 16 ? 0x10 : 0x13, p.timeCost, p.memoryCost, p.parallelism,
    p.hashLength];
}

function encode(p, out) {
  if (p.algorithm === 'bcrypt') return out;
  if (p.algorithm === 'scrypt') {
    return fmt.formatScrypt(Math.log2(p.cost), p.blockSize, p.parallelization, p.salt, out);
  }
  return fmt.formatArgon2(p.algorithm, p.version, p.memoryCost, p.timeCost,
    p.parallelism, p.salt, out);
}

// The parameter set for hash(): the options over the defaults.
function hashParams(lim) {
  const o = lim.o;
  const algorithm = o.algorithm === undefined ? DEFAULTS.algorithm :
    validateOneOf(o.algorithm, 'options.algorithm', ALGORITHMS);
  const int = (k, min, max, d = DEFAULTS[k]) => (o[k] === undefined ? d :
    validateInteger(o[k], `options.${k}`, min, max));
  let salt;
  if (o.salt !== undefined) {
    salt = Buffer.from(utf8(o.salt, 'options.salt'));
  } else {
    salt = crypto.randomBytes(algorithm === 'bcrypt' ? 16 : int('saltLength', 8, 1024));
  }
  if (algorithm === 'bcrypt') {
    if (salt.length !== 16) throw codes.ERR_OUT_OF_RANGE('options.salt', '16 bytes for bcrypt', salt.length);
    return { algorithm, minor: 'b', cost: int('cost', 4, 31, DEFAULTS.bcryptCost), salt };
  }
  if (salt.length < 8 || salt.length > 1024) throw codes.ERR_OUT_OF_RANGE('options.salt', '8..1024 bytes', salt.length);
  const hashLength = int('hashLength', 4, 1024);
  if (algorithm === 'scrypt') {
    const cost = int('cost', 2, 2 ** 40);
    if (!Number.isInteger(Math.log2(cost))) {
      throw codes.ERR_INVALID_ARG_VALUE('options.cost', cost, 'must be a power of 2');
    }
    return { algorithm, cost, blockSize: int('blockSize', 1, 2 ** 20),
      parallelization: int('parallelization', 1, 2 ** 20), salt, hashLength };
  }
  const parallelism = int('parallelism', 1, 2 ** 24 - 1);
  return { algorithm, version: 19, memoryCost: int('memoryCost', 8 * parallelism, 2 ** 32 - 1),
    timeCost: int('timeCost', 1, 2 ** 32 - 1), parallelism, salt, hashLength };
}

function verifyParams(encoded, lim) {
  const p = fmt.parse(encoded);
  if (p.algorithm !== 'bcrypt') p.hashLength = p.hash.length;
  // argon2's own minimums (8-byte salt, 4-byte hash); scrypt has none, and
  // RFC 7914's own vectors use a 4-byte salt.
  if (p.algorithm.startsWith('argon2') && (p.hashLength < 4 || p.salt.length < 8)) {
    throw codes.ERR_INVALID_ARG_VALUE('encoded', '(a stored hash)', 'has a salt or hash too short');
  }
  checkLimits(p, lim);
  return p;
}

function matches(p, out) {
  const want = p.algorithm === 'bcrypt' ? Buffer.from(p.encoded, 'latin1') : p.hash;
  const got = p.algorithm === 'bcrypt' ? Buffer.from(out, 'latin1') : out;
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

function runNative(args, task) {
  // A KDF cannot stop halfway: an abort or timeout settles the promise at
  // once, and the computation finishes on its thread, its result dropped.
  return run((cb, timeout) => binding.passwordHash(...args, task.lane, timeout, cb),
    task, { settleOnCancel: true });
}

function syncNative(args) {
  const out = binding.passwordHashSync(...args);
  if (typeof out === 'number') throw fromStatus(out);
  return out;
}

/**
 * @example const stored = await offload.password.hash('correct horse');
 */
function hash(password, opts) {
  let p;
  let args;
  let lim;
  try {
    lim = options(opts, HASH_OPTIONS);
    p = hashParams(lim);
    checkLimits(p, lim);
    args = nativeArgs(p, passwordBytes(password, p.algorithm), lim);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  return runNative(args, lim.task).then((out) => encode(p, out));
}

function hashSync(password, opts) {
  const lim = options(opts, HASH_OPTIONS);
  const p = hashParams(lim);
  checkLimits(p, lim);
  return encode(p, syncNative(nativeArgs(p, passwordBytes(password, p.algorithm), lim)));
}

/**
 * Resolves true when `password` matches `encoded`, false when it does not;
 * rejects (ERR_INVALID_ARG_VALUE) for a malformed or unknown string, and
 * (ERR_OUT_OF_RANGE) for parameters over the limits.
 * @example if (await offload.password.verify(user.hash, req.body.password)) login();
 */
function verify(encoded, password, opts) {
  let p;
  let args;
  let lim;
  try {
    lim = options(opts, VERIFY_OPTIONS);
    p = verifyParams(encoded, lim);
    args = nativeArgs(p, passwordBytes(password, p.algorithm), lim);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  return runNative(args, lim.task).then((out) => matches(p, out));
}

function verifySync(encoded, password, opts) {
  const lim = options(opts, VERIFY_OPTIONS);
  const p = verifyParams(encoded, lim);
  return matches(p, syncNative(nativeArgs(p, passwordBytes(password, p.algorithm), lim)));
}

/**
 * True when `encoded` was made with another algorithm or weaker
 * parameters than `options` (the defaults when omitted) ask for.
 */
function needsRehash(encoded, opts) {
  const o = validateObject(opts, 'options');
  const want = hashParams({ o: { ...o, salt: Buffer.alloc(16) } });
  const have = fmt.parse(encoded);
  if (have.algorithm !== want.algorithm) return true;
  if (want.algorithm === 'bcrypt') return have.cost < want.cost;
  if (want.algorithm === 'scrypt') {
    return have.cost < want.cost || have.blockSize < want.blockSize ||
      have.parallelization < want.parallelization || have.hash.length < want.hashLength;
  }
  return have.version !== 19 || have.memoryCost < want.memoryCost ||
    have.timeCost < want.timeCost || have.parallelism < want.parallelism ||
    have.hash.length < want.hashLength;
}

module.exports = {
  hash, hashSync, verify, verifySync, needsRehash, DEFAULTS,
};
