'use strict';
// Every promise API returns a promise for any argument, however hostile,
// and rejects with an error that has a string `code`; buffers that change
// under a running call are safe.
const test = require('node:test');
const assert = require('node:assert');
const { inspect } = require('node:util');
const path = require('node:path');
const offload = require('../../..');

function detachedView(Ctor) {
  const ab = new ArrayBuffer(16);
  const v = new Ctor(ab);
  structuredClone(ab, { transfer: [ab] });
  return v;
}

function throwingLength() {
  const u = new Uint8Array(8);
  Object.defineProperty(u, 'byteLength', { get() { throw new Error('getter'); } });
  return u;
}

const trap = () => { throw new Error('trap'); };
const hostileProxy = () => new Proxy({}, {
  get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap,
});

const HOSTILE = [
  ['detached DataView', () => detachedView(DataView)],
  ['detached ArrayBuffer', () => { const ab = new ArrayBuffer(8); structuredClone(ab, { transfer: [ab] }); return ab; }],
  ['Proxy', hostileProxy],
  ['Proxy of a Uint8Array', () => new Proxy(new Uint8Array(4), {})],
  ['throwing byteLength', throwingLength],
  ['Object.create(Uint8Array.prototype)', () => Object.create(Uint8Array.prototype)],
  ['number', () => 42],
  ['null', () => null],
];

// Positions where every hostile value but these is invalid.
const MUST_REJECT = new Set(['hash(data)', 'hash(key)', 'hashFile(path)',
  'hashMany(list)', 'compress(data)', 'decompress(data)', 'resize(image)',
  'resize(image.data)', 'breaker.execute(fn)']);
// A proxy of a real view, or a real view with an own byteLength getter, is
// read as the view it is (intrinsic getters), as native code reads it.
const MAY_RESOLVE = new Set(['Proxy of a Uint8Array', 'throwing byteLength']);

const img = (data) => ({ data, width: 2, height: 2, channels: 1 });

function apis(pool, breaker) {
  return [
    ['hash(data)', (v) => offload.hash('sha256', v)],
    ['hash(options)', (v) => offload.hash('sha256', 'x', v)],
    ['hash(key)', (v) => offload.hash('sha256', 'x', { key: v })],
    ['hashFile(path)', (v) => offload.hashFile('sha256', v)],
    ['hashMany(list)', (v) => offload.hashMany('sha256', [v])],
    ['compress(data)', (v) => offload.compress(v)],
    ['compress(options)', (v) => offload.compress(Buffer.alloc(4), v)],
    ['decompress(data)', (v) => offload.decompress(v)],
    ['resize(image)', (v) => offload.resize(v, { width: 1, height: 1 })],
    ['resize(image.data)', (v) => offload.resize(img(v), { width: 1, height: 1 })],
    ['pool.run(task)', (v) => pool.run(v)],
    ['pool.run(options)', (v) => pool.run(1, v)],
    ['breaker.execute(fn)', (v) => breaker.execute(v)],
  ];
}

test('every_promise_api_rejects_hostile_arguments_with_a_code', async (t) => {
  const pool = new offload.WorkerPool({
    filename: path.join(__dirname, '..', 'fixtures', 'pool', 'echo.js'), maxThreads: 1,
  });
  t.after(() => pool.close());
  const breaker = new offload.CircuitBreaker(async (x) => x);
  for (const [api, call] of apis(pool, breaker)) {
    for (const [what, make] of HOSTILE) {
      const label = `${api} with ${what}`;
      let p;
      assert.doesNotThrow(() => { p = call(make()); }, label);
      assert.ok(p instanceof Promise, label);
      const must = MUST_REJECT.has(api) && !MAY_RESOLVE.has(what);
      await p.then((v) => {
        assert.ok(!must, `${label} resolved ${inspect(v)}`);
      }, (err) => {
        assert.ok(err instanceof Error, label);
        // Task data that cannot be cloned rejects with Node's own
        // DataCloneError (documented), whose code is DOMException's number.
        if (api === 'pool.run(task)' && err.name === 'DataCloneError') return;
        assert.strictEqual(typeof err.code, 'string', `${label}: ${err.stack}`);
      });
    }
  }
});

test('resizable_buffers_shrunk_mid_call_are_safe',
  { skip: typeof ArrayBuffer.prototype.resize !== 'function' && 'no resizable ArrayBuffer' },
  async () => {
    // Async calls read a copy of a resizable buffer: shrinking it right
    // after the call used to crash the process.
    const crypto = require('node:crypto');
    const n = 8 << 20;
    const fill = (ab) => { new Uint8Array(ab).fill(7); return ab; };
    const rab = () => fill(new ArrayBuffer(n, { maxByteLength: 2 * n }));
    const want = crypto.createHash('sha256').update(Buffer.alloc(n, 7)).digest('hex');
    let ab = rab();
    let p = offload.hash('sha256', new Uint8Array(ab), { encoding: 'hex' });
    ab.resize(0);
    assert.strictEqual(await p, want);
    ab = rab();
    p = offload.compress(new DataView(ab), { codec: 'zstd' });
    ab.resize(16);
    assert.ok(Buffer.alloc(n, 7).equals(await offload.decompress(await p)));
    ab = rab();
    const img = { data: new Uint8Array(ab), width: 2048, height: 1024, channels: 4 };
    p = offload.resize(img, { width: 64, height: 32 });
    ab.resize(0);
    const out = await p;
    assert.ok(out.data.every((v) => v === 7));
  });
