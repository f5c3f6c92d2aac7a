// Compiled with `tsc --noEmit` by test/js/types.test.js: the declarations
// must accept real usage and reject misuse (@ts-expect-error lines).
import offload, {
  configure, stats, ExecutorStats, TaskOptions, compress, decompressSync,
  createCompressStream, compression, CompressStream,
} from 'offload';

configure({ threads: 2, maxQueue: 100 });
offload.configure({});
const s: ExecutorStats = stats();
const p99: number = s.waitTime.p99 + s.runTime.max;
void p99;
const opts: TaskOptions = { signal: AbortSignal.timeout(10), priority: 'high', timeout: 5 };
void opts;

// @ts-expect-error threads must be a number
configure({ threads: '2' });
// @ts-expect-error unknown priority
const bad: TaskOptions = { priority: 'urgent' };
void bad;

// Compression
async function useCompression(): Promise<void> {
  const gz: Buffer = await compress(Buffer.from('x'), { codec: 'gzip', level: 9, signal: AbortSignal.timeout(10) });
  const back: Buffer = decompressSync(gz, { codec: 'auto', maxOutputLength: 1 << 20 });
  void back;
  await offload.decompress(new Uint8Array(4), { codec: 'zstd', dictionary: new ArrayBuffer(8) });
  const s: CompressStream = createCompressStream({ codec: 'zstd', checksum: true, chunkSize: 16384 });
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
