'use strict';
// The hash module's face: one-shot, batch and file digests, and streams.
const {
  hash, hashSync, hashMany, hashFile, getHashes,
} = require('./one_shot');
const { Hash, createHash } = require('./stream');
const { hashKernels } = require('./kernels');

module.exports = {
  hash, hashSync, hashMany, hashFile, getHashes, Hash, createHash, hashKernels,
};
