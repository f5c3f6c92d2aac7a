'use strict';
/**
 * offload: CPU-heavy work on a native executor, so the event loop stays
 * free. CommonJS entry; lib/index.mjs re-exports it for ESM.
 */
const executor = require('./executor');
const hash = require('./hash');
const codec = require('./codec');
const image = require('./image');
const breaker = require('./breaker');
const express = require('./express');
const { WorkerPool } = require('./pool');
const { codes } = require('./errors');

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
  createHash: hash.createHash,
  Hash: hash.Hash,
  password: hash.password,
  CircuitBreaker: breaker.CircuitBreaker,
  breakers: Object.freeze({ get: breaker.get, getAll: breaker.getAll,
    Status: breaker.Status, MemoryCache: breaker.MemoryCache }),
  express: Object.freeze({ shed: express.shed }),
  compress: codec.compress,
  decompress: codec.decompress,
  compressSync: codec.compressSync,
  decompressSync: codec.decompressSync,
  createCompressStream: codec.createCompressStream,
  createDecompressStream: codec.createDecompressStream,
  CompressStream: codec.CompressStream,
  DecompressStream: codec.DecompressStream,
  compression: express.compression,
  resize: image.resize,
  resizeSync: image.resizeSync,
  image: Object.freeze({ ...image }),
  WorkerPool,
  /** Internal helpers for tests; not part of the public API. */
  _internal: Object.freeze({
    spin: executor.spin,
    hashKernels: hash.hashKernels,
    imageSimd: (mask = -1) => require('./binding').imageSimd(mask),
  }),
};
