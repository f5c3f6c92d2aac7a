'use strict';
// The hash module's face: one-shot, batch and file digests (traced on
// offload:hash), and streams.
const { tracePromise, traceSync } = require('../tracing');
const one = require('./one_shot');
const { Hash, createHash } = require('./stream');
const { hashKernels } = require('./kernels');

module.exports = {
  hash: tracePromise('hash', 'hash', one.hash),
  hashSync: traceSync('hash', 'hashSync', one.hashSync),
  hashMany: tracePromise('hash', 'hashMany', one.hashMany),
  hashFile: tracePromise('hash', 'hashFile', one.hashFile),
  getHashes: one.getHashes,
  Hash,
  createHash,
  hashKernels,
};
