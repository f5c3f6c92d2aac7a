import test from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
import offload, { configure, stats, errors } from 'offload';

const require = createRequire(import.meta.url);

test('esm_and_cjs_share_one_implementation', () => {
  const cjs = require('offload');
  assert.strictEqual(offload, cjs);
  assert.strictEqual(configure, cjs.configure);
  assert.strictEqual(stats, cjs.stats);
  assert.strictEqual(errors, cjs.errors);
});
