'use strict';
// Latency summaries for a pool's getters: a perf_hooks histogram (constant
// memory, 3 significant figures) fed in microseconds, read in ms.
const { createHistogram } = require('perf_hooks');

// piscina's summary keys and the percentiles they stand for.
const PERCENTILES = [['p0_001', 0.001], ['p0_01', 0.01], ['p0_1', 0.1],
  ['p1', 1], ['p2_5', 2.5], ['p10', 10], ['p25', 25], ['p50', 50],
  ['p75', 75], ['p90', 90], ['p97_5', 97.5], ['p99', 99], ['p99_9', 99.9],
  ['p99_99', 99.99], ['p99_999', 99.999]];

class Summary {
  constructor() {
    this.h = createHistogram();
  }

  record(ms) {
    this.h.record(Math.max(1, Math.round(ms * 1000)));
  }

  reset() {
    this.h.reset();
  }

  /** { p50, p99, mean, max } in ms; zeros before the first record. */
  get() {
    const h = this.h;
    if (h.count === 0) return { p50: 0, p99: 0, mean: 0, max: 0 };
    return {
      p50: h.percentile(50) / 1000, p99: h.percentile(99) / 1000,
      mean: h.mean / 1000, max: h.max / 1000,
    };
  }

  /** piscina's histogram summary, in ms: an empty one has NaN means. */
  summary() {
    const h = this.h;
    const empty = h.count === 0;
    const ms = (v) => (empty || !Number.isFinite(v) ? 0 : v / 1000);
    const mean = empty ? NaN : h.mean / 1000;
    const out = {
      average: mean, mean, stddev: empty ? NaN : h.stddev / 1000,
      min: ms(h.min), max: ms(h.max),
    };
    for (const [key, p] of PERCENTILES) out[key] = ms(h.percentile(p));
    return out;
  }
}

module.exports = { Summary };
