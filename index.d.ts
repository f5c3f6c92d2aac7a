// Type definitions for offload. Hand-written; checked by test/types.

/// <reference types="node" />

import { Transform } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';

export type Priority = 'high' | 'normal' | 'low';

/** Options every asynchronous offload API accepts. */
export interface TaskOptions {
  /** Aborts the task: a queued task is dropped, a running one stops at its next check. */
  signal?: AbortSignal;
  /** Executor lane; FIFO within a lane. Default 'normal'. */
  priority?: Priority;
  /** Milliseconds before the task rejects with ERR_OFFLOAD_TASK_TIMEOUT. */
  timeout?: number;
}

export interface ConfigureOptions {
  /** Executor threads (1..256). Default: OFFLOAD_THREADS, else the available parallelism. */
  threads?: number;
  /** Queue bound; beyond it submissions fail fast with ERR_OFFLOAD_QUEUE_FULL. Default 4096. */
  maxQueue?: number;
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

export interface ExecutorStats {
  threads: number;
  maxQueue: number;
  queued: number;
  running: number;
  completed: number;
  rejected: number;
  cancelled: number;
  timedOut: number;
  /** Queue wait, milliseconds. */
  waitTime: Latency;
  /** Run time, milliseconds. */
  runTime: Latency;
}

/** Error codes offload attaches as `err.code`. */
export type ErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_INVALID_STATE'
  | 'ERR_BUFFER_TOO_LARGE'
  | 'ERR_OFFLOAD_CORRUPT_DATA'
  | 'ERR_OFFLOAD_QUEUE_FULL'
  | 'ERR_OFFLOAD_CLOSED'
  | 'ERR_OFFLOAD_TASK_TIMEOUT'
  | 'ERR_OFFLOAD_WORKER_CRASHED'
  | 'ERR_OFFLOAD_ALREADY_CONFIGURED'
  | 'ERR_OFFLOAD_NO_MEMORY'
  | 'ERR_OFFLOAD_INTERNAL'
  | 'ERR_OFFLOAD_LOAD_FAILED'
  | 'ABORT_ERR'
  | 'CIRCUIT_OPEN'
  | 'ETIMEDOUT'
  | 'ESEMLOCKED';

export interface OffloadError extends Error {
  code: ErrorCode;
}

/**
 * Sizes the process-wide executor. Allowed before first use; afterwards
 * only with the values already in force, else throws
 * ERR_OFFLOAD_ALREADY_CONFIGURED.
 */
export function configure(options: ConfigureOptions): void;

/** Executor counters and wait/run-time percentiles. */
export function stats(): ExecutorStats;

/** Error factories, keyed by code. */
export const errors: Readonly<Record<string, (...args: any[]) => OffloadError>>;

// ---- Compression ---------------------------------------------------------

export type Codec = 'gzip' | 'deflate' | 'deflate-raw' | 'brotli' | 'zstd' | 'lz4';
export type BinaryInput = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

export interface CodecOptions {
  /** Default 'gzip' (compression) or 'auto' (decompression). */
  codec?: Codec;
  /** Per codec: gzip/deflate/deflate-raw 0..9 (one-shot 0..12, default 6), brotli 0..11 (11), zstd -131072..22 (3), lz4 0..12 (0). */
  level?: number;
  /** zstd, deflate, deflate-raw. */
  dictionary?: BinaryInput;
  /** zstd, lz4: write a content checksum. */
  checksum?: boolean;
  /** Decompression: inclusive cap on the output; above it rejects with ERR_BUFFER_TOO_LARGE. */
  maxOutputLength?: number;
}

export interface CompressOptions extends CodecOptions, TaskOptions {
  /** Split one large input across the executor. Default 'auto'. */
  parallel?: 'auto' | boolean;
}

export interface DecompressOptions extends Omit<CodecOptions, 'codec' | 'level'>, TaskOptions {
  /** 'auto' (default) detects gzip, zlib, zstd and lz4 by header. */
  codec?: Codec | 'auto';
}

export interface CompressStreamOptions extends CodecOptions {
  /** Output buffer size, bytes (64..2^30). Default 65536. */
  chunkSize?: number;
  highWaterMark?: number;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
}

export interface DecompressStreamOptions extends Omit<CompressStreamOptions, 'codec' | 'level'> {
  codec?: Codec | 'auto';
}

/** A compressing or decompressing Transform, in node:zlib's model. */
export class CodecStream extends Transform {
  /** Makes all data written so far decodable, then calls callback. */
  flush(callback?: () => void): void;
  /** Input bytes consumed so far. */
  readonly bytesWritten: number;
  /** Output bytes produced so far. */
  readonly bytesProduced: number;
}
export class CompressStream extends CodecStream {
  constructor(options?: CompressStreamOptions);
}
export class DecompressStream extends CodecStream {
  constructor(options?: DecompressStreamOptions);
}

export function compress(data: BinaryInput, options?: CompressOptions): Promise<Buffer>;
export function decompress(data: BinaryInput, options?: DecompressOptions): Promise<Buffer>;
export function compressSync(data: BinaryInput, options?: Omit<CompressOptions, keyof TaskOptions>): Buffer;
export function decompressSync(data: BinaryInput, options?: Omit<DecompressOptions, keyof TaskOptions>): Buffer;
export function createCompressStream(options?: CompressStreamOptions): CompressStream;
export function createDecompressStream(options?: DecompressStreamOptions): DecompressStream;

export type ContentCoding = 'zstd' | 'br' | 'gzip' | 'deflate';

export interface CompressionMiddlewareOptions {
  /** Decides per response; default: compressible Content-Type. */
  filter?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Bytes or a size string ('1kb'); smaller responses stay identity. Default 1024. */
  threshold?: number | string;
  /** Server preference among equal q-values. Default ['zstd', 'br', 'gzip', 'deflate']. */
  encodings?: ContentCoding[];
  /** gzip/deflate level, as in the compression package. Default 6. */
  level?: number;
  /** Level per coding. Defaults { zstd: 3, br: 4, gzip: 6, deflate: 6 }. */
  levels?: Partial<Record<ContentCoding, number>>;
  chunkSize?: number;
}

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Express/Connect response compression; adds res.flush(). */
export function compression(options?: CompressionMiddlewareOptions): Middleware;

declare const offload: {
  configure: typeof configure;
  stats: typeof stats;
  errors: typeof errors;
  compress: typeof compress;
  decompress: typeof decompress;
  compressSync: typeof compressSync;
  decompressSync: typeof decompressSync;
  createCompressStream: typeof createCompressStream;
  createDecompressStream: typeof createDecompressStream;
  CompressStream: typeof CompressStream;
  DecompressStream: typeof DecompressStream;
  compression: typeof compression;
};
export default offload;
