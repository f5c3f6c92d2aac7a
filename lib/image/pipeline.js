'use strict';
// offload.image.pipeline(img).resize(…).sharpen(…).grayscale().run():
// the chain is validated step by step in JS (each step's output shape
// feeds the next), then runs as ONE native task: intermediates stay in
// native memory, nothing comes back to JS between steps.
const binding = require('../binding');
const { codes, unreadable } = require('../errors');
const { validateObject, taskOptions } = require('../validate');
const { run } = require('../executor');
const { resizeStep } = require('./resize');
const { OPS, prepareLayer } = require('./ops');
const {
  MAX_PIXELS, readImage, geometry, allocImage, readOut, result, samples,
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

/** Validates the chain into native steps and the output. */
function compile(image, list, options, allowed) {
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
  let work = samples(src);
  for (const [name, opts] of list) {
    if (name !== 'resize' && name !== 'composite' && !Object.hasOwn(OPS, name)) {
      throw codes.ERR_INVALID_ARG_VALUE('name', name,
        'is not a pipeline step');
    }
    if (name === 'resize') {
      const r = resizeStep(shape, opts);
      shape = packed({ ...shape, width: r.width, height: r.height });
      native.push([1, r.geom, undefined, undefined, undefined,
        geometry(shape)]);
    } else if (name === 'composite') {
      if (!Array.isArray(opts) || opts.length === 0) {
        throw codes.ERR_INVALID_ARG_TYPE('layers', 'a non-empty array', opts);
      }
      opts.forEach((layer, i) => {
        const { p, input } = prepareLayer(layer, i, shape, readImage, limit);
        native.push([0, p, undefined, input.data, geometry(input),
          geometry(shape)]);
      });
    } else {
      const o2 = stepOptions(opts, name, OPS[name].keys);
      const { p, shape: next, extra } = OPS[name].prepare(o2, shape);
      shape = packed(next);
      native.push([0, p, extra, undefined, undefined, geometry(shape)]);
    }
    work += samples(shape);
  }
  if (native.length > MAX_STEPS) {
    throw codes.ERR_OUT_OF_RANGE('pipeline steps', `<= ${MAX_STEPS}`,
      native.length);
  }
  const dst = o.out === undefined ? allocImage(shape)
    : readOut(o.out, shape, [src], false);
  return { o, src, dst, native, work };
}

function runSync(c) {
  binding.imagePipelineSync(c.src.data, geometry(c.src), c.native,
    c.dst.data, geometry(c.dst));
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
        runSync(c);
        return Promise.resolve(result(c.dst));
      }
    } catch (err) {
      return Promise.reject(unreadable(err, 'arguments'));
    }
    return run((cb, timeout) => binding.imagePipeline(c.src.data,
      geometry(c.src), c.native, c.dst.data, geometry(c.dst), task.lane,
      timeout, cb), task).then(() => result(c.dst));
  }

  /** The same on the calling thread; throws. */
  runSync(options) {
    const s = steps.get(this);
    const c = compile(s.image, s.list, options, ['out', 'limitInputPixels']);
    runSync(c);
    return result(c.dst);
  }
}

for (const name of [...Object.keys(OPS), 'resize', 'composite']) {
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
