// Type definitions for offload. Hand-written; checked by test/types.

/// <reference types="node" />

import { Transform } from 'node:stream';

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

// ---- Hashing -------------------------------------------------------------

export type HashAlgorithm =
  | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-256'
  | 'sha3-256' | 'sha3-512' | 'blake3' | 'xxh32' | 'xxh64' | 'xxh3'
  | 'xxh3-128' | 'crc32' | 'crc32c';

export type DigestEncoding = 'hex' | 'base64' | 'base64url';
export type BinaryInput = NodeJS.ArrayBufferView | ArrayBuffer | SharedArrayBuffer;
export type HashInput = string | BinaryInput;

export interface HashOptions {
  /** Output form; 'buffer' (default) resolves with a Buffer. */
  encoding?: 'buffer' | DigestEncoding;
  /** HMAC key (SHA/MD5 family) or 32-byte BLAKE3 key. */
  key?: string | BinaryInput;
  /** xxHash seed (xxh32 uses the low 32 bits). */
  seed?: number | bigint;
  /** BLAKE3 extended output length in bytes. */
  outputLength?: number;
}

export interface HashTaskOptions extends HashOptions, TaskOptions {}

export function hash(algorithm: HashAlgorithm, data: HashInput,
  options?: HashTaskOptions & { encoding?: 'buffer' }): Promise<Buffer>;
export function hash(algorithm: HashAlgorithm, data: HashInput,
  options: DigestEncoding | (HashTaskOptions & { encoding: DigestEncoding })): Promise<string>;

export function hashSync(algorithm: HashAlgorithm, data: HashInput,
  options?: HashOptions & { encoding?: 'buffer' }): Buffer;
export function hashSync(algorithm: HashAlgorithm, data: HashInput,
  options: DigestEncoding | (HashOptions & { encoding: DigestEncoding })): string;

export function hashMany(algorithm: HashAlgorithm, list: readonly HashInput[],
  options?: HashTaskOptions & { encoding?: 'buffer' }): Promise<Buffer[]>;
export function hashMany(algorithm: HashAlgorithm, list: readonly HashInput[],
  options: DigestEncoding | (HashTaskOptions & { encoding: DigestEncoding })): Promise<string[]>;

export function hashFile(algorithm: HashAlgorithm, path: string | Buffer | URL,
  options?: HashTaskOptions & { encoding?: 'buffer' }): Promise<Buffer>;
export function hashFile(algorithm: HashAlgorithm, path: string | Buffer | URL,
  options: DigestEncoding | (HashTaskOptions & { encoding: DigestEncoding })): Promise<string>;

export function getHashes(): HashAlgorithm[];

/** A pass-through Transform that hashes what flows through it. */
export class Hash extends Transform {
  constructor(algorithm: HashAlgorithm, options?: Omit<HashOptions, 'encoding'> & { highWaterMark?: number });
  digest(): Promise<Buffer>;
  digest(encoding: 'buffer'): Promise<Buffer>;
  digest(encoding: DigestEncoding): Promise<string>;
}

export function createHash(algorithm: HashAlgorithm,
  options?: Omit<HashOptions, 'encoding'> & { highWaterMark?: number }): Hash;

declare const offload: {
  configure: typeof configure;
  stats: typeof stats;
  errors: typeof errors;
  hash: typeof hash;
  hashSync: typeof hashSync;
  hashMany: typeof hashMany;
  hashFile: typeof hashFile;
  getHashes: typeof getHashes;
  createHash: typeof createHash;
  Hash: typeof Hash;
};
export default offload;
