'use strict';
/**
 * offload: CPU-heavy work on a native executor, so the event loop stays
 * free. CommonJS entry; lib/index.mjs re-exports it for ESM.
 */
const executor = require('./executor');
const hash = require('./hash');
const { createHash, Hash } = require('./hash-stream');
const compress = require('./compress');
const image = require('./image');
const imageOps = require('./image/index.js');
const compressStream = require('./compress-stream');
const { compression } = require('./middleware');
const { codes } = require('./errors');
const { CircuitBreaker } = require('./breaker');
const breakers = require('./breakers');
const express = require('./express');
const { WorkerPool } = require('./pool/pool');

module.exports = {
  configure: executor.configure,
  stats: executor.stats,
  // Frozen copies: writing to an export must never change how offload
  // itself builds its errors.
  errors: Object.freeze({ ...codes }),
  hash: hash.hash,
  hashSync: hash.hashSync,
  hashMany: hash.hashMany,
  hashFile: hash.hashFile,
  getHashes: hash.getHashes,
  createHash,
  Hash,
  CircuitBreaker,
  breakers: Object.freeze({ get: breakers.get, getAll: breakers.getAll }),
  express: Object.freeze({ shed: express.shed }),
  compress: compress.compress,
  decompress: compress.decompress,
  compressSync: compress.compressSync,
  decompressSync: compress.decompressSync,
  createCompressStream: compressStream.createCompressStream,
  createDecompressStream: compressStream.createDecompressStream,
  CompressStream: compressStream.CompressStream,
  DecompressStream: compressStream.DecompressStream,
  compression,
  resize: image.resize,
  resizeSync: image.resizeSync,
  image: imageOps,
  WorkerPool,
  /** Internal helpers for tests; not part of the public API. */
  _internal: Object.freeze({
    spin: executor.spin,
    imageSimd: (mask = -1) => require('./binding').imageSimd(mask),
  }),
};
