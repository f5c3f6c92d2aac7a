'use strict';
/**
 * offload: CPU-heavy work on a native executor, so the event loop stays
 * free. CommonJS entry; lib/index.mjs re-exports it for ESM.
 */
const executor = require('./executor');
const compress = require('./compress');
const compressStream = require('./compress-stream');
const { compression } = require('./middleware');
const { codes } = require('./errors');

module.exports = {
  configure: executor.configure,
  stats: executor.stats,
  errors: codes,
  compress: compress.compress,
  decompress: compress.decompress,
  compressSync: compress.compressSync,
  decompressSync: compress.decompressSync,
  createCompressStream: compressStream.createCompressStream,
  createDecompressStream: compressStream.createDecompressStream,
  CompressStream: compressStream.CompressStream,
  DecompressStream: compressStream.DecompressStream,
  compression,
  /** Internal helpers for tests; not part of the public API. */
  _internal: { spin: executor.spin },
};
