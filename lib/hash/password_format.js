'use strict';
// The encoded strings of stored password hashes, as other libraries write
// and read them:
//   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>  (PHC; libargon2, node-argon2, argon2-cffi)
//   $scrypt$ln=17,r=8,p=1$<salt>$<hash>           (PHC; passlib)
//   $2b$10$<22 salt chars><31 hash chars>           (Modular Crypt Format; OpenBSD, bcrypt, bcryptjs)
// PHC fields are base64 without padding; bcrypt has its own alphabet.
const { codes } = require('../errors');

const BCRYPT_B64 =
  './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ARGON2_TYPES = { argon2d: 0, argon2i: 1, argon2id: 2 };
const MAX_FIELD = 1024; // bytes of a salt or hash we accept to parse

const invalid = (reason) =>
  codes.ERR_INVALID_ARG_VALUE('encoded', '(a stored hash)', reason);

function b64(buf) {
  return buf.toString('base64').replace(/=+$/, '');
}

function fromB64(s, what) {
  if (!/^[A-Za-z0-9+/]+$/.test(s) || s.length % 4 === 1 ||
      s.length > MAX_FIELD * 4 / 3 + 2) {
    throw invalid(`has a malformed ${what}`);
  }
  const buf = Buffer.from(s, 'base64');
  if (b64(buf) !== s) throw invalid(`has a non-canonical ${what}`);
  return buf;
}

// "m=19456,t=2,p=1" → { m: 19456, ... }, only the names allowed, each once.
function params(s, allowed) {
  const out = Object.create(null);
  for (const part of s.split(',')) {
    const m = /^([a-z]+)=(0|[1-9][0-9]{0,9})$/.exec(part);
    if (m === null || !allowed.includes(m[1]) || m[1] in out) {
      throw invalid(`has a malformed parameter "${part.slice(0, 40)}"`);
    }
    out[m[1]] = Number(m[2]);
  }
  for (const name of allowed) {
    if (!(name in out)) throw invalid(`has no "${name}" parameter`);
  }
  return out;
}

function formatArgon2(algorithm, version, m, t, p, salt, hash) {
  return `$${algorithm}$v=${version}$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(hash)}`;
}

function formatScrypt(ln, r, p, salt, hash) {
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}

function bcryptSaltChars(salt) {
  let out = '';
  for (let i = 0; i < salt.length; i += 3) {
    const c1 = salt[i];
    const c2 = i + 1 < salt.length ? salt[i + 1] : 0;
    const c3 = i + 2 < salt.length ? salt[i + 2] : 0;
    out += BCRYPT_B64[c1 >> 2] + BCRYPT_B64[((c1 & 3) << 4) | (c2 >> 4)];
    if (i + 1 >= salt.length) break;
    out += BCRYPT_B64[((c2 & 15) << 2) | (c3 >> 6)];
    if (i + 2 >= salt.length) break;
    out += BCRYPT_B64[c3 & 63];
  }
  return out;
}

function bcryptSaltBytes(chars) {
  const out = Buffer.alloc(16);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of chars) {
    acc = ((acc << 6) | BCRYPT_B64.indexOf(ch)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < 16) out[n++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/**
 * Parses a stored hash. @return { algorithm, ...its parameters, salt, hash }
 * (bcrypt: { algorithm: 'bcrypt', minor, cost, salt, encoded }).
 * Throws ERR_INVALID_ARG_VALUE for anything malformed or unknown.
 */
function parse(encoded) {
  if (typeof encoded !== 'string') {
    throw codes.ERR_INVALID_ARG_TYPE('encoded', 'of type string', encoded);
  }
  if (encoded.length > 4096) throw invalid('is too long');
  const bc = /^\$2([aby])\$([0-9]{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(encoded);
  if (bc !== null) {
    const cost = Number(bc[2]);
    if (cost < 4 || cost > 31) throw invalid('has a bcrypt cost outside 4..31');
    return { algorithm: 'bcrypt', minor: bc[1], cost, salt: bcryptSaltBytes(bc[3]), encoded };
  }
  const f = encoded.split('$');
  if (f[0] !== '' || f.length < 2) throw invalid('is not a PHC or bcrypt string');
  const id = f[1];
  if (id in ARGON2_TYPES) {
    // $argon2id$v=19$m=..,t=..,p=..$salt$hash, or with no v= (version 16).
    let version = 16;
    let i = 2;
    if (f.length === 6) {
      const v = /^v=(16|19)$/.exec(f[2]);
      if (v === null) throw invalid('has an unknown argon2 version');
      version = Number(v[1]);
      i = 3;
    } else if (f.length !== 5) {
      throw invalid('is not a complete argon2 string');
    }
    const p = params(f[i], ['m', 't', 'p']);
    return {
      algorithm: id, version, memoryCost: p.m, timeCost: p.t, parallelism: p.p,
      salt: fromB64(f[i + 1], 'salt'), hash: fromB64(f[i + 2], 'hash'),
    };
  }
  if (id === 'scrypt') {
    if (f.length !== 5) throw invalid('is not a complete scrypt string');
    const p = params(f[2], ['ln', 'r', 'p']);
    if (p.ln < 1 || p.ln > 63) throw invalid('has a scrypt ln outside 1..63');
    return {
      algorithm: 'scrypt', cost: 2 ** p.ln, blockSize: p.r, parallelization: p.p,
      salt: fromB64(f[3], 'salt'), hash: fromB64(f[4], 'hash'),
    };
  }
  throw invalid(`has an unknown algorithm "${String(id).slice(0, 20)}"`);
}

module.exports = {
  ARGON2_TYPES, parse, formatArgon2, formatScrypt, bcryptSaltChars,
};
