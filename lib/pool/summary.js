'use strict';
// Latency summaries for a pool's getters: a perf_hooks histogram (constant
// memory, 3 significant figures) fed in microseconds, read in ms.
const { createHistogram } = require('perf_hooks');

class Summary {
  constructor() {
    this.h = createHistogram();
  }

  record(ms) {
    this.h.record(Math.max(1, Math.round(ms * 1000)));
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
}

module.exports = { Summary };
