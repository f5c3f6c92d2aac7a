'use strict';
// examples/service/limit.js: big bodies of recent sizes are reused, within
// a byte cap, and only whole buffers of their own go back.
const test = require('node:test');
const assert = require('node:assert');
const { BodyBuffers } = require('../../../examples/service/limit');

const MIB = 1 << 20;

test('service_body_buffers_reuse_whole_buffers_within_the_cap', () => {
  const b = new BodyBuffers({ min: MIB, maxBytes: 3 * MIB });
  const one = b.take(2 * MIB);
  assert.strictEqual(one.byteLength, 2 * MIB);
  b.give(one);
  assert.strictEqual(b.bytes, 2 * MIB);
  assert.strictEqual(b.take(2 * MIB), one); // the same memory again
  assert.notStrictEqual(b.take(2 * MIB), one); // taken: a fresh one
  assert.strictEqual(b.bytes, 0);
  b.give(one);
  b.give(b.take(2 * MIB)); // over the 3 MiB cap: dropped
  assert.strictEqual(b.bytes, 2 * MIB);
  b.give(Buffer.allocUnsafeSlow(MIB / 2)); // under min
  b.give(one.subarray(0, MIB + 1)); // a view: its buffer is bigger
  assert.strictEqual(b.bytes, 2 * MIB);
  assert.strictEqual(b.take(3 * MIB).byteLength, 3 * MIB); // another size
});
