'use strict';
// Validation of codec options, shared by the one-shot APIs and the
// streams: one block per option, each with one error format.
const { kMaxLength } = require('buffer');
const binding = require('../binding');
const { codes } = require('../errors');
const {
  validateObject, validateInteger, validateOneOf, toBytes,
} = require('../validate');

const CODECS = ['gzip', 'deflate', 'deflate-raw', 'brotli', 'zstd', 'lz4'];
const DECODERS = [...CODECS, 'auto'];
const DICTIONARY_CODECS = ['zstd', 'deflate', 'deflate-raw'];
const CHECKSUM_CODECS = ['zstd', 'lz4'];
const GZIP_FAMILY = ['gzip', 'deflate', 'deflate-raw'];
const LEVEL_DEFAULT = -(2 ** 31); // native OFL_CODEC_LEVEL_DEFAULT
const ZSTD_WINDOW_LOG_DEFAULT = 27;
const COMPRESS = 0;
const DECOMPRESS = 1;

/**
 * Checks `options` for compression (mode COMPRESS) or decompression and
 * returns the plain values the binding takes. `oneShot` widens the
 * gzip-family level range to libdeflate's 10..12. Throws coded errors.
 */
function codecOptions(opts, mode, { oneShot = false } = {}) {
  const options = validateObject(opts, 'options');
  const name = options.codec === undefined
    ? (mode === COMPRESS ? 'gzip' : 'auto')
    : validateOneOf(options.codec, 'options.codec',
      mode === COMPRESS ? CODECS : DECODERS);
  const [id, min, max, def] = binding.codecs[name];

  let dictionary;
  if (options.dictionary !== undefined) {
    if (name === 'brotli') {
      throw codes.ERR_INVALID_ARG_VALUE('options.dictionary', '<dictionary>',
        'is not supported for brotli: the linked libbrotli (1.0.9) has no ' +
        'custom dictionary API');
    }
    if (!DICTIONARY_CODECS.includes(name)) {
      throw codes.ERR_INVALID_ARG_VALUE('options.dictionary', '<dictionary>',
        `is supported for ${DICTIONARY_CODECS.join(', ')}, not '${name}'`);
    }
    dictionary = toBytes(options.dictionary, 'options.dictionary');
  }

  let level = LEVEL_DEFAULT;
  if (mode === COMPRESS && options.level !== undefined) {
    const top = oneShot && GZIP_FAMILY.includes(name) &&
      dictionary === undefined ? 12 : max;
    level = validateInteger(options.level, 'options.level', min, top);
  }

  // zstd and lz4 write a content checksum by default, as their CLIs do:
  // without it a corrupted byte decodes to wrong data, silently.
  let flags = mode === COMPRESS && CHECKSUM_CODECS.includes(name) ? 1 : 0;
  if (options.checksum !== undefined) {
    if (typeof options.checksum !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('options.checksum', 'of type boolean',
        options.checksum);
    }
    if (options.checksum && !CHECKSUM_CODECS.includes(name)) {
      throw codes.ERR_INVALID_ARG_VALUE('options.checksum', true,
        `is supported for zstd and lz4, not '${name}' (whose format ` +
        'carries its own checksum)');
    }
    flags = options.checksum ? 1 : 0;
  }

  let maxOutputLength = kMaxLength;
  if (options.maxOutputLength !== undefined) {
    maxOutputLength = validateInteger(options.maxOutputLength,
      'options.maxOutputLength', 1, kMaxLength);
  }

  // zstd's ZSTD_d_windowLogMax: 27 (128 MiB) unless raised. A raised limit
  // never goes past what maxOutputLength could use: no frame gets a window
  // larger than the output it is allowed to produce.
  let windowLogMax = ZSTD_WINDOW_LOG_DEFAULT;
  if (options.maxWindowLog !== undefined) {
    if (mode !== DECOMPRESS || (name !== 'zstd' && name !== 'auto')) {
      throw codes.ERR_INVALID_ARG_VALUE('options.maxWindowLog',
        options.maxWindowLog, "is supported for zstd decompression only");
    }
    windowLogMax = validateInteger(options.maxWindowLog,
      'options.maxWindowLog', 10, 31);
    if (options.maxOutputLength !== undefined) {
      const useful = Math.max(ZSTD_WINDOW_LOG_DEFAULT,
        Math.ceil(Math.log2(maxOutputLength)));
      windowLogMax = Math.min(windowLogMax, useful);
    }
    flags |= windowLogMax << 16;
  }

  let parallel = 'auto';
  if (options.parallel !== undefined) {
    if (options.parallel !== 'auto' && typeof options.parallel !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('options.parallel',
        "'auto' or of type boolean", options.parallel);
    }
    parallel = options.parallel;
  }
  return {
    name, id, level, flags, dictionary, maxOutputLength, parallel,
    windowLogMax, defaultLevel: def,
  };
}

/**
 * The window the first zstd frame of `b` (a Uint8Array) asks for, read
 * from its header (RFC 8878 §3.1.1.1), or undefined.
 */
function zstdWindowSize(b) {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f ||
      b[3] !== 0xfd) return undefined;
  const fhd = b[4];
  if ((fhd & 0x20) === 0) { // a window descriptor follows
    const wd = b[5];
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  // Single segment: the window is the content size.
  const did = [0, 1, 2, 4][fhd & 3];
  const fcs = [1, 2, 4, 8][fhd >> 6];
  const at = 5 + did;
  if (at + fcs > b.length) return undefined;
  let size = 0;
  for (let i = fcs - 1; i >= 0; i--) size = size * 256 + b[at + i];
  return fcs === 2 ? size + 256 : size;
}

module.exports = {
  zstdWindowSize,
  codecOptions, CODECS, DECODERS, GZIP_FAMILY, COMPRESS, DECOMPRESS,
};
