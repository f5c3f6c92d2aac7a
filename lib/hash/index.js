'use strict';
// The hash module's face: one-shot, batch and file digests and password
// hashing (traced on offload:hash), and streams.
const { tracePromise, traceSync } = require('../tracing');
const one = require('./one_shot');
const { Hash, createHash } = require('./stream');
const pw = require('./password');
const { hashKernels } = require('./kernels');

module.exports = {
  hash: tracePromise('hash', 'hash', one.hash),
  hashSync: traceSync('hash', 'hashSync', one.hashSync),
  hashMany: tracePromise('hash', 'hashMany', one.hashMany),
  hashFile: tracePromise('hash', 'hashFile', one.hashFile),
  getHashes: one.getHashes,
  Hash,
  createHash,
  password: Object.freeze({
    hash: tracePromise('hash', 'password.hash', pw.hash),
    hashSync: traceSync('hash', 'password.hashSync', pw.hashSync),
    verify: tracePromise('hash', 'password.verify', pw.verify),
    verifySync: traceSync('hash', 'password.verifySync', pw.verifySync),
    needsRehash: pw.needsRehash,
  }),
  hashKernels,
};
