'use strict';
/**
 * offload: CPU-heavy work on a native executor, so the event loop stays
 * free. CommonJS entry; lib/index.mjs re-exports it for ESM.
 */
const executor = require('./executor');
const hash = require('./hash');
const { createHash, Hash } = require('./hash-stream');
const { codes } = require('./errors');

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
  /** Internal helpers for tests; not part of the public API. */
  _internal: { spin: executor.spin },
};
