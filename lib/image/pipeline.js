'use strict';
// offload.image.pipeline(img).resize(…).sharpen(…).grayscale().run():
// the chain is validated step by step in JS (each step's output shape
// feeds the next), then runs as ONE native task: intermediates stay in
// native memory, nothing comes back to JS between steps. Adjacent u8
// table ops run as one fused lut pass; stats()/histogram() may end the
// chain (the last image then never leaves native memory either).
const binding = require('../binding');
const { codes, unreadable } = require('../errors');
const { validateObject, validateInteger, taskOptions } = require('../validate');
const { run } = require('../executor');
const { resizeStep } = require('./resize');
const { OPS, prepareLayer } = require('./ops');
const { STATS, HISTOGRAM, reduceArrays, finishReduce } = require('./reduce');
const {
  U8, DTYPE_NAMES, MAX_PIXELS, readImage, geometry, allocImage, readOut,
  result, samples,
} = require('./view');

const INLINE_MAX = 64 * 1024;
const MAX_STEPS = 64;
const steps = new WeakMap();

function packed(shape) {
  return { ...shape, stride: shape.width * shape.channels };
}

function stepOptions(opts, name, allowed) {
  const o = validateObject(opts, 'options');
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined && !allowed.includes(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${k}`, o[k],
        `is not an option of a pipeline ${name} step`);
    }
  }
  return o;
}

const REDUCTIONS = { stats: STATS, histogram: HISTOGRAM };
// Native step kinds (src/napi/image_pipeline_binding.c).
const K_OP = 0;
const K_RESIZE = 1;
const K_FUSED = 2;

function describe(name, shape, extra) {
  return { op: name, width: shape.width, height: shape.height,
    channels: shape.channels, dtype: DTYPE_NAMES[shape.format], ...extra };
}

/**
 * Validates the chain into native steps, what explain() shows, the
 * reduction that ends it (if any) and the output. Runs of 2 or more u8
 * table ops (OPS[name].table) become one fused step, at most MAX_STEPS
 * ops each.
 */
function compile(image, list, options, allowed, alloc = true) {
  const o = validateObject(options, 'options');
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined && !allowed.includes(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${k}`, o[k],
        'is not an option of pipeline().run');
    }
  }
  const limit = o.limitInputPixels === undefined ||
    o.limitInputPixels === false ? MAX_PIXELS : o.limitInputPixels;
  const src = readImage(image, 'image', limit);
  if (list.length === 0) {
    throw codes.ERR_INVALID_ARG_VALUE('pipeline', 0, 'has no steps');
  }
  let shape = packed(src);
  const native = [];
  const explain = [];
  let work = samples(src);
  let run = [];
  const flush = () => {
    for (let i = 0; i < run.length; i += MAX_STEPS) {
      const part = run.slice(i, i + MAX_STEPS);
      if (part.length === 1) {
        native.push([K_OP, part[0].p, part[0].extra, undefined, undefined,
          geometry(shape)]);
        explain.push(describe(part[0].name, shape));
      } else {
        native.push([K_FUSED, part.map((r) => r.p), part.map((r) => r.extra),
          undefined, undefined, geometry(shape)]);
        explain.push(describe('lut', shape,
          { fused: part.map((r) => r.name) }));
      }
    }
    run = [];
  };
  let reduce;
  for (let i = 0; i < list.length; i++) {
    const [name, opts] = list[i];
    if (typeof name === 'string' && Object.hasOwn(REDUCTIONS, name)) {
      if (i !== list.length - 1) {
        throw codes.ERR_INVALID_ARG_VALUE('name', name,
          'can only be the last step of a pipeline');
      }
      const o2 = stepOptions(opts, name, name === 'histogram' ? ['bins'] : []);
      const mode = REDUCTIONS[name];
      const bins = mode === STATS || o2.bins === undefined ? 256
        : validateInteger(o2.bins, 'options.bins', 1, 65536);
      reduce = { mode, ...reduceArrays(mode, shape.channels, bins) };
      continue;
    }
    if (name !== 'resize' && name !== 'composite' && !Object.hasOwn(OPS, name)) {
      throw codes.ERR_INVALID_ARG_VALUE('name', name,
        'is not a pipeline step');
    }
    if (name === 'resize') {
      flush();
      const r = resizeStep(shape, opts);
      shape = packed({ ...shape, width: r.width, height: r.height });
      native.push([K_RESIZE, r.geom, undefined, undefined, undefined,
        geometry(shape)]);
      explain.push(describe('resize', shape));
    } else if (name === 'composite') {
      flush();
      if (!Array.isArray(opts) || opts.length === 0) {
        throw codes.ERR_INVALID_ARG_TYPE('layers', 'a non-empty array', opts);
      }
      opts.forEach((layer, l) => {
        const { p, input } = prepareLayer(layer, l, shape, readImage, limit);
        native.push([K_OP, p, undefined, input.data, geometry(input),
          geometry(shape)]);
        explain.push(describe('composite', shape, { layer: l }));
      });
    } else {
      const o2 = stepOptions(opts, name, OPS[name].keys);
      const { p, shape: next, extra } = OPS[name].prepare(o2, shape);
      if (OPS[name].table === true && shape.format === U8) {
        run.push({ name, p, extra });
      } else {
        flush();
        native.push([K_OP, p, extra, undefined, undefined,
          geometry(packed(next))]);
        explain.push(describe(name, next));
      }
      shape = packed(next);
    }
    work += samples(shape);
  }
  flush();
  if (native.length > MAX_STEPS) {
    throw codes.ERR_OUT_OF_RANGE('pipeline steps', `<= ${MAX_STEPS}`,
      native.length);
  }
  if (reduce !== undefined) {
    if (o.out !== undefined) {
      throw codes.ERR_INVALID_ARG_VALUE('options.out', o.out,
        `is not an option of a pipeline that ends in ${list.at(-1)[0]}()`);
    }
    explain.push(reduce.mode === STATS ? { op: 'stats' }
      : { op: 'histogram', bins: reduce.bins });
    return { o, src, native, explain, work, reduce, shape };
  }
  if (!alloc) return { o, src, native, explain, work };
  const dst = o.out === undefined ? allocImage(shape)
    : readOut(o.out, shape, [src], false);
  return { o, src, dst, native, explain, work };
}

function reduceArg(r) {
  return [r.mode, r.bins, r.out, r.counts];
}

function finish(c) {
  return c.reduce === undefined ? result(c.dst)
    : finishReduce(c.reduce.mode, c.shape.channels, c.reduce);
}

function runSync(c) {
  if (c.reduce !== undefined) {
    binding.imagePipelineSync(c.src.data, geometry(c.src), c.native,
      undefined, undefined, reduceArg(c.reduce));
  } else {
    binding.imagePipelineSync(c.src.data, geometry(c.src), c.native,
      c.dst.data, geometry(c.dst));
  }
  return finish(c);
}

class Pipeline {
  constructor(image) {
    steps.set(this, { image, list: [] });
  }

  /**
   * Runs the chain as one executor task. Never throws: bad steps or
   * options reject.
   * @example
   * const thumb = await offload.image.pipeline(frame)
   *   .resize({ width: 320 }).sharpen({ sigma: 1 }).run({ signal });
   */
  run(options) {
    let c;
    let task;
    try {
      const s = steps.get(this);
      c = compile(s.image, s.list, options, ['out', 'limitInputPixels',
        'signal', 'timeout', 'priority']);
      task = taskOptions(c.o);
      if (c.work <= INLINE_MAX && task.timeout === 0 &&
          !(task.signal && task.signal.aborted)) {
        return Promise.resolve(runSync(c));
      }
    } catch (err) {
      return Promise.reject(unreadable(err, 'arguments'));
    }
    const r = c.reduce;
    return run((cb, timeout) => binding.imagePipeline(c.src.data,
      geometry(c.src), c.native, r ? undefined : c.dst.data,
      r ? undefined : geometry(c.dst), task.lane, timeout, cb,
      r ? reduceArg(r) : undefined), task).then(() => finish(c));
  }

  /** The same on the calling thread; throws. */
  runSync(options) {
    const s = steps.get(this);
    return runSync(compile(s.image, s.list, options,
      ['out', 'limitInputPixels']));
  }

  /**
   * The steps as they will run, after fusion: one entry per native step,
   * `{ op, width, height, channels, dtype }` (the step's output), with
   * `fused: [names]` on a lut that stands for a run of u8 table ops and
   * `layer` on each composite layer; a reduction last, `{ op: 'stats' }`
   * or `{ op: 'histogram', bins }`. Validates like runSync(); throws.
   * @example
   * image.pipeline(rgba).linear({ a: 1.2 }).gamma().explain()
   * // [{ op: 'lut', fused: ['linear', 'gamma'], width, ... }]
   */
  explain() {
    const s = steps.get(this);
    if (s === undefined) {
      throw codes.ERR_INVALID_ARG_TYPE('this', 'a Pipeline', this);
    }
    return compile(s.image, s.list, undefined, [], false).explain;
  }
}

for (const name of [...Object.keys(OPS), 'resize', 'composite', 'stats',
  'histogram']) {
  Object.defineProperty(Pipeline.prototype, name, {
    value: function step(opts) {
      const s = steps.get(this);
      if (s === undefined) {
        throw codes.ERR_INVALID_ARG_TYPE('this', 'a Pipeline', this);
      }
      s.list.push([name, opts]);
      return this;
    },
    writable: true,
    configurable: true,
  });
}

/** A step by name (the same as calling the method); validated at run. */
Object.defineProperty(Pipeline.prototype, 'op', {
  value: function op(name, opts) {
    const s = steps.get(this);
    if (s === undefined) {
      throw codes.ERR_INVALID_ARG_TYPE('this', 'a Pipeline', this);
    }
    s.list.push([name, opts]);
    return this;
  },
  writable: true,
  configurable: true,
});

/** Starts a pipeline on `image` (validated when it runs). */
function pipeline(image) {
  return new Pipeline(image);
}

module.exports = { pipeline, Pipeline };
