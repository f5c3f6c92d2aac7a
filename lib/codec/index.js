'use strict';
// The codec module's face: one-shot compression and streams. The Express
// middleware (lib/express) uses compressAdmitted, which takes a shed
// admission the middleware already holds.
const {
  compress, decompress, compressSync, decompressSync, compressAdmitted,
} = require('./one_shot');
const {
  CompressStream, DecompressStream, createCompressStream,
  createDecompressStream,
} = require('./stream');

module.exports = {
  compress, decompress, compressSync, decompressSync, compressAdmitted,
  CompressStream, DecompressStream, createCompressStream,
  createDecompressStream,
};
