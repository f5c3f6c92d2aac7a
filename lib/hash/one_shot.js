'use strict';
// Hashing: hash (promise), hashSync, hashMany, hashFile, getHashes.
// Validation lives here; native code repeats only the cheap checks.
const os = require('os');
const { fileURLToPath } = require('url');
const binding = require('../binding');
const { codes, coded, fromStatus, unreadable } = require('../errors');
const {
  validateObject, validateString, validateOneOf, validateInteger, toBytes,
  taskOptions, viewByteLength,
} = require('../validate');
const { run, executorThreads } = require('../executor');

const NAMES = Object.freeze([...binding.hashAlgorithms]);
const IDS = new Map(NAMES.map((n, i) => [n, i]));
const HMAC_ALGOS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384',
  'sha512', 'sha512-256', 'sha3-256', 'sha3-512']);
const SEEDED = new Set(['xxh32', 'xxh64', 'xxh3', 'xxh3-128']);
const { ENCODINGS } = require('./encodings');
const MAX_XOF = 2 ** 30;
const KEY_INLINE_MAX = 256; // longer HMAC keys are pre-hashed, as HMAC does

// Below this size a promise call hashes on the calling thread: handing
// off costs more than the work (measured in bench/hash.js).
const INLINE_MAX = 16 * 1024;
// BLAKE3 inputs at least this large are split across executor threads.
const PARALLEL_MIN = 4 * 1024 * 1024;

/** Resolves algorithm + options into the native argument tuple. */
function parse(algorithm, options) {
  validateString(algorithm, 'algorithm');
  const id = IDS.get(algorithm);
  if (id === undefined) {
    throw codes.ERR_INVALID_ARG_VALUE('algorithm', algorithm,
      'is not a supported hash algorithm (see offload.getHashes())');
  }
  // As in crypto.hash(algorithm, data, outputEncoding).
  const o = typeof options === 'string' ? { encoding: options }
    : validateObject(options, 'options');
  let encoding = 'buffer';
  if (o.encoding !== undefined) {
    encoding = validateOneOf(o.encoding, 'options.encoding', ENCODINGS);
  }
  let key;
  if (o.key !== undefined) {
    if (algorithm !== 'blake3' && !HMAC_ALGOS.has(algorithm)) {
      throw codes.ERR_INVALID_ARG_VALUE('options.key', '<key>',
        `is not supported by ${algorithm} (it has no keyed mode)`);
    }
    key = toBytes(o.key, 'options.key', { allowString: true });
    if (typeof key === 'string') key = Buffer.from(key, 'utf8');
    const len = key.byteLength;
    if (algorithm === 'blake3' && len !== 32) {
      throw codes.ERR_INVALID_ARG_VALUE('options.key', `<${len} bytes>`,
        'must be exactly 32 bytes for blake3');
    }
    if (len > KEY_INLINE_MAX) {
      key = binding.hashSync(key, id, undefined, 0n, 0);
    }
  }
  let seed = 0n;
  if (o.seed !== undefined) {
    if (!SEEDED.has(algorithm)) {
      throw codes.ERR_INVALID_ARG_VALUE('options.seed', o.seed,
        `is only supported by the xxHash algorithms, not ${algorithm}`);
    }
    if (typeof o.seed === 'bigint') {
      if (o.seed < 0n || o.seed >= 2n ** 64n) {
        throw codes.ERR_OUT_OF_RANGE('options.seed', '>= 0 and < 2 ** 64',
          o.seed);
      }
      seed = o.seed;
    } else {
      seed = BigInt(validateInteger(o.seed, 'options.seed', 0,
        Number.MAX_SAFE_INTEGER));
    }
  }
  let outLen = 0;
  if (o.outputLength !== undefined) {
    if (algorithm !== 'blake3') {
      throw codes.ERR_INVALID_ARG_VALUE('options.outputLength',
        o.outputLength, `is only supported by blake3, not ${algorithm}`);
    }
    outLen = validateInteger(o.outputLength, 'options.outputLength', 1,
      MAX_XOF);
  }
  return { id, key, seed, outLen, encoding, opts: o };
}

function encode(buf, encoding) {
  return encoding === 'buffer' ? buf : buf.toString(encoding);
}

function input(data, name = 'data') {
  const v = toBytes(data, name, { allowString: true });
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/**
 * Hashes on the calling thread.
 * @example offload.hashSync('sha256', 'hello', { encoding: 'hex' })
 */
function hashSync(algorithm, data, options) {
  const fast = fastSync(algorithm, data, options);
  if (fast !== undefined) return fast;
  const p = parse(algorithm, options);
  return binding.hashSync(nativeInput(data), p.id, p.key, p.seed, p.outLen,
    ENC_IDS.get(p.encoding));
}

const ENC_IDS = new Map(ENCODINGS.map((e, i) => [e, i]));

// The common call, hashSync(algo, stringOrView[, encoding]), skips option
// parsing: tiny hashes are dominated by per-call overhead.
function fastSync(algorithm, data, options) {
  if (options !== undefined && typeof options !== 'string') return undefined;
  const id = IDS.get(algorithm);
  const enc = options === undefined ? 0 : ENC_IDS.get(options);
  if (id === undefined || enc === undefined) return undefined;
  if (typeof data !== 'string' && !ArrayBuffer.isView(data)) return undefined;
  return binding.hashQuick(data, id, enc);
}

// Strings go to native code as they are (hashed as UTF-8 there).
function nativeInput(data) {
  return typeof data === 'string' ? data : toBytes(data, 'data');
}

/**
 * Hashes on the executor (or inline for tiny inputs) and resolves with the
 * digest. Never throws: bad arguments reject.
 * @example const hex = await offload.hash('sha256', buf, { encoding: 'hex' })
 */
function hash(algorithm, data, options) {
  try {
    const size = typeof data === 'string' ? data.length * 3 :
      viewByteLength(data);
    if (size >= 0 && size <= INLINE_MAX) {
      const fast = fastSync(algorithm, data, options);
      if (fast !== undefined) return Promise.resolve(fast);
    }
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  let p;
  let bytes;
  let task;
  try {
    p = parse(algorithm, options);
    bytes = input(data);
    task = taskOptions(p.opts);
    if (bytes.byteLength <= INLINE_MAX && task.signal === undefined &&
        task.timeout === 0) {
      return Promise.resolve(binding.hashSync(bytes, p.id, p.key, p.seed,
        p.outLen, ENC_IDS.get(p.encoding)));
    }
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  const parallel = p.id === IDS.get('blake3') &&
    bytes.byteLength >= PARALLEL_MIN ? executorThreads() : 0;
  return run((cb, timeout) => binding.hash(bytes, p.id, p.key, p.seed,
    p.outLen, task.lane, timeout, parallel, cb), task)
    .then((buf) => encode(buf, p.encoding));
}

/**
 * Hashes many small inputs in one native task; resolves with an array of
 * digests in input order.
 * @example const [a, b] = await offload.hashMany('xxh3', ['a', 'b'])
 */
function hashMany(algorithm, list, options) {
  let p;
  let copy;
  let task;
  try {
    p = parse(algorithm, options);
    if (!Array.isArray(list)) {
      throw codes.ERR_INVALID_ARG_TYPE('list', 'an instance of Array', list);
    }
    // A private copy: the caller cannot drop an element mid-task.
    copy = list.map((d, i) => input(d, `list[${i}]`));
    task = taskOptions(p.opts);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  return run((cb, timeout) => binding.hashMany(copy, p.id, p.key, p.seed,
    p.outLen, task.lane, timeout, cb), task)
    .then((bufs) => (p.encoding === 'buffer' ? bufs
      : bufs.map((b) => b.toString(p.encoding))));
}

// Returns [bytes for native code, name for error messages]. Buffer paths
// pass through byte for byte, as in node:fs (non-UTF-8 names work).
function toPath(path) {
  let name = path;
  if (path instanceof URL) name = fileURLToPath(path);
  if (typeof name === 'string') return [Buffer.from(name, 'utf8'), name];
  if (Buffer.isBuffer(path)) return [path, path.toString('utf8')];
  throw codes.ERR_INVALID_ARG_TYPE('path',
    'of type string or an instance of Buffer or URL', path);
}

// Native fs failures arrive as "<CODE>|<syscall>|<message>"; rebuild the
// error node:fs would throw.
function fsError(status, detail, path, ctx) {
  const m = /^([A-Z0-9_]+)\|([a-z]+)\|(.*)$/.exec(detail || '');
  if (!m) {
    const t = /^NOTREG\|(.*)$/.exec(detail || '');
    if (t) {
      return codes.ERR_INVALID_ARG_VALUE('path', path,
        `must be a regular file; it is a ${t[1]}`);
    }
    return fromStatus(status, detail, ctx);
  }
  const [, code, syscall, message] = m;
  const errno = os.constants.errno[code];
  return coded(Error, code, `${code}: ${message}, ${syscall} '${path}'`,
    { errno: errno === undefined ? undefined : -errno, syscall, path });
}

/**
 * Reads and hashes a file on the executor: no JS buffers, bounded memory.
 * @example await offload.hashFile('sha256', '/tmp/upload.bin', { encoding: 'hex' })
 */
function hashFile(algorithm, path, options) {
  let p;
  let file;
  let bytes;
  let task;
  try {
    p = parse(algorithm, options);
    [bytes, file] = toPath(path);
    if (bytes.includes(0)) {
      throw codes.ERR_INVALID_ARG_VALUE('path', file,
        'must be a string without null bytes');
    }
    task = taskOptions(p.opts);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  const toError = (status, detail) =>
    fsError(status, detail, file, { signal: task.signal, timeout: task.timeout });
  return run((cb, timeout) => binding.hashFile(bytes, p.id, p.key, p.seed,
    p.outLen, task.lane, timeout, cb), task, { toError, settleOnCancel: true })
    .then((buf) => encode(buf, p.encoding));
}

/** The supported algorithm names. */
function getHashes() {
  return [...NAMES];
}

module.exports = {
  hash, hashSync, hashMany, hashFile, getHashes, parse, input, encode,
};
