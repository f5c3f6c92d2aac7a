'use strict';
/**
 * offload: CPU-heavy work on a native executor, so the event loop stays
 * free. CommonJS entry; lib/index.mjs re-exports it for ESM.
 */
const executor = require('./executor');
const hash = require('./hash');
const { createHash, Hash } = require('./hash-stream');
const { codes } = require('./errors');
const { CircuitBreaker } = require('./breaker');
const breakers = require('./breakers');
const express = require('./express');

module.exports = {
  configure: executor.configure,
  stats: executor.stats,
  errors: codes,
  hash: hash.hash,
  hashSync: hash.hashSync,
  hashMany: hash.hashMany,
  hashFile: hash.hashFile,
  getHashes: hash.getHashes,
  createHash,
  Hash,
  CircuitBreaker,
  breakers: { get: breakers.get, getAll: breakers.getAll },
  express: { shed: express.shed },
  /** Internal helpers for tests; not part of the public API. */
  _internal: { spin: executor.spin },
};
