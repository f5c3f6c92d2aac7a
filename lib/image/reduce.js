'use strict';
// The reductions' JS half, shared by image.stats()/histogram() and by
// pipelines that end in one: the arrays native code fills, and the
// results built from them (the means, deviations and entropies).
const STATS = 1;
const HISTOGRAM = 2;

/** The arrays for a reduction over an image of `channels` channels
 * (stats always count a 256-bin histogram: the entropy needs one). */
function reduceArrays(mode, channels, bins) {
  const b = mode === STATS ? 256 : bins;
  return {
    bins: b,
    out: mode === STATS ? new Float64Array(channels * 8 + 1) : undefined,
    counts: new Uint32Array(channels * b),
  };
}

function entropy(counts, total) {
  let e = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    const q = counts[i] / total;
    e -= q * Math.log2(q);
  }
  return e;
}

/** The result of a filled reduction over `channels` channels. */
function finishReduce(mode, channelCount, { bins, out, counts }) {
  const hists = [];
  for (let c = 0; c < channelCount; c++) {
    hists.push(counts.slice(c * bins, (c + 1) * bins));
  }
  if (mode === HISTOGRAM) return hists;
  const n = out[channelCount * 8];
  const channels = [];
  for (let c = 0; c < channelCount; c++) {
    const k = out.subarray(c * 8, c * 8 + 8);
    const [min, max, sum, squaresSum, minX, minY, maxX, maxY] = k;
    const mean = sum / n;
    // Sample deviation (n - 1), as libvips' stats and so sharp.
    const stdev = n > 1 ? Math.sqrt(Math.max(0,
      (squaresSum - (sum * sum) / n) / (n - 1))) : 0;
    channels.push({ min, max, sum, squaresSum, mean, stdev, minX, minY, maxX,
      maxY, entropy: entropy(hists[c], n) });
  }
  const colour = channelCount === 2 || channelCount === 4 ? channelCount - 1
    : channelCount;
  let e = 0;
  for (let c = 0; c < colour; c++) e += channels[c].entropy;
  return { channels, entropy: e / colour, pixels: n };
}

module.exports = { STATS, HISTOGRAM, reduceArrays, finishReduce };
