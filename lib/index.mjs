// ESM entry: one implementation, shared with CommonJS.
import { createRequire } from 'node:module';

const offload = createRequire(import.meta.url)('./index.js');

export default offload;
export const {
  configure, stats, errors,
  hash, hashSync, hashMany, hashFile, getHashes, createHash, Hash, password,
  CircuitBreaker, breakers, express,
  compress, decompress, compressSync,
  decompressSync, createCompressStream, createDecompressStream,
  CompressStream, DecompressStream, compression, resize, resizeSync, image,
  WorkerPool,
} = offload;
