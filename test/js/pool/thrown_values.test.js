'use strict';
// Thrown values that cannot be read or cloned reject with DataCloneError
// and leave the worker alone; AggregateError keeps its .errors.
const test = require('node:test');
const assert = require('node:assert');
const { WorkerPool } = require('../../..');
const { fixture } = require('../fixtures/pool/setup');

function pool(t) {
  const p = new WorkerPool({ filename: fixture('tasks.js'), minThreads: 1,
    maxThreads: 1 });
  t.after(() => p.destroy());
  return p;
}

for (const name of ['throwGetter', 'throwProxy', 'throwRevoked',
  'throwNullProto']) {
  test(`pool_thrown_${name}_rejects_data_clone_error`, async (t) => {
    const p = pool(t);
    const before = await p.run(null, { name: 'threadId' });
    await assert.rejects(p.run(null, { name }), (err) => {
      assert.strictEqual(err.name, 'DataCloneError');
      assert.match(err.message, /could not be cloned/);
      return true;
    });
    assert.strictEqual(await p.run(null, { name: 'threadId' }), before,
      'the worker did not crash');
  });
}

test('pool_thrown_aggregate_error_keeps_errors', async (t) => {
  const p = pool(t);
  await assert.rejects(p.run(null, { name: 'throwAggregate' }), (err) => {
    assert.ok(err instanceof AggregateError);
    assert.strictEqual(err.message, 'several');
    assert.strictEqual(err.errors.length, 3);
    assert.ok(err.errors[0] instanceof TypeError);
    assert.strictEqual(err.errors[0].message, 'inner');
    assert.strictEqual(err.errors[0].code, 'E_INNER');
    assert.ok(err.errors[1] instanceof RangeError);
    assert.strictEqual(err.errors[2], 'plain');
    return true;
  });
});

test('pool_thrown_uncloneable_cause_keeps_the_error', async (t) => {
  const p = pool(t);
  await assert.rejects(p.run(null, { name: 'throwCauseFunction' }), (err) => {
    assert.strictEqual(err.message, 'outer');
    assert.strictEqual(err.cause.name, 'DataCloneError');
    return true;
  });
});
