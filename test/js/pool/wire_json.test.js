'use strict';
// Results travel as JSON text when that gives exactly what structured
// clone gives (lib/pool/wire.js): the check must refuse every value JSON
// would change, and the value a task returns must arrive as it would by
// postMessage.
const test = require('node:test');
const assert = require('node:assert');
const { encode, decode, jsonSafe, SabTable } = require('../../../lib/pool/wire');
const { fixture, poolFor } = require('../fixtures/pool/setup');

const table = new SabTable(0, () => {});
const roundTrip = (v) => decode(encode(v, table, undefined, undefined, true),
  () => undefined);

const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
const extra = Object.assign([1, 2], { note: 'x' });
const shared = { a: 1 };
const cyclic = { name: 'c' };
cyclic.self = cyclic;
class Point { constructor() { this.x = 1; } }
const getter = { get v() { return 7; } };

const REFUSED = {
  undefined, minusZero: -0, nan: NaN, inf: Infinity, bigint: 1n,
  holey, extra, sharedRefs: { p: shared, q: shared }, cyclic,
  date: new Date(0), map: new Map([[1, 2]]), set: new Set([1]),
  view: new Uint8Array(4), regexp: /x/, instance: new Point(),
  boxed: Object('s'), proxy: new Proxy({ a: 1 }, {}),
  proxyArray: new Proxy([1], {}), nested: { deep: [{ u: undefined }] },
  error: new Error('e'),
  deep: JSON.parse('['.repeat(80) + ']'.repeat(80)),
};

const TAKEN = {
  number: 1.5, negative: -3, string: 'x\u{1F600}', loneSurrogate: '\ud800',
  bool: false, nul: null, empty: {}, emptyArray: [],
  doc: { id: 'd', items: [{ n: 1, ok: true, tags: ['a'] }], at: null },
  nullProto: Object.assign(Object.create(null), { a: 1 }),
  protoKey: JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  integerKeys: { b: 1, 2: 'two', a: 3, 1: 'one' },
  getter,
};

test('pool_wire_json_refuses_what_json_would_change', () => {
  for (const [name, v] of Object.entries(REFUSED)) {
    assert.strictEqual(jsonSafe(v), false, name);
    // refused values still cross, in v8's format
    if (name !== 'bigint' && name !== 'proxy' && name !== 'proxyArray') {
      assert.deepStrictEqual(roundTrip(v), structuredClone(v), name);
    }
  }
});

test('pool_wire_json_values_arrive_as_structured_clone_gives', () => {
  for (const [name, v] of Object.entries(TAKEN)) {
    assert.strictEqual(jsonSafe(v), true, name);
    const got = roundTrip(v);
    const want = structuredClone(v);
    assert.deepStrictEqual(got, want, name);
    if (typeof want === 'object' && want !== null) {
      assert.deepStrictEqual(Object.keys(got), Object.keys(want), name);
      assert.strictEqual(Object.getPrototypeOf(got), Object.getPrototypeOf(want), name);
    }
  }
  const p = roundTrip(TAKEN.protoKey);
  assert.ok(Object.hasOwn(p, '__proto__'));
  assert.strictEqual(Object.getPrototypeOf(p), Object.prototype);
});

test('pool_wire_json_polluted_toJSON_falls_back', (t) => {
  Object.prototype.toJSON = () => 'polluted'; // eslint-disable-line no-extend-native
  t.after(() => { delete Object.prototype.toJSON; });
  assert.strictEqual(jsonSafe({ a: 1 }), false);
  assert.deepStrictEqual(roundTrip({ a: 1 }), { a: 1 });
});

test('pool_wire_json_results_from_a_task_match_postMessage', async (t) => {
  const pool = poolFor({ filename: fixture('echo.js'), minThreads: 1, maxThreads: 1 });
  const p = pool(t, {});
  for (const [name, v] of Object.entries({ ...TAKEN, ...REFUSED })) {
    if (name === 'proxy' || name === 'proxyArray') continue; // not cloneable
    const got = await p.run(v);
    assert.deepStrictEqual(got, structuredClone(v), name);
  }
});
