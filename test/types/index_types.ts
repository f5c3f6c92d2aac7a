// Compiled with `tsc --noEmit` by test/js/package/types.test.js: the declarations
// must accept real usage and reject misuse (@ts-expect-error lines).
import offload, {
  configure, stats, ExecutorStats, HistogramBucket, TaskOptions, compress, decompressSync,
  createCompressStream, compression, CompressStream,
} from 'offload';

configure({ threads: 2, maxQueue: 100 });
offload.configure({});
const s: ExecutorStats = stats();
const p99: number = s.waitTime.p99 + s.runTime.max;
void p99;
const b: HistogramBucket = s.runTime.buckets[0];
const total: number = b.le + b.count + s.waitTime.count + s.waitTime.sum;
void total;
// @ts-expect-error buckets are objects, not numbers
const badBucket: number = s.runTime.buckets[0];
void badBucket;
const opts: TaskOptions = { signal: AbortSignal.timeout(10), priority: 'high', timeout: 5 };
void opts;

// @ts-expect-error threads must be a number
configure({ threads: '2' });
// @ts-expect-error unknown priority
const bad: TaskOptions = { priority: 'urgent' };
void bad;

// Hashing
import { hash, hashSync, hashMany, hashFile, createHash, getHashes, Hash } from 'offload';
async function hashing(): Promise<void> {
  const b: Buffer = await hash('sha256', 'x');
  const h: string = await hash('blake3', new Uint8Array(4), { encoding: 'hex', outputLength: 64 });
  const h2: string = await hash('sha1', 'x', 'base64url');
  const s: Buffer = hashSync('xxh3', Buffer.alloc(1), { seed: 5n });
  const many: string[] = await hashMany('crc32c', ['a', 'b'], 'hex');
  const f: Buffer = await hashFile('md5', new URL('file:///etc/hostname'), { signal: AbortSignal.timeout(100) });
  const stream: Hash = createHash('sha512', { key: 'k' });
  const d: string = await stream.digest('hex');
  const names: string[] = getHashes();
  void [b, h, h2, s, many, f, d, names];
  // @ts-expect-error unknown algorithm
  await hash('sha999', 'x');
  // @ts-expect-error a hex digest is a string, not a Buffer
  const wrong: Buffer = await hash('sha256', 'x', 'hex');
  void wrong;
}
void hashing;
// CircuitBreaker
import { CircuitBreaker, breakers, express, BreakerStats, BreakerSavedState, Status } from 'offload';
import { EventEmitter } from 'events';
const cb = new CircuitBreaker(async (id: number) => ({ id }),
  { timeout: 2000, errorThresholdPercentage: 25, resetTimeout: 5000, capacity: '10' });
cb.fallback(() => null).on('stateChange', ({ from, to }) => void `${from}${to}`);
cb.on('fallback', (result, err) => void [result, err]);
cb.on('halfOpen', (ms) => void (ms + 1));
const fired: Promise<{ id: number }> = cb.fire(1);
void fired;
void cb.call({ ctx: true }, 2);
const st: Status = cb.status;
const mean: number = st.stats.latencyMean + st.window[0].fires;
void mean;
st.on('snapshot', (s: BreakerStats) => void s.percentiles['0.5']);
const all: CircuitBreaker[] = breakers.getAll();
void all;
const shared = CircuitBreaker.shared('db', { failureThreshold: 5 });
void shared.execute((a: string, signal?: AbortSignal) => a.length + Number(signal?.aborted), 'x');
void express.shed(shared);
const isOurs: boolean = CircuitBreaker.isOurError(new Error('x'));
void isOurs;
const primed = new CircuitBreaker('value', { status: CircuitBreaker.newStatus({ stats: { fires: 1 } }),
  cache: true, cacheTTL: 100, coalesce: true, coalesceResetOn: ['error'], autoRenewAbortController: true,
  rotateBucketController: new EventEmitter(), allowWarmUp: true, group: 'g' });
primed.healthCheck(() => Promise.resolve(), 1000);
primed.fallback(cb);
const pending: boolean = primed.pendingClose && primed.enabled && primed.warmUp;
void pending;
const left: number = primed.semaphore.count;
void left;
const saved = primed.toJSON();
void new CircuitBreaker(() => 1, { state: saved.state, status: saved.status });
void new breakers.MemoryCache(10).cache.size;
offload.configure({ shed: { maxQueueWait: 100, volumeThreshold: 5 } });
// @ts-expect-error unknown state name
const badState: BreakerSavedState = { closed: 'ajar' };
void badState;
// @ts-expect-error timeout must be a number, a numeric string or false
void new CircuitBreaker(null, { timeout: true });
// @ts-expect-error coalesceResetOn names outcomes
void new CircuitBreaker(null, { coalesceResetOn: ['later'] });
// Compression
async function useCompression(): Promise<void> {
  const gz: Buffer = await compress(Buffer.from('x'), { codec: 'gzip', level: 9, signal: AbortSignal.timeout(10) });
  const back: Buffer = decompressSync(gz, { codec: 'auto', maxOutputLength: 1 << 20 });
  void back;
  await offload.decompress(new Uint8Array(4), { codec: 'zstd', dictionary: new ArrayBuffer(8) });
  await offload.decompress(new Uint8Array(4), { codec: 'zstd', parallel: false, maxOutputLength: 1 << 20 });
  const s: CompressStream = createCompressStream({ codec: 'zstd', checksum: true, chunkSize: 16384 });
  const gzs: CompressStream = createCompressStream({ codec: 'gzip', parallel: false });
  void gzs;
  s.flush(() => {});
  const mw = compression({ threshold: '1kb', encodings: ['br', 'gzip'], levels: { br: 5 } });
  void mw;
  // @ts-expect-error unknown codec
  await compress(Buffer.from('x'), { codec: 'lzma' });
  // @ts-expect-error 'auto' only decompresses
  await compress(Buffer.from('x'), { codec: 'auto' });
  // @ts-expect-error strings are not compressed implicitly
  await compress('text');
}
void useCompression;

// Image kernels
import { resize, resizeSync, ResizeResult, RawImage } from 'offload';
async function images(): Promise<void> {
  const rgba: RawImage<Buffer> = { data: Buffer.alloc(16), width: 2, height: 2, channels: 4 };
  const r: ResizeResult = await resize(rgba, { width: 1, kernel: 'lanczos3', signal: AbortSignal.timeout(100) });
  const b: Buffer = r.data;
  const f: Float32Array = resizeSync({ data: new Float32Array(4), width: 2, height: 2, channels: 1 },
    { width: 4, height: 4, fit: 'fill', kernel: 'mitchell' }).data;
  const s = await offload.resize({ data: new SharedArrayBuffer(9), width: 3, height: 3, channels: 1, stride: 3 },
    { height: 2, fit: 'inside' });
  const w: number = s.width + s.height + s.channels;
  void b; void f; void w;
  // @ts-expect-error unknown kernel
  resizeSync(rgba, { width: 1, kernel: 'lanczos4' });
  // @ts-expect-error channels must be 1..4
  resizeSync({ data: Buffer.alloc(5), width: 1, height: 1, channels: 5 }, { width: 1 });
  resizeSync(rgba, { width: 2, height: 2, fit: 'contain', background: [0, 0, 0, 255] });
  // @ts-expect-error unknown fit
  resizeSync(rgba, { width: 1, height: 1, fit: 'contains' });
  // @ts-expect-error a background is numbers
  resizeSync(rgba, { width: 1, height: 1, fit: 'contain', background: 'black' });
  // @ts-expect-error wrong typed array
  resizeSync({ data: new Int16Array(4), width: 2, height: 2, channels: 1 }, { width: 1 });
}
void images;
import { image, Image, ImageStats, PipelineStep } from 'offload';
async function imageOps(): Promise<void> {
  const rgba: Image<Buffer> = { data: Buffer.alloc(16), width: 2, height: 2, channels: 4 };
  const b: Buffer = (await image.blur(rgba, { sigma: 2, signal: AbortSignal.timeout(100) })).data;
  const u: Uint16Array = image.negateSync({ data: new Uint16Array(4), width: 2, height: 2, channels: 1 }).data;
  const f: Float32Array = (await image.convolve(new Float32Array(8), { kernel: [1, 2, 1], width: 3, height: 1, edge: 'mirror' })).data;
  const r = image.rotateSync(rgba, { angle: 270, out: { data: Buffer.alloc(16), width: 2, height: 2, channels: 4 } });
  const c = await image.composite(rgba, [{ input: rgba, left: -1, blend: 'screen', opacity: 0.5 }], { priority: 'high' });
  const s: ImageStats = await image.stats(rgba);
  const h: Uint32Array[] = image.histogramSync(rgba, { bins: 16 });
  const j = image.joinChannelsSync([rgba, rgba]);
  const m: number = s.channels[0].stdev + h.length + r.width + c.height + j.channels;
  void b; void u; void f; void m;
  // @ts-expect-error sigma is required
  image.blurSync(rgba, {});
  // @ts-expect-error median sizes are 3, 5 or 7
  image.medianSync(rgba, { size: 4 });
  // @ts-expect-error unknown edge mode
  image.convolveSync(rgba, { kernel: [1], width: 1, height: 1, edge: 'reflect' });
  // @ts-expect-error Int16Array is not a pixel type
  image.flipSync({ data: new Int16Array(4), width: 2, height: 2, channels: 1 });
  // @ts-expect-error no signal on a Sync op
  image.flipSync(rgba, { signal: AbortSignal.timeout(1) });
  // @ts-expect-error unknown blend
  image.compositeSync(rgba, [{ input: rgba, blend: 'burn' }]);
  const p = await image.pipeline(rgba).resize({ width: 1 }).sharpen({ sigma: 1 })
    .composite([{ input: rgba }]).grayscale().run({ signal: AbortSignal.timeout(5) });
  const q: number = p.width + image.pipeline(rgba).flip().runSync().height;
  void q;
  const ps: ImageStats = await image.pipeline(rgba).resize({ width: 1 }).grayscale().stats().run();
  const ph: Uint32Array[] = image.pipeline(rgba).negate().histogram({ bins: 16 }).runSync({ limitInputPixels: 100 });
  const pe: PipelineStep[] = image.pipeline(rgba).linear({ a: 2 }).gamma().stats().explain();
  const first = image.pipeline(rgba).linear({ a: 2 }).gamma().explain()[0];
  if ('fused' in first) { const names: string[] | undefined = first.fused; void names; }
  const dir = image.sobelSync({ data: Buffer.alloc(4), width: 2, height: 2, channels: 1 }, { direction: true });
  const pd = await image.pipeline(rgba).grayscale().sobel({ direction: true }).run();
  void ps; void ph; void pe; void dir; void pd;
  // @ts-expect-error nothing follows a reduction
  image.pipeline(rgba).stats().flip();
  // @ts-expect-error a reduction has no out
  image.pipeline(rgba).stats().runSync({ out: rgba });
  // @ts-expect-error histogram bins are a number
  image.pipeline(rgba).histogram({ bins: '8' });
  // @ts-expect-error direction is a boolean
  image.sobelSync(rgba, { direction: 1 });
  // @ts-expect-error not a pipeline step
  image.pipeline(rgba).normalise();
  const n: Buffer = image.normaliseSync(rgba, { lower: 2, upper: 98 }).data;
  void n;
  await image.pipeline(rgba).op('blur', { sigma: 1 }).run();
}
void imageOps;
// WorkerPool
import { WorkerPool, PoolLatency, RunOptions, WorkerPoolStats, TaskFunction, HistogramSummary, Transferable, ArenaStats, TaskQueue, PiscinaTask } from 'offload';
async function pooling(): Promise<void> {
  const pool = new WorkerPool<{ n: number }, number>({
    filename: new URL('file:///srv/task.mjs'), name: 'square', minThreads: 1, maxThreads: 4,
    maxQueue: 'auto', taskTimeout: 1000, idleTimeout: Infinity, resourceLimits: { maxOldGenerationSizeMb: 64 },
    workerData: { k: 1 }, execArgv: [], breaker: { failureThreshold: 5 },
  });
  const n: number = await pool.run({ n: 2 }, { timeout: 50, signal: AbortSignal.timeout(100) });
  const opts: RunOptions = { name: 'other', transferList: [new ArrayBuffer(1)] };
  const moved = WorkerPool.move(new Float64Array(8));
  const sab: SharedArrayBuffer = WorkerPool.move(new SharedArrayBuffer(8));
  const any = new WorkerPool({ filename: '/srv/task.js', breaker: new CircuitBreaker(null) });
  await any.run(moved, opts);
  const p99: number = pool.waitTime.p99 + pool.runTime.mean;
  const lat: PoolLatency = pool.runTime;
  const ids: number[] = pool.threads.map((w) => w.threadId);
  const inWorker: boolean = WorkerPool.isWorkerThread;
  pool.on('error', (err) => void err.code).on('workerCreate', (w) => void w.threadId);
  void [n, sab, p99, lat, ids, inWorker, pool.queueSize, pool.completed, pool.utilization, pool.options.maxQueue];
  const graceful = new WorkerPool({ filename: '/srv/task.js', cancelGrace: 0 });
  await graceful.run(1, { priority: 'low', signal: AbortSignal.timeout(5) });
  const st: WorkerPoolStats = graceful.stats;
  const counts: number = st.busy + st.idle + st.queued + st.failed + st.cancelled + st.timedOut + st.waitTime.p99 + st.runTime.max;
  const task: TaskFunction<number, number> = (x, { signal }) => (signal.aborted ? 0 : x * 2);
  void [counts, task, graceful.options.cancelGrace];
  // @ts-expect-error priority is a lane name
  await graceful.run(1, { priority: 2 });
  // piscina's surface
  const bare = new WorkerPool();
  await bare.run(1, { filename: new URL('file:///srv/task.js'), name: null, signal: new (await import('node:events')).EventEmitter() });
  const piscinaish = new WorkerPool({ filename: null, concurrentTasksPerWorker: 4, atomics: 'disabled', niceIncrement: 2,
    trackUnmanagedFds: false, recordTiming: true, stricterFIFO: true });
  const hist: HistogramSummary | undefined = piscinaish.histogram.runTime;
  piscinaish.histogram.resetWaitTime();
  const custom: Transferable<{ n: number }> = {
    [WorkerPool.transferableSymbol]: new ArrayBuffer(1), [WorkerPool.valueSymbol]: { n: 1 },
  };
  const same: Transferable<{ n: number }> = WorkerPool.move(custom);
  const prim: number = WorkerPool.move(5);
  const version: string = WorkerPool.version;
  piscinaish.on('message', (m) => void m).on('close', () => {}).once('needsDrain', () => {});
  void [hist, same, prim, version, piscinaish.idleThreads + piscinaish.maxThreads + piscinaish.minThreads, WorkerPool.workerData];
  const xs: Float64Array = piscinaish.alloc(Float64Array, 1024);
  const big: BigInt64Array = piscinaish.alloc(BigInt64Array, 8);
  piscinaish.free(xs);
  const arena: ArenaStats = piscinaish.arena;
  void [big, arena.bytes + arena.used + arena.blocks, piscinaish.stats.arena.used, new WorkerPool({ maxArenaBytes: 1 << 20 })];
  const items: PiscinaTask[] = [];
  const queue: TaskQueue = {
    get size() { return items.length; },
    push: (task) => void items.push(task),
    shift: () => items.shift() ?? null,
    remove: (task) => void items.splice(items.indexOf(task), 1),
  };
  const custom2 = new WorkerPool({ taskQueue: queue });
  void [custom2, items[0]?.[WorkerPool.queueOptionsSymbol], items[0]?.isAbortable];
  // @ts-expect-error alloc takes a TypedArray constructor
  piscinaish.alloc(Array, 4);
  // @ts-expect-error atomics takes three values
  new WorkerPool({ atomics: 'on' });
  await pool.close({ force: true });
  await pool.destroy();
  // @ts-expect-error maxThreads is a number
  new WorkerPool({ maxThreads: '2' });
  // @ts-expect-error maxQueue is a number or 'auto'
  new WorkerPool({ filename: 'x', maxQueue: 'lots' });
  // @ts-expect-error the task type is enforced
  await pool.run('two');
  // @ts-expect-error plain objects cannot be moved
  WorkerPool.move({ a: 1 });
}
void pooling;

async function passwords(): Promise<void> {
  const stored: string = await offload.password.hash('pw', { algorithm: 'argon2id', memoryCost: 19456 });
  const ok: boolean = await offload.password.verify(stored, Buffer.from('pw'), { signal: AbortSignal.timeout(100) });
  const b: string = offload.password.hashSync('pw', { algorithm: 'bcrypt', cost: 12 });
  const again: boolean = offload.password.needsRehash(b, { algorithm: 'bcrypt', cost: 12 });
  void [ok, again, offload.password.verifySync(b, 'pw', { maxBcryptCost: 14 })];
  // @ts-expect-error unknown algorithm
  await offload.password.hash('pw', { algorithm: 'md5' });
  // @ts-expect-error verify takes the encoded string first
  await offload.password.verify(Buffer.from('pw'), 'pw');
}
void passwords;
