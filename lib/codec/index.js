'use strict';
// The codec module's face: one-shot compression (traced on offload:codec)
// and streams. The Express middleware (lib/express) uses compressAdmitted,
// which takes a shed admission the middleware already holds.
const { tracePromise, traceSync } = require('../tracing');
const one = require('./one_shot');
const {
  CompressStream, DecompressStream, createCompressStream,
  createDecompressStream,
} = require('./stream');

module.exports = {
  compress: tracePromise('codec', 'compress', one.compress),
  decompress: tracePromise('codec', 'decompress', one.decompress),
  compressSync: traceSync('codec', 'compressSync', one.compressSync),
  decompressSync: traceSync('codec', 'decompressSync', one.decompressSync),
  compressAdmitted: tracePromise('codec', 'compress', one.compressAdmitted),
  CompressStream, DecompressStream, createCompressStream,
  createDecompressStream,
};
