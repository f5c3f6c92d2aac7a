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
  /** 0..19 added to the executor threads' nice value (Linux), so the JS thread runs first on saturated CPUs. Default: OFFLOAD_NICE, else 0. */
  niceIncrement?: number;
}

/** One cumulative histogram bucket: `count` tasks took at most `le` ms. */
export interface HistogramBucket {
  /** Upper bound, milliseconds (inclusive); the last one is Infinity. */
  le: number;
  count: number;
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Tasks measured since the executor started. */
  count: number;
  /** Their total, milliseconds. */
  sum: number;
  /** Cumulative, at the fixed bounds 0.01 … 10000 ms, then Infinity. */
  buckets: HistogramBucket[];
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
  | 'EOPENBREAKER'
  | 'ESHUTDOWN'
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

/** An EventEmitter whose 'rotate' events rotate a Status's buckets. */
export interface RotateBucketController {
  on(event: 'rotate', listener: () => void): unknown;
  removeListener(event: 'rotate', listener: () => void): unknown;
  listeners(event: 'rotate'): Function[];
}

/** Where cache: true keeps results (default: a MemoryCache). */
export interface CacheTransport {
  get(key: string): any;
  set(key: string, value: any, expiresAt: number): void;
  flush(): void;
}

/** opossum 10's options (names, defaults, how values are read), plus offload's own. */
export interface CircuitBreakerOptions {
  /** ms before a call rejects with ETIMEDOUT. 0/false (or >= 2^31) = none. Default 10000. */
  timeout?: number | string | false;
  /** Opens when the window's failures exceed this share (%) of its fires (>= 100: never). Default 50. */
  errorThresholdPercentage?: number | string;
  /** Rolling window length, ms; 0 = the default. Default 10000. */
  rollingCountTimeout?: number | string;
  /** Buckets in the window (0..1024; 0 = the default), each floor(window / buckets) ms. Default 10. */
  rollingCountBuckets?: number | string;
  /** Fires needed in the window before a percentage trip. Default 0. */
  volumeThreshold?: number | string;
  /** ms open before half-open ('halfOpen' on time). Default 30000. */
  resetTimeout?: number | string;
  /** Concurrent calls; above it a call fails with ESEMLOCKED (a failure). Default: unlimited. */
  capacity?: number | string;
  /** A truthy answer: the error is a success (the call still rejects with it, no fallback). */
  errorFilter?: (err: any, ...args: any[]) => unknown;
  /** Default: the action's name, else a UUID. */
  name?: string;
  /** Default: name. */
  group?: string;
  /** false: calls go straight to the action. Default true. */
  enabled?: boolean;
  /** No trip during the first rollingCountTimeout ms. */
  allowWarmUp?: boolean;
  /** latencyTimes, latencyMean and percentiles in stats. Default true. */
  rollingPercentilesEnabled?: boolean;
  /** 'snapshot' events on the Status, once per bucket. Default true. */
  enableSnapshots?: boolean;
  /** Rotates the Status's buckets on its 'rotate' events instead of a timer. */
  rotateBucketController?: RotateBucketController;
  /** Prime the Status: a Status, or stats from toJSON().status. */
  status?: Status | Partial<BreakerStats>;
  /** Cache results by cacheGetKey(...args) (default JSON.stringify(args)). */
  cache?: boolean;
  /** Cache entry lifetime, ms; 0 = forever. */
  cacheTTL?: number;
  cacheGetKey?: (...args: any[]) => string;
  cacheTransport?: CacheTransport;
  /** Entries of the default MemoryCache. */
  cacheSize?: number;
  /** Concurrent identical calls share one action call. */
  coalesce?: boolean;
  /** ms a coalesced call stays shared. Default: timeout. */
  coalesceTTL?: number;
  coalesceSize?: number;
  /** Forget a shared call when it ends this way. */
  coalesceResetOn?: Array<'error' | 'success' | 'timeout'>;
  /** Aborted (abort()) when a call times out. */
  abortController?: { abort(): void; signal?: AbortSignal };
  /** Make an AbortController, and a fresh one on halfOpen/close after an abort. */
  autoRenewAbortController?: boolean;
  /** offload: trip after this many consecutive failures. Default: off. */
  failureThreshold?: number;
  /** offload: probes let through while half-open. Default 1. */
  halfOpenMaxConcurrent?: number;
  /** offload: probe successes that close it. Default 1. */
  successThreshold?: number;
  /** offload: with name, one breaker for the whole process (every worker_thread). */
  shared?: boolean;
  /** offload: milliseconds from a monotonic clock; for tests. */
  clock?: () => number;
  /** Restore a state saved with toJSON().state (or offload's { state, openedAgo }). */
  state?: BreakerSavedState | { state: BreakerState; openedAgo?: number };
}

/** toJSON().state, opossum's shape. */
export interface BreakerSavedState {
  name?: string;
  enabled?: boolean;
  closed?: boolean;
  open?: boolean;
  halfOpen?: boolean;
  warmUp?: boolean;
  shutdown?: boolean;
  /** Epoch ms of the last opening. */
  lastTimerAt?: number;
}

/** One bucket of the Status window (opossum's keys). */
export interface BreakerBucket {
  failures: number;
  fallbacks: number;
  successes: number;
  rejects: number;
  fires: number;
  timeouts: number;
  cacheHits: number;
  cacheMisses: number;
  coalesceCacheHits: number;
  coalesceCacheMisses: number;
  semaphoreRejections: number;
  percentiles: Record<string, number>;
  /** At most 1024 samples per bucket (a uniform sample beyond). */
  latencyTimes: number[];
  isCircuitBreakerOpen?: boolean;
}

export interface BreakerStats extends BreakerBucket {
  /** ms; -1 with rollingPercentilesEnabled: false. */
  latencyMean: number;
  /** offload: calls its gates settled as neither (aborted pool tasks). */
  ignored?: number;
  /** offload: native p50/p99, ms (upper edge of a power-of-two bin). */
  latency?: { p50: number; p99: number };
}

/** opossum's Status: the rolling window of a breaker. */
export class Status extends EventEmitter {
  constructor(options?: Pick<CircuitBreakerOptions, 'rollingCountTimeout' | 'rollingCountBuckets' |
    'rollingPercentilesEnabled' | 'enableSnapshots' | 'rotateBucketController'> & { stats?: Partial<BreakerStats> });
  readonly stats: BreakerStats;
  /** Newest bucket first. */
  readonly window: BreakerBucket[];
  rollingPercentilesEnabled: boolean;
  enableSnapshots: boolean;
  increment(property: keyof BreakerBucket, latencyMs?: number): void;
  open(): void;
  close(): void;
  shutdown(): void;
  on(event: 'snapshot', listener: (stats: BreakerStats) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** A Map with expiry and a size limit (the default cacheTransport). */
export class MemoryCache implements CacheTransport {
  constructor(maxEntries?: number);
  readonly cache: Map<string, { expiresAt: number; value: any }>;
  get(key: string): any;
  set(key: string, value: any, expiresAt: number): void;
  delete(key: string): void;
  flush(): void;
}

export interface StateChange {
  from: BreakerState;
  to: BreakerState;
}

export class CircuitBreaker<A extends any[] = any[], R = any> extends EventEmitter {
  /**
   * `action` gets fire()'s arguments unchanged (`this`: the action, or call()'s context); a
   * non-function value is what fire() resolves with; null: an execute()-only breaker.
   */
  constructor(action: ((...args: A) => R | PromiseLike<R>) | R | null, options?: CircuitBreakerOptions);
  /** The process-wide breaker `name`; one object per thread. */
  static shared(name: string, options?: CircuitBreakerOptions): CircuitBreaker;
  /** True for the breaker's own errors (EOPENBREAKER, ETIMEDOUT, ESEMLOCKED, ESHUTDOWN). */
  static isOurError(err: unknown): boolean;
  static newStatus(options?: ConstructorParameters<typeof Status>[0]): Status;
  fire(...args: A): Promise<R>;
  call(context: unknown, ...args: A): Promise<R>;
  /** offload: guards fn(...args, signal); the signal aborts when the call times out. */
  execute<T, P extends any[]>(fn: (...args: [...P, AbortSignal?]) => T | PromiseLike<T>, ...args: P): Promise<T>;
  /** A function (args..., err), or another breaker to fire. */
  fallback(fn: ((...args: any[]) => any) | CircuitBreaker): this;
  open(): void;
  close(): void;
  shutdown(): void;
  enable(): void;
  disable(): void;
  healthCheck(fn: (this: this) => PromiseLike<unknown>, intervalMs?: number): void;
  clearCache(): void;
  getSignal(): AbortSignal | undefined;
  getAbortController(): { abort(): void; signal?: AbortSignal } | undefined;
  toJSON(): { state: BreakerSavedState; status: BreakerStats };
  readonly name: string;
  readonly group: string;
  readonly action: ((...args: A) => R | PromiseLike<R>) | null;
  readonly options: CircuitBreakerOptions & Record<string, any>;
  readonly state: BreakerState;
  readonly opened: boolean;
  readonly closed: boolean;
  readonly halfOpen: boolean;
  /** Half-open with a probe left to let through. */
  readonly pendingClose: boolean;
  readonly isShutdown: boolean;
  readonly enabled: boolean;
  readonly warmUp: boolean;
  readonly volumeThreshold: number;
  /** The capacity left: count. */
  readonly semaphore: { readonly count: number; readonly capacity: number };
  readonly stats: BreakerStats;
  readonly status: Status;
  on(event: 'stateChange', listener: (change: StateChange) => void): this;
  on(event: 'fire', listener: (args: unknown[]) => void): this;
  on(event: 'success', listener: (value: R, latencyMs: number) => void): this;
  on(event: 'failure' | 'timeout', listener: (err: any, latencyMs: number, args: unknown[]) => void): this;
  on(event: 'semaphoreLocked', listener: (err: Error, latencyMs: number) => void): this;
  on(event: 'reject' | 'healthCheckFailed', listener: (err: any) => void): this;
  on(event: 'fallback', listener: (result: any, err: any) => void): this;
  on(event: 'halfOpen', listener: (resetTimeoutMs: number) => void): this;
  on(event: 'open' | 'close' | 'shutdown' | 'cacheHit' | 'cacheMiss' | 'coalesceCacheHit' | 'coalesceCacheMiss',
    listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export const breakers: {
  get(name: string, options?: CircuitBreakerOptions): CircuitBreaker;
  getAll(): CircuitBreaker[];
  Status: typeof Status;
  MemoryCache: typeof MemoryCache;
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
 * cover the box (so one side may differ from the one asked for),
 * 'contain' is 'inside' centred on `background` to exactly the box (not in
 * pipelines). */
export type ResizeFit = 'cover' | 'fill' | 'inside' | 'outside' | 'contain';

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
  /** fit: 'contain' only: one value per channel, or one for all (default
   * black, with alpha opaque). */
  background?: number | readonly number[];
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

// ---- offload.image: the raw-pixel toolbox ----

/** Sample data of an image op: u8 (Buffer, Uint8Array,
 * Uint8ClampedArray), u16 (Uint16Array) or f32 (Float32Array); any may sit
 * on a SharedArrayBuffer. */
export type PixelData = Buffer | Uint8Array | Uint8ClampedArray | Uint16Array |
  Float32Array;

export interface Image<D extends PixelData = PixelData> {
  data: D;
  /** 1..65535 */
  width: number;
  /** 1..65535 */
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Samples from one row to the next (>= width * channels). */
  stride?: number;
}

/** A result: u8 comes back as a Buffer; with `out`, the `out` view. */
export interface ImageResult<D = PixelData> {
  data: D;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Present when `out` had a padded stride. */
  stride?: number;
}

type Out<D> = D extends Float32Array ? Float32Array
  : D extends Uint16Array ? Uint16Array : Buffer;

export type ImageDtype = 'u8' | 'u16' | 'f32';
export type EdgeMode = 'clamp' | 'mirror' | 'wrap' | 'zero';
export type BlendMode = 'over' | 'multiply' | 'screen' | 'add';

export interface ImageSyncOptions {
  /** Write the result here: the exact result shape and dtype, no overlap
   * with an input (point ops and a one-layer composite may pass the input
   * itself). */
  out?: Image;
  /** Largest width * height accepted (default 268402689, as sharp;
   * false = the same native cap). */
  limitInputPixels?: number | false;
}
export type ImageOptions = ImageSyncOptions & TaskOptions;

/** Per-op options. Sample values (threshold, background, linear's b,
 * sharpen's threshold) are in the image's units: 0..255, 0..65535 or 0..1. */
export interface ImageOpOptions {
  flip: {}; flop: {}; transpose: {};
  rotate: { angle?: 90 | 180 | 270 };
  extract: { left?: number; top?: number; width: number; height: number };
  extend: { top?: number; bottom?: number; left?: number; right?: number;
    background?: number | number[];
    extendWith?: 'background' | 'copy' | 'mirror' | 'repeat' };
  grayscale: { keepAlpha?: boolean };
  threshold: { value?: number; alpha?: boolean };
  negate: { alpha?: boolean };
  linear: { a?: number | number[]; b?: number | number[]; alpha?: boolean };
  gamma: { gamma?: number; alpha?: boolean };
  lut: { table: Uint8Array | Uint16Array; alpha?: boolean };
  modulate: { brightness?: number; saturation?: number };
  premultiply: {}; unpremultiply: {};
  extractChannel: { channel?: number | 'red' | 'green' | 'blue' };
  convert: { dtype: ImageDtype; scale?: number };
  blur: { sigma: number };
  boxBlur: { radius?: number };
  convolve: { kernel: ArrayLike<number>; width: number; height: number;
    scale?: number; offset?: number; edge?: EdgeMode };
  sharpen: { sigma?: number; amount?: number; threshold?: number };
  median: { size?: 3 | 5 | 7; edge?: EdgeMode };
  /** Gradient magnitude per channel; `direction: true` (1-channel images
   * only) adds the angle plane: 2 channels, (magnitude, atan2(gy, gx)),
   * the angle in radians (f32) or one turn over the full range (u8/u16). */
  sobel: { direction?: boolean };
}

type OpResult<K extends keyof ImageOpOptions, D> =
  K extends 'convert' ? PixelData : Out<D>;
type AsyncOp<K extends keyof ImageOpOptions> = <D extends PixelData>(
  image: Image<D> | D, options?: ImageOpOptions[K] & ImageOptions) =>
  Promise<ImageResult<OpResult<K, D>>>;
type SyncOp<K extends keyof ImageOpOptions> = <D extends PixelData>(
  image: Image<D> | D, options?: ImageOpOptions[K] & ImageSyncOptions) =>
  ImageResult<OpResult<K, D>>;

export interface CompositeLayer {
  input: Image;
  left?: number;
  top?: number;
  blend?: BlendMode;
  /** 0..1, default 1 */
  opacity?: number;
  /** Both the base and this layer hold premultiplied colour. */
  premultiplied?: boolean;
}

export interface NormaliseOptions {
  /** 0..100, below upper */
  lower?: number;
  /** 0..100 */
  upper?: number;
}

export interface ChannelStats {
  min: number; max: number; sum: number; squaresSum: number; mean: number;
  /** Sample standard deviation (n - 1), as sharp. */
  stdev: number;
  minX: number; minY: number; maxX: number; maxY: number;
  /** Shannon entropy (bits) of the channel's 256-bin histogram. */
  entropy: number;
}
export interface ImageStats {
  channels: ChannelStats[];
  /** Mean entropy of the colour channels. */
  entropy: number;
  pixels: number;
}

/** One step of ImagePipeline.explain(), as it will run (after fusion):
 * its output's shape, `fused` on a lut standing for a run of adjacent u8
 * table ops, `layer` on each composite layer. */
export interface PipelineImageStep {
  op: string;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  dtype: ImageDtype;
  /** The ops (threshold, negate, linear, gamma, lut) this one lut pass
   * runs, in order. */
  fused?: string[];
  layer?: number;
}
/** The reduction that ends a pipeline, last in explain(). */
export type PipelineReduceStep = { op: 'stats' } |
  { op: 'histogram'; bins: number };
export type PipelineStep = PipelineImageStep | PipelineReduceStep;

/** A pipeline ended by stats() or histogram(): no more steps, no `out`. */
export interface ImageReducePipeline<R> {
  run(options?: Omit<ImageOptions, 'out'>): Promise<R>;
  runSync(options?: Omit<ImageSyncOptions, 'out'>): R;
  explain(): PipelineStep[];
}

/** A chain of steps run as ONE executor task by run(); built by
 * offload.image.pipeline(image). Steps are validated when it runs. */
export type ImagePipeline = {
  [K in keyof ImageOpOptions]: (options?: ImageOpOptions[K]) => ImagePipeline;
} & {
  resize(options: ResizeOptions): ImagePipeline;
  composite(layers: CompositeLayer[]): ImagePipeline;
  /** Ends the pipeline: run() resolves with the stats of its last image. */
  stats(): ImageReducePipeline<ImageStats>;
  /** Ends the pipeline: one Uint32Array per channel of its last image. */
  histogram(options?: { bins?: number }): ImageReducePipeline<Uint32Array[]>;
  /** A step by name; an unknown name rejects at run(). */
  op(name: string, options?: object): ImagePipeline;
  run(options?: ImageOptions): Promise<ImageResult>;
  runSync(options?: ImageSyncOptions): ImageResult;
  /** The steps as they will run, after fusion; throws as runSync(). */
  explain(): PipelineStep[];
};

export type ImageApi = { [K in keyof ImageOpOptions]: AsyncOp<K> } &
  { [K in keyof ImageOpOptions as `${K}Sync`]: SyncOp<K> } & {
  composite<D extends PixelData>(image: Image<D>, layers: CompositeLayer[],
    options?: ImageOptions): Promise<ImageResult<Out<D>>>;
  compositeSync<D extends PixelData>(image: Image<D>, layers: CompositeLayer[],
    options?: ImageSyncOptions): ImageResult<Out<D>>;
  joinChannels<D extends PixelData>(images: Image<D>[],
    options?: ImageOptions): Promise<ImageResult<Out<D>>>;
  joinChannelsSync<D extends PixelData>(images: Image<D>[],
    options?: ImageSyncOptions): ImageResult<Out<D>>;
  /** Percentile stretch: the lower/upper percentiles (default 1, 99) of
   * the pooled colour channels map to 0 and max; alpha kept. */
  normalise<D extends PixelData>(image: Image<D>, options?: NormaliseOptions &
    ImageOptions): Promise<ImageResult<Out<D>>>;
  normaliseSync<D extends PixelData>(image: Image<D>,
    options?: NormaliseOptions & ImageSyncOptions): ImageResult<Out<D>>;
  stats(image: Image | PixelData, options?: Omit<ImageOptions, 'out'>):
    Promise<ImageStats>;
  statsSync(image: Image | PixelData,
    options?: Omit<ImageSyncOptions, 'out'>): ImageStats;
  histogram(image: Image | PixelData, options?: { bins?: number } &
    Omit<ImageOptions, 'out'>): Promise<Uint32Array[]>;
  histogramSync(image: Image | PixelData, options?: { bins?: number } &
    Omit<ImageSyncOptions, 'out'>): Uint32Array[];
  resize: typeof resize;
  resizeSync: typeof resizeSync;
  pipeline(image: Image): ImagePipeline;
};

/** offload.image.<op>(image, options) → Promise, <op>Sync → result. */
export const image: ImageApi;

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
  /** piscina's custom queue: it decides the order (priority lanes do not apply). */
  taskQueue?: TaskQueue;
}

/** What a custom taskQueue holds (piscina's PiscinaTask). */
export interface PiscinaTask {
  readonly taskId: number;
  readonly task: unknown;
  readonly filename: string | null;
  readonly name: string | null;
  readonly created: number;
  readonly isAbortable: boolean;
  /** The task's own [WorkerPool.queueOptionsSymbol] property, or null. */
  readonly [kQueueOptions]: unknown;
}

/** piscina's TaskQueue interface. */
export interface TaskQueue {
  readonly size: number;
  push(task: PiscinaTask): void;
  shift(): PiscinaTask | null;
  remove(task: PiscinaTask): void;
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
  readonly taskQueue: TaskQueue | null;
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
declare const kQueueOptions: unique symbol;

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
  /** Symbol.for('Piscina.queueOptions'). */
  static readonly queueOptionsSymbol: typeof kQueueOptions;
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
  image: ImageApi;
  WorkerPool: typeof WorkerPool;
};
export default offload;
