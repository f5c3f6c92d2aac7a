// Type definitions for offload. Hand-written; checked by test/types.

/// <reference types="node" />

import { Transform } from 'node:stream';
import { EventEmitter } from 'events';
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

export interface ShedOptions {
  /** Measured queue wait p99 (ms, recent window) above which offload sheds load. 0 = off (default). */
  maxQueueWait?: number;
  /** Share (%) of timed-out or queue-full tasks that trips shedding. Default 50. */
  errorThresholdPercentage?: number;
  /** Milliseconds to shed before a probe task is let through. Default 5000. */
  resetTimeout?: number;
  /** Tasks in the rolling window (10 s) before errorThresholdPercentage applies. Default 10. */
  volumeThreshold?: number;
}

export interface ConfigureOptions {
  /** Load shedding in front of the executor; false stops it in this thread. */
  shed?: ShedOptions | false;
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
  | 'ERR_OFFLOAD_WINDOW_TOO_LARGE'
  | 'ERR_INVALID_TRANSFER_OBJECT'
  | 'ERR_OFFLOAD_QUEUE_FULL'
  | 'ERR_OFFLOAD_CLOSED'
  | 'ERR_OFFLOAD_TASK_TIMEOUT'
  | 'ERR_OFFLOAD_WORKER_CRASHED'
  | 'ERR_OFFLOAD_ALREADY_CONFIGURED'
  | 'ERR_OFFLOAD_NO_MEMORY'
  | 'ERR_OFFLOAD_INTERNAL'
  | 'ERR_OFFLOAD_IO'
  | 'ERR_OFFLOAD_BUSY'
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
export type PasswordAlgorithm = 'argon2id' | 'argon2i' | 'argon2d' | 'scrypt' | 'bcrypt';
export type PasswordInput = string | BinaryInput;

/** Limits a stored hash's parameters must stay within (verify and hash). */
export interface PasswordLimits {
  /** Bytes of memory one call may use (argon2 m × 1024, scrypt 128·N·r). Default 256 MiB. */
  maxMemory?: number;
  /** argon2 passes (t); scrypt N·p ≤ maxTimeCost × 2^20. Default 16. */
  maxTimeCost?: number;
  /** argon2 lanes / scrypt p. Default 16. */
  maxParallelism?: number;
  /** bcrypt cost. Default 16. */
  maxBcryptCost?: number;
}

export interface PasswordHashOptions extends PasswordLimits, TaskOptions {
  /** Default 'argon2id'. */
  algorithm?: PasswordAlgorithm;
  /** argon2: KiB (default 19456), passes (2), lanes (1). */
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
  /** scrypt: N (a power of 2, default 2^17); bcrypt: the cost (4..31, default 10). */
  cost?: number;
  /** scrypt: r (default 8) and p (1). */
  blockSize?: number;
  parallelization?: number;
  /** Bytes of random salt (default 16; bcrypt: always 16). */
  saltLength?: number;
  /** A fixed salt, for tests and interop; random by default. */
  salt?: PasswordInput;
  /** Bytes of hash (default 32; not bcrypt). */
  hashLength?: number;
  /** argon2's secret key (a pepper), kept outside the stored string. */
  secret?: PasswordInput;
}

export interface PasswordVerifyOptions extends PasswordLimits, TaskOptions {
  secret?: PasswordInput;
}

export type PasswordRehashOptions = Omit<PasswordHashOptions, keyof PasswordLimits | keyof TaskOptions | 'salt' | 'secret'>;

export const password: {
  /** The encoded string: PHC for argon2 and scrypt, `$2b$…` for bcrypt. */
  hash(password: PasswordInput, options?: PasswordHashOptions): Promise<string>;
  hashSync(password: PasswordInput, options?: PasswordHashOptions): string;
  /** true / false; rejects with ERR_INVALID_ARG_VALUE for a malformed string. */
  verify(encoded: string, password: PasswordInput, options?: PasswordVerifyOptions): Promise<boolean>;
  verifySync(encoded: string, password: PasswordInput, options?: PasswordVerifyOptions): boolean;
  needsRehash(encoded: string, options?: PasswordRehashOptions): boolean;
};

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
  /** ms before a call rejects with ETIMEDOUT; the action gets an AbortSignal last. 0/false = none. Default 10000. */
  timeout?: number | false;
  /** Failure share (%) of calls in the rolling window that trips it. Default 50. */
  errorThresholdPercentage?: number;
  /** Rolling window length, ms. Default 10000. */
  rollingCountTimeout?: number;
  /** Buckets in the window (must divide rollingCountTimeout). Default 10. */
  rollingCountBuckets?: number;
  /** Calls needed in the window before a percentage trip. Default 0. */
  volumeThreshold?: number;
  /** Trip after this many consecutive failures. Default: off. */
  failureThreshold?: number;
  /** ms open before half-open. Default 30000. */
  resetTimeout?: number;
  /** Probes let through while half-open. Default 1. */
  halfOpenMaxConcurrent?: number;
  /** Probe successes that close it. Default 1. */
  successThreshold?: number;
  /** true: the error does not count as a failure. */
  errorFilter?: (err: any) => boolean;
  /** Concurrent calls allowed; above it calls reject with ESEMLOCKED. 0 = unlimited. */
  capacity?: number;
  name?: string;
  /** With name: one breaker for the whole process. */
  shared?: boolean;
  /** Milliseconds from a monotonic clock; for tests. */
  clock?: () => number;
  /** Restore a state saved with toJSON().state. */
  state?: BreakerSavedState;
}

export interface BreakerSavedState {
  state: BreakerState;
  openedAgo?: number;
}

export interface BreakerStats {
  fires: number;
  successes: number;
  failures: number;
  timeouts: number;
  ignored: number;
  rejects: number;
  semlocked: number;
  fallbacks: number;
  latency: { p50: number; p99: number };
}

export interface BreakerStatus {
  state: BreakerState;
  failureCount: number;
  successCount: number;
  lastFailureTime: number | null;
}

export interface StateChange {
  from: BreakerState;
  to: BreakerState;
}

export class CircuitBreaker<A extends any[] = any[], R = any> extends EventEmitter {
  constructor(action?: (...args: [...A, AbortSignal?]) => R | PromiseLike<R>, options?: CircuitBreakerOptions);
  /** The process-wide breaker `name`; one object per thread. */
  static shared(name: string, options?: CircuitBreakerOptions): CircuitBreaker;
  fire(...args: A): Promise<R>;
  execute<T, P extends any[]>(fn: (...args: [...P, AbortSignal?]) => T | PromiseLike<T>, ...args: P): Promise<T>;
  fallback(fn: (...args: any[]) => any): this;
  open(): void;
  close(): void;
  shutdown(): void;
  toJSON(): { name: string | undefined; state: BreakerSavedState; status: BreakerStatus; stats: BreakerStats };
  readonly name: string | undefined;
  readonly state: BreakerState;
  readonly opened: boolean;
  readonly closed: boolean;
  readonly halfOpen: boolean;
  readonly isShutdown: boolean;
  readonly stats: BreakerStats;
  readonly status: BreakerStatus;
  on(event: 'stateChange', listener: (change: StateChange) => void): this;
  on(event: 'fire', listener: (args: unknown[]) => void): this;
  on(event: 'success', listener: (value: R, latencyMs: number) => void): this;
  on(event: 'failure' | 'timeout', listener: (err: Error, latencyMs: number, args: unknown[]) => void): this;
  on(event: 'reject' | 'fallback', listener: (err: Error) => void): this;
  on(event: 'open' | 'halfOpen' | 'close' | 'shutdown', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export const breakers: {
  get(name: string, options?: CircuitBreakerOptions): CircuitBreaker;
  getAll(): CircuitBreaker[];
};

export const express: {
  /** 503 + Retry-After while the breaker (default: offload's shed breaker) is open. */
  shed(breaker?: CircuitBreaker): (req: import('http').IncomingMessage, res: import('http').ServerResponse, next: (err?: any) => void) => void;
};
// ---- Compression ---------------------------------------------------------

export type Codec = 'gzip' | 'deflate' | 'deflate-raw' | 'brotli' | 'zstd' | 'lz4';

export interface CodecOptions {
  /** Default 'gzip' (compression) or 'auto' (decompression). */
  codec?: Codec;
  /** Per codec: gzip/deflate/deflate-raw 0..9 (one-shot 0..12, default 6), brotli 0..11 (11), zstd -131072..22 (3), lz4 0..12 (0). */
  level?: number;
  /** zstd, deflate, deflate-raw. */
  dictionary?: BinaryInput;
  /** zstd, lz4: write a content checksum (default true, as their CLIs). */
  checksum?: boolean;
  /** Decompression: inclusive cap on the output; above it rejects with ERR_BUFFER_TOO_LARGE. */
  maxOutputLength?: number;
  /**
   * zstd decompression: the largest window (log2, 10..31; default 27 = 128 MiB) a frame may ask
   * for, as zstd's ZSTD_d_windowLogMax; a larger one is ERR_OFFLOAD_WINDOW_TOO_LARGE. A raised
   * limit is capped by maxOutputLength when that is set.
   */
  maxWindowLog?: number;
}

export interface CompressOptions extends CodecOptions, TaskOptions {
  /** Split one large input across the executor. Default 'auto'. */
  parallel?: 'auto' | boolean;
}

export interface DecompressOptions extends Omit<CodecOptions, 'codec' | 'level'>, TaskOptions {
  /** 'auto' (default) detects gzip, zlib, zstd and lz4 by header. */
  codec?: Codec | 'auto';
  /** zstd inputs of several frames decode them on several executor threads. Default 'auto'; false: one thread. */
  parallel?: 'auto' | boolean;
}

export interface CompressStreamOptions extends CodecOptions {
  /** gzip/deflate/deflate-raw: compress staged segments in parallel blocks
   * (one standard stream). Default 'auto' (2+ executor threads). */
  parallel?: 'auto' | boolean;
  /** Output buffer size, bytes (64..2^30). Default 65536. */
  chunkSize?: number;
  highWaterMark?: number;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
}

export interface DecompressStreamOptions extends Omit<CompressStreamOptions, 'codec' | 'level' | 'parallel'> {
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

// ---- Image kernels ----

/** Resampling kernel; 'lanczos3' is the default, as in sharp. */
export type ResizeKernel =
  | 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';

/** How both width and height apply ('cover' is the default, as in sharp):
 * 'cover' crops the centre of the resize that covers the box, 'fill'
 * ignores the aspect ratio, 'inside'/'outside' keep it and fit within /
 * cover the box (so one side may differ from the one asked for). */
export type ResizeFit = 'cover' | 'fill' | 'inside' | 'outside';

/** Raw interleaved pixels. 8-bit samples come as a Buffer, Uint8Array,
 * Uint8ClampedArray, DataView, ArrayBuffer or SharedArrayBuffer; a
 * Float32Array selects float samples (and a Float32Array result). */
export interface RawImage<D extends RawImageData = RawImageData> {
  data: D;
  /** 1..65535, width * height <= 268402689 (sharp's limitInputPixels). */
  width: number;
  height: number;
  /** 1..4 interleaved channels (grey, grey+alpha, RGB, RGBA). */
  channels: 1 | 2 | 3 | 4;
  /** Samples from one row to the next; >= width * channels. Default packed. */
  stride?: number;
}

export type RawImageData =
  | Buffer | Uint8Array | Uint8ClampedArray | Float32Array | DataView
  | ArrayBuffer | SharedArrayBuffer;

export interface ResizeOptions {
  /** Output width, 1..65535; alone, the height keeps the aspect ratio. */
  width?: number;
  /** Output height, 1..65535; alone, the width keeps the aspect ratio. */
  height?: number;
  kernel?: ResizeKernel;
  fit?: ResizeFit;
}

export interface ResizeResult<D = Buffer> {
  /** Packed output rows (stride = width * channels). */
  data: D;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

type ResizeOutput<D> = D extends Float32Array ? Float32Array : Buffer;

/** Resizes on the executor; a large image is split into row bands across
 * its threads. Bad arguments reject (never throw). */
export function resize<D extends RawImageData>(image: RawImage<D>,
  options: ResizeOptions & TaskOptions): Promise<ResizeResult<ResizeOutput<D>>>;

/** Resizes on the calling thread. Throws on bad arguments. */
export function resizeSync<D extends RawImageData>(image: RawImage<D>,
  options: ResizeOptions): ResizeResult<ResizeOutput<D>>;

// ---- WorkerPool ----------------------------------------------------------

/** Queue wait or run time of a WorkerPool's tasks, in ms. */
export interface PoolLatency {
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export interface WorkerPoolOptions {
  /** Absolute or relative (to the cwd) path, or file: URL, of the task module (CommonJS or ESM); or null/omitted and given to each run(). */
  filename?: string | URL | null;
  /** Export to run: 'default' (module.exports or the default export) or a named export. Default 'default'. */
  name?: string;
  /** Workers kept alive. Default max(availableParallelism / 2, 1). */
  minThreads?: number;
  /** Upper bound. Default availableParallelism × 1.5. */
  maxThreads?: number;
  /** ms an idle worker above minThreads lives. Default 0 (retire at once); Infinity: never. */
  idleTimeout?: number;
  /** Tasks waiting for a worker; 0 = no queue; 'auto' = maxThreads². Default Infinity. */
  maxQueue?: number | 'auto';
  /** ms a task may run (the clock starts when it leaves the queue); 0 = none (default). */
  taskTimeout?: number;
  /** ms close() waits before it destroys the pool. Default 30000. */
  closeTimeout?: number;
  /** ms a cancelled task (abort, timeout, forced close, destroy) may take to honour its signal before its worker is terminated. Default 1000; 0 = terminate at once. */
  cancelGrace?: number;
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
  /** Cloned into every worker as worker_threads.workerData. */
  workerData?: unknown;
  env?: Record<string, string | undefined> | typeof import('node:worker_threads').SHARE_ENV;
  argv?: string[];
  execArgv?: string[];
  /** A CircuitBreaker, or options for a new one, in front of run(). */
  breaker?: CircuitBreaker | CircuitBreakerOptions;
  /** Tasks one worker runs at once. Default 1. */
  concurrentTasksPerWorker?: number;
  /** 'disabled': an idle worker never sleeps in Atomics.wait. Default 'sync'. */
  atomics?: 'sync' | 'async' | 'disabled';
  /** Added to each worker thread's nice value on Linux (0..19). Default 0. */
  niceIncrement?: number;
  /** Passed to each Worker. Default true. */
  trackUnmanagedFds?: boolean;
  /** false: no wait/run histograms. Default true. */
  recordTiming?: boolean;
  /** Accepted for piscina: the queue is always FIFO within a lane. */
  stricterFIFO?: boolean;
  /** Upper bound of the shared arena (pool.alloc). Default 256 MiB. */
  maxArenaBytes?: number;
}

/** WorkerPool#arena. */
export interface ArenaStats {
  /** Bytes of SharedArrayBuffer segments made so far. */
  bytes: number;
  /** Bytes in live blocks (rounded up to 16). */
  used: number;
  blocks: number;
}

type TypedArrayConstructor = Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor |
  Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor |
  Float32ArrayConstructor | Float64ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** WorkerPoolOptions after validation and defaults. */
export interface ResolvedWorkerPoolOptions {
  readonly filename: string | null;
  readonly name: string;
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly idleTimeout: number;
  readonly maxQueue: number;
  readonly taskTimeout: number;
  readonly closeTimeout: number;
  readonly cancelGrace: number;
  readonly resourceLimits: WorkerPoolOptions['resourceLimits'];
  readonly workerData: unknown;
  readonly env: WorkerPoolOptions['env'];
  readonly argv: string[] | undefined;
  readonly execArgv: string[] | undefined;
  readonly breaker: CircuitBreaker | null;
  readonly concurrentTasksPerWorker: number;
  readonly atomics: 'sync' | 'async' | 'disabled';
  readonly niceIncrement: number;
  readonly trackUnmanagedFds: boolean;
  readonly recordTiming: boolean;
  readonly stricterFIFO: boolean;
  readonly maxArenaBytes: number;
}

export interface RunOptions {
  /** Export to run for this task (overrides the pool's `name`). */
  name?: string | null;
  /** Buffers to transfer rather than copy. */
  transferList?: ReadonlyArray<ArrayBuffer | import('node:worker_threads').MessagePort>;
  /** Aborts (an AbortSignal, or an EventEmitter emitting 'abort'): a queued task is dropped; a running one rejects at once and its own signal aborts in the worker. */
  signal?: AbortSignal | EventEmitter | null;
  /** ms for this task; overrides taskTimeout. 0 = none. */
  timeout?: number;
  /** The task module for this task (overrides the pool's filename). */
  filename?: string | URL | null;
  /** Queue lane: FIFO within a lane, with aging. Default 'normal'. */
  priority?: 'high' | 'normal' | 'low';
}

/** The second argument of a task function, inside the worker. */
export interface TaskContext {
  /** Aborts on run()'s abort, the task's timeout, close({ force }) and destroy(). `aborted` and `throwIfAborted()` see it even in a synchronous loop. */
  readonly signal: AbortSignal;
}

/** A task module's function: `module.exports = (data, { signal }) => ...`. */
export type TaskFunction<T = any, R = any> = (data: T, context: TaskContext) => R | Promise<R>;

/** Percentiles of a WorkerPool's waits or runs, in ms. */
export interface PoolPercentiles {
  p50: number;
  p99: number;
  max: number;
}

/** WorkerPool#stats. */
export interface WorkerPoolStats {
  threads: number;
  /** Workers with a task, including those whose task is honouring a cancel. */
  busy: number;
  idle: number;
  queued: number;
  /** Tasks whose function returned or threw. */
  completed: number;
  /** Rejected by the task, a crash, or a value that could not be cloned. */
  failed: number;
  /** Aborted, or cut short by close({ force }) / destroy(). */
  cancelled: number;
  timedOut: number;
  waitTime: PoolPercentiles;
  runTime: PoolPercentiles;
  utilization: number;
  arena: ArenaStats;
}

declare const kTransferable: unique symbol;
declare const kValue: unique symbol;

/** piscina's Transferable protocol: what is transferred, and what arrives. */
export interface Transferable<T = unknown> {
  readonly [kTransferable]: unknown;
  readonly [kValue]: T;
}

/** What WorkerPool.move() returns: transferred, not copied, by run() or a task's return. */
export type Moved<T> = Transferable<T>;

/** piscina's histogram summary, in ms (NaN means when empty). */
export interface HistogramSummary {
  average: number; mean: number; stddev: number; min: number; max: number;
  p0_001: number; p0_01: number; p0_1: number; p1: number; p2_5: number;
  p10: number; p25: number; p50: number; p75: number; p90: number;
  p97_5: number; p99: number; p99_9: number; p99_99: number; p99_999: number;
}

export interface PoolHistogram {
  /** undefined with recordTiming: false. */
  readonly runTime: HistogramSummary | undefined;
  readonly waitTime: HistogramSummary | undefined;
  resetRunTime(): void;
  resetWaitTime(): void;
}

export interface CloseOptions {
  /** Reject queued tasks with ERR_OFFLOAD_CLOSED instead of running them. */
  force?: boolean;
}

/** A pool of worker_threads running one task module's function. */
export class WorkerPool<T = any, R = any> extends EventEmitter {
  constructor(options?: WorkerPoolOptions);
  /** Never throws: bad arguments, a closed pool, a full queue or an open breaker reject. */
  run(task: T | Moved<T>, options?: RunOptions): Promise<R>;
  close(options?: CloseOptions): Promise<void>;
  destroy(): Promise<void>;
  /** A typed array in the pool's shared arena, passed to and from workers by reference. Throws ERR_OFFLOAD_ARENA_FULL past maxArenaBytes. */
  alloc<C extends TypedArrayConstructor>(TypedArrayConstructor: C, length: number): InstanceType<C>;
  /** Returns an alloc()'d array's block (any view of its start). Freeing twice or a foreign array throws. */
  free(array: NodeJS.TypedArray): void;
  readonly arena: ArenaStats;
  readonly threads: import('node:worker_threads').Worker[];
  readonly queueSize: number;
  readonly needsDrain: boolean;
  readonly completed: number;
  readonly duration: number;
  readonly utilization: number;
  readonly waitTime: PoolLatency;
  readonly runTime: PoolLatency;
  readonly stats: WorkerPoolStats;
  readonly options: ResolvedWorkerPoolOptions;
  readonly maxThreads: number;
  readonly minThreads: number;
  /** Workers with no task. */
  readonly idleThreads: number;
  readonly histogram: PoolHistogram;
  static readonly isWorkerThread: boolean;
  /** worker_threads.workerData inside a pool's worker, else undefined. */
  static readonly workerData: unknown;
  static readonly version: string;
  /** Symbol.for('Piscina.transferable'). */
  static readonly transferableSymbol: typeof kTransferable;
  /** Symbol.for('Piscina.valueOf'). */
  static readonly valueSymbol: typeof kValue;
  static move<V extends SharedArrayBuffer | NodeJS.ArrayBufferView<SharedArrayBuffer>>(value: V): V;
  static move<V extends ArrayBuffer | NodeJS.ArrayBufferView | import('node:worker_threads').MessagePort>(value: V): Moved<V>;
  static move<V extends Transferable<unknown>>(value: V): V;
  static move<V extends string | number | boolean | bigint | null | undefined>(value: V): V;
  on(event: 'error', listener: (err: OffloadError) => void): this;
  on(event: 'workerCreate' | 'workerDestroy', listener: (worker: import('node:worker_threads').Worker) => void): this;
  on(event: 'drain' | 'needsDrain' | 'close', listener: () => void): this;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'error', listener: (err: OffloadError) => void): this;
  once(event: 'workerCreate' | 'workerDestroy', listener: (worker: import('node:worker_threads').Worker) => void): this;
  once(event: 'drain' | 'needsDrain' | 'close', listener: () => void): this;
  once(event: 'message', listener: (message: unknown) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

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
  password: typeof password;
  CircuitBreaker: typeof CircuitBreaker;
  breakers: typeof breakers;
  express: typeof express;
  compress: typeof compress;
  decompress: typeof decompress;
  compressSync: typeof compressSync;
  decompressSync: typeof decompressSync;
  createCompressStream: typeof createCompressStream;
  createDecompressStream: typeof createDecompressStream;
  CompressStream: typeof CompressStream;
  DecompressStream: typeof DecompressStream;
  compression: typeof compression;
  resize: typeof resize;
  resizeSync: typeof resizeSync;
  WorkerPool: typeof WorkerPool;
};
export default offload;
