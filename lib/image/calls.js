'use strict';
/**
 * The image ops (everything but resize, which is ./resize.js): the
 * raw-pixel toolbox on the native executor. Every op
 * has a promise form, `op(image, options)`, and `opSync(image, options)`.
 * An image is { data, width, height, channels, stride? } with data a
 * Buffer/Uint8Array/Uint8ClampedArray (u8), Uint16Array (u16) or
 * Float32Array (f32), any of them possibly on a SharedArrayBuffer.
 * Results come back as { data, width, height, channels } (a Buffer for
 * u8), written into `options.out` when one is given.
 */
const binding = require('../binding');
const { codes, unreadable } = require('../errors');
const {
  validateObject, validateInteger, validateNumber, taskOptions,
} = require('../validate');
const { run, executorThreads } = require('../executor');
const { OPS, prepareLayer, params } = require('./ops');
const { STATS, HISTOGRAM, reduceArrays, finishReduce } = require('./reduce');
const {
  U8, U16, F32, MAX_PIXELS, readImage, geometry, allocImage, readOut, result,
  samples,
} = require('./view');

// Below this many samples (input + output) a promise call runs on the
// calling thread: a handoff would cost more than the work.
const INLINE_MAX = 64 * 1024;
// Samples of work per band; more bands than threads balance the load.
const BAND_WORK = 256 * 1024;
const SYNC_OPTIONS = ['out', 'limitInputPixels'];
const ASYNC_OPTIONS = [...SYNC_OPTIONS, 'signal', 'timeout', 'priority'];

function readLimit(value) {
  if (value === undefined) return MAX_PIXELS;
  if (value === false) return MAX_PIXELS; // the native cap
  return validateInteger(value, 'options.limitInputPixels', 1, MAX_PIXELS);
}

function checkKeys(o, allowed, name) {
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined && !allowed.includes(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${k}`, o[k],
        `is not an option of image.${name}${allowed === SYNC_OPTIONS ||
          !ASYNC_OPTIONS.includes(k) ? '' : ' (promise form only)'}`);
    }
  }
}

/** One native op call: everything validated and allocated. */
function call(p, src, other, dst, extra) {
  return { p, src, other, dst, extra,
    work: samples(src) + samples(dst) + (other ? samples(other) : 0) };
}

function runSync(c) {
  binding.imageOpSync(c.p, c.src.data, geometry(c.src),
    c.other ? c.other.data : undefined, c.other ? geometry(c.other) : undefined,
    c.dst.data, geometry(c.dst), c.extra);
}

function bandsFor(rows, work) {
  return Math.max(1, Math.min(rows, executorThreads() * 4,
    Math.ceil(work / BAND_WORK)));
}

function runAsync(c, task) {
  if (c.work <= INLINE_MAX && task.timeout === 0 &&
      !(task.signal && task.signal.aborted)) {
    try {
      runSync(c);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const bands = bandsFor(c.dst.height, c.work);
  return run((cb, timeout) => binding.imageOp(c.p, c.src.data,
    geometry(c.src), c.other ? c.other.data : undefined,
    c.other ? geometry(c.other) : undefined, c.dst.data, geometry(c.dst),
    c.extra, bands, task.lane, timeout, cb), task);
}

function prepareOp(name, image, options, allowed) {
  const o = validateObject(options, 'options');
  checkKeys(o, [...allowed, ...OPS[name].keys], name);
  const src = readImage(image, 'image', readLimit(o.limitInputPixels));
  const { p, shape, extra } = OPS[name].prepare(o, src);
  const dst = o.out === undefined ? allocImage(shape)
    : readOut(o.out, shape, [src], OPS[name].point === true);
  return { o, c: call(p, src, null, dst, extra) };
}

function syncOp(name) {
  return function imageOpSync(image, options) {
    const { c } = prepareOp(name, image, options, SYNC_OPTIONS);
    runSync(c);
    return result(c.dst);
  };
}

function asyncOp(name) {
  return function imageOp(image, options) {
    let c;
    let task;
    try {
      let o;
      ({ o, c } = prepareOp(name, image, options, ASYNC_OPTIONS));
      task = taskOptions(o);
    } catch (err) {
      return Promise.reject(unreadable(err, 'arguments'));
    }
    return runAsync(c, task).then(() => result(c.dst));
  };
}

// ---- multi-input ops: composite and joinChannels run one native call
// per layer (or per joined image), each reading the previous result.

function prepareChain(kind, base, list, options, allowed) {
  const o = validateObject(options, 'options');
  checkKeys(o, allowed, kind);
  const limit = readLimit(o.limitInputPixels);
  const src = readImage(base, kind === 'composite' ? 'image' : 'images[0]',
    limit);
  if (!Array.isArray(list) || list.length === 0) {
    throw codes.ERR_INVALID_ARG_TYPE(kind === 'composite' ? 'layers'
      : 'images', 'a non-empty array', list);
  }
  const steps = [];
  let prev = src;
  const inputs = [src];
  for (let i = 0; i < list.length; i++) {
    let p;
    let other;
    let shape;
    if (kind === 'composite') {
      ({ p, input: other } = prepareLayer(list[i], i, src, readImage, limit));
      shape = { ...prev };
    } else {
      other = readImage(list[i], `images[${i + 1}]`, limit);
      if (other.width !== src.width || other.height !== src.height ||
          other.format !== src.format) {
        throw codes.ERR_INVALID_ARG_VALUE(`images[${i + 1}]`, list[i],
          'must have the size and dtype of images[0]');
      }
      if (prev.channels + other.channels > 4) {
        throw codes.ERR_OUT_OF_RANGE('the joined channels', '<= 4',
          prev.channels + other.channels);
      }
      p = params('joinChannels');
      shape = { ...prev, channels: prev.channels + other.channels };
    }
    inputs.push(other);
    const last = i === list.length - 1;
    // Composite may write its base in place (out: base), the last step
    // only when it is also the first (a chain reads the base in step 1).
    const inPlace = kind === 'composite' && list.length === 1;
    const dst = last && o.out !== undefined ? readOut(o.out, shape, inputs,
      inPlace) : allocImage(shape);
    steps.push(call(p, prev, other, dst, undefined));
    prev = dst;
  }
  return { o, steps };
}

function chainSync(kind) {
  return function chainOpSync(a, b, options) {
    const { steps } = kind === 'composite'
      ? prepareChain(kind, a, b, options, SYNC_OPTIONS)
      : prepareChain(kind, Array.isArray(a) ? a[0] : undefined,
        Array.isArray(a) ? a.slice(1) : a, b, SYNC_OPTIONS);
    for (const s of steps) runSync(s);
    return result(steps[steps.length - 1].dst);
  };
}

function chainAsync(kind) {
  return function chainOp(a, b, options) {
    let steps;
    let task;
    try {
      let o;
      ({ o, steps } = kind === 'composite'
        ? prepareChain(kind, a, b, options, ASYNC_OPTIONS)
        : prepareChain(kind, Array.isArray(a) ? a[0] : undefined,
          Array.isArray(a) ? a.slice(1) : a, b, ASYNC_OPTIONS));
      task = taskOptions(o);
    } catch (err) {
      return Promise.reject(unreadable(err, 'arguments'));
    }
    let chain = Promise.resolve();
    for (const s of steps) chain = chain.then(() => runAsync(s, task));
    return chain.then(() => result(steps[steps.length - 1].dst));
  };
}

// ---- reductions ----

function prepareReduce(mode, image, options, allowed) {
  const o = validateObject(options, 'options');
  const name = mode === STATS ? 'stats' : 'histogram';
  checkKeys(o, mode === HISTOGRAM ? [...allowed, 'bins'] : allowed, name);
  const src = readImage(image, 'image', readLimit(o.limitInputPixels));
  const bins = mode === STATS || o.bins === undefined ? 256
    : validateInteger(o.bins, 'options.bins', 1, 65536);
  return { src, o, ...reduceArrays(mode, src.channels, bins) };
}

function finish(mode, r) {
  return finishReduce(mode, r.src.channels, r);
}

function reduceSync(mode) {
  return function reduce(image, options) {
    const r = prepareReduce(mode, image, options, SYNC_OPTIONS.slice(1));
    binding.imageReduceSync(mode, r.src.data, geometry(r.src), r.bins, r.out,
      r.counts);
    return finish(mode, r);
  };
}

function reduceAsync(mode) {
  return function reduce(image, options) {
    let r;
    let task;
    try {
      r = prepareReduce(mode, image, options, ASYNC_OPTIONS.slice(1));
      task = taskOptions(r.o);
    } catch (err) {
      return Promise.reject(unreadable(err, 'arguments'));
    }
    const work = samples(r.src);
    if (work <= INLINE_MAX && task.timeout === 0 &&
        !(task.signal && task.signal.aborted)) {
      try {
        binding.imageReduceSync(mode, r.src.data, geometry(r.src), r.bins,
          r.out, r.counts);
        return Promise.resolve(finish(mode, r));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const bands = bandsFor(r.src.height, work);
    return run((cb, timeout) => binding.imageReduce(mode, r.src.data,
      geometry(r.src), r.bins, r.out, r.counts, bands, task.lane, timeout, cb),
    task).then(() => finish(mode, r));
  };
}

// ---- normalise: a percentile stretch, histogram then linear ----

const NORMALISE_KEYS = ['lower', 'upper'];

function normalisePlan(image, options, allowed) {
  const o = validateObject(options, 'options');
  checkKeys(o, [...allowed, ...NORMALISE_KEYS], 'normalise');
  const lower = o.lower === undefined ? 1
    : validateNumber(o.lower, 'options.lower', 0, 100);
  const upper = o.upper === undefined ? 99
    : validateNumber(o.upper, 'options.upper', 0, 100);
  if (!(lower < upper)) {
    throw codes.ERR_INVALID_ARG_VALUE('options.lower', lower,
      `must be below options.upper (${upper})`);
  }
  const src = readImage(image, 'image', readLimit(o.limitInputPixels));
  const bins = src.format === U8 ? 256 : src.format === U16 ? 65536 : 4096;
  const rest = Object.assign(Object.create(null), o);
  delete rest.lower;
  delete rest.upper;
  return { o, rest, lower, upper, src, bins };
}

/** The linear map that sends the lower/upper percentiles of the colour
 * channels (pooled) to 0 and max. */
function stretch(plan, hists) {
  const { src, bins, lower, upper } = plan;
  const colour = src.channels === 2 || src.channels === 4
    ? src.channels - 1 : src.channels;
  const pooled = new Float64Array(bins);
  let total = 0;
  for (let c = 0; c < colour; c++) {
    for (let i = 0; i < bins; i++) pooled[i] += hists[c][i];
  }
  for (let i = 0; i < bins; i++) total += pooled[i];
  const at = (pct) => {
    const want = (pct / 100) * total;
    let cum = 0;
    for (let i = 0; i < bins; i++) {
      cum += pooled[i];
      if (cum >= want && cum > 0) return i;
    }
    return bins - 1;
  };
  const max = src.format === F32 ? 1 : src.format === U16 ? 65535 : 255;
  const scale = src.format === F32 ? 1 / bins : 1;
  const lo = at(lower) * scale;
  const hi = at(upper) * scale;
  if (hi <= lo) return { a: 1, b: 0 };
  const a = max / (hi - lo);
  return { a, b: -lo * a };
}

function normaliseSync(image, options) {
  const plan = normalisePlan(image, options, SYNC_OPTIONS);
  const hists = api.histogramSync(image, { bins: plan.bins,
    limitInputPixels: plan.o.limitInputPixels });
  return api.linearSync(image, { ...stretch(plan, hists), ...plan.rest });
}

function normalise(image, options) {
  let plan;
  try {
    plan = normalisePlan(image, options, ASYNC_OPTIONS);
    taskOptions(plan.o);
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  const task = Object.assign(Object.create(null), plan.rest);
  delete task.out; // the histogram has no image output
  return api.histogram(image, { bins: plan.bins, ...task })
    .then((hists) => api.linear(image, { ...stretch(plan, hists),
      ...plan.rest }));
}

const api = {};
for (const name of Object.keys(OPS)) {
  api[name] = asyncOp(name);
  api[`${name}Sync`] = syncOp(name);
}
api.composite = chainAsync('composite');
api.compositeSync = chainSync('composite');
api.joinChannels = chainAsync('joinChannels');
api.joinChannelsSync = chainSync('joinChannels');
api.stats = reduceAsync(STATS);
api.statsSync = reduceSync(STATS);
api.histogram = reduceAsync(HISTOGRAM);
api.histogramSync = reduceSync(HISTOGRAM);
api.normalise = normalise;
api.normaliseSync = normaliseSync;

module.exports = api;
