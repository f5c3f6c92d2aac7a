'use strict';
// A CPU-heavy JavaScript function: a Monte Carlo risk score (the share of
// simulated price paths that end below a floor). Pure JS, ~20 ms at the
// default size here. The service runs it on a WorkerPool; the naive
// variant calls it inline.

// xorshift32: deterministic per request, so results can be checked.
function rng(seed) {
  let x = (seed >>> 0) || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * @param {{ seed?: number, paths?: number, steps?: number }} input
 * @param {{ signal?: AbortSignal }} [options] checked between paths
 */
function score(input = {}, { signal } = {}) {
  const paths = Math.min(Math.max(1, input.paths | 0 || 2000), 100000);
  const steps = Math.min(Math.max(1, input.steps | 0 || 250), 1000);
  const next = rng(input.seed | 0 || 7);
  let below = 0;
  for (let p = 0; p < paths; p++) {
    if ((p & 63) === 0 && signal && signal.aborted) throw signal.reason;
    let price = 100;
    for (let s = 0; s < steps; s++) {
      // Box-Muller from two uniforms: a normal step of 1% volatility.
      const u = next() || 1e-12;
      const v = next();
      price *= 1 + 0.01 * Math.sqrt(-2 * Math.log(u)) *
        Math.cos(2 * Math.PI * v);
    }
    if (price < 90) below++;
  }
  return { paths, steps, risk: below / paths };
}

module.exports = score;
module.exports.score = score;
