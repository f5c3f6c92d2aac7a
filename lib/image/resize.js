'use strict';
// Image kernels: resize (promise) and resizeSync on raw interleaved pixels.
// Validation lives here (one block per argument, node-style messages);
// native code repeats only the checks that keep it memory-safe.
const binding = require('../binding');
const { codes, unreadable } = require('../errors');
const {
  validateObject, validateOneOf, validateInteger, taskOptions, toBytes,
  isResizable,
} = require('../validate');
const { run, executorThreads } = require('../executor');
// fit: 'contain' pads through extend.
const calls = require('./calls');

const KERNELS = Object.freeze([...binding.imageKernels]);
const KERNEL_IDS = new Map(KERNELS.map((k, i) => [k, i]));
const FITS = Object.freeze(['cover', 'fill', 'inside', 'outside', 'contain']);
const MAX_DIM = binding.imageMaxDim; // 65535 per side
const MAX_PIXELS = binding.imageMaxPixels; // 0x3FFF * 0x3FFF, as sharp
const MAX_STRIDE = 2 ** 32 - 1;
const U8 = 0;
const F32 = 1;

// Below this many samples (input + output) a promise call resizes on the
// calling thread: a 128x128 RGBA resize takes less time than a handoff.
const INLINE_MAX = 64 * 1024;
// Samples of work per band; more bands than threads balance the load.
const BAND_WORK = 256 * 1024;

const DATA_TYPES = 'an instance of Buffer, Uint8Array, Uint8ClampedArray, ' +
  'Float32Array, DataView, ArrayBuffer or SharedArrayBuffer';

function validateDim(value, name) {
  if (typeof value !== 'number') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number', value);
  }
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIM) {
    throw codes.ERR_OUT_OF_RANGE(name, `an integer between 1 and ${MAX_DIM}`,
      value);
  }
  return value;
}

function isDetached(buffer) {
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0 || buffer instanceof SharedArrayBuffer) {
    return false;
  }
  try {
    new Uint8Array(buffer); // eslint-disable-line no-new
    return false;
  } catch {
    return true;
  }
}

/**
 * Resolves image.data into { view, samples, format }: the view native code
 * reads (SharedArrayBuffer wrapped in a Uint8Array), its length in samples,
 * and the sample format it implies.
 */
function sourceData(data) {
  let view = data;
  let format = U8;
  let buffer;
  if (data instanceof Float32Array) {
    format = F32;
    buffer = data.buffer;
  } else if (data instanceof Uint8Array || data instanceof Uint8ClampedArray ||
      data instanceof DataView) {
    buffer = data.buffer;
  } else if (data instanceof ArrayBuffer) {
    buffer = data;
  } else if (typeof SharedArrayBuffer !== 'undefined' &&
      data instanceof SharedArrayBuffer) {
    buffer = data;
    view = new Uint8Array(data);
  } else {
    throw codes.ERR_INVALID_ARG_TYPE('image.data', DATA_TYPES, data);
  }
  if (isDetached(buffer)) {
    throw codes.ERR_INVALID_STATE(
      'The "image.data" property is backed by a detached ArrayBuffer');
  }
  // A resizable buffer could shrink while native code reads it: copy.
  if (isResizable(buffer)) {
    view = format === F32 ? Float32Array.prototype.slice.call(data) :
      toBytes(view, 'image.data');
  }
  const samples = format === F32 ? view.length : view.byteLength;
  return { view, samples, format };
}

function scaled(size, num, den) {
  return Math.max(1, Math.round(size * num / den));
}

/** Output size, plus the virtual size and offset when fit crops. */
function target(iw, ih, o) {
  const fit = o.fit === undefined ? 'cover'
    : validateOneOf(o.fit, 'options.fit', FITS);
  if (o.width === undefined && o.height === undefined) {
    throw codes.ERR_INVALID_ARG_VALUE('options', o,
      'must set "width", "height" or both');
  }
  let w = o.width === undefined ? undefined
    : validateDim(o.width, 'options.width');
  let h = o.height === undefined ? undefined
    : validateDim(o.height, 'options.height');
  let vw = 0;
  let vh = 0;
  let ox = 0;
  let oy = 0;
  let pad = null;
  if (h === undefined) {
    h = scaled(ih, w, iw);
  } else if (w === undefined) {
    w = scaled(iw, h, ih);
  } else if (fit !== 'fill') {
    // Compare the ratios exactly: iw/ih against w/h.
    const wider = iw * h > ih * w; // the input is wider than the box
    const byWidth = (fit === 'inside' || fit === 'contain') === wider;
    const fw = byWidth ? w : scaled(iw, h, ih);
    const fh = byWidth ? scaled(ih, w, iw) : h;
    if (fit === 'cover') {
      vw = fw;
      vh = fh;
      ox = Math.floor((fw - w) / 2);
      oy = Math.floor((fh - h) / 2);
    } else if (fit === 'contain') {
      // 'inside', then centred on the background to exactly w x h.
      const left = Math.floor((w - fw) / 2);
      const top = Math.floor((h - fh) / 2);
      pad = { left, top, right: w - fw - left, bottom: h - fh - top };
      w = fw;
      h = fh;
    } else {
      w = fw;
      h = fh;
    }
  }
  // Derived sizes are checked like given ones (a 1x65535 strip scaled to
  // width 65535 would ask for 65535^2 pixels).
  for (const [v, name] of [[w, 'width'], [h, 'height'], [vw || w, 'width'],
    [vh || h, 'height']]) {
    if (v > MAX_DIM) {
      throw codes.ERR_OUT_OF_RANGE(`options.${name}`,
        `an integer between 1 and ${MAX_DIM} after keeping the aspect ratio`,
        v);
    }
  }
  if ((vw || w) * (vh || h) > MAX_PIXELS) {
    throw codes.ERR_OUT_OF_RANGE('options.width * options.height',
      `<= ${MAX_PIXELS} (the pixel cap)`, (vw || w) * (vh || h));
  }
  return { w, h, vw, vh, ox, oy, pad };
}

/** Validates (image, options) into everything the native call needs. */
function prepare(input, options) {
  const image = validateObject(input, 'image', { optional: false });
  const o = validateObject(options, 'options');
  const iw = validateDim(image.width, 'image.width');
  const ih = validateDim(image.height, 'image.height');
  const ch = validateInteger(image.channels, 'image.channels', 1, 4);
  if (iw * ih > MAX_PIXELS) {
    throw codes.ERR_OUT_OF_RANGE('image.width * image.height',
      `<= ${MAX_PIXELS} (the pixel cap)`, iw * ih);
  }
  let stride = iw * ch;
  if (image.stride !== undefined) {
    stride = validateInteger(image.stride, 'image.stride', iw * ch,
      MAX_STRIDE);
  }
  const src = sourceData(image.data);
  const need = (ih - 1) * stride + iw * ch;
  if (src.samples < need) {
    throw codes.ERR_OUT_OF_RANGE(
      src.format === F32 ? 'image.data.length' : 'image.data.byteLength',
      `>= ${need} for ${iw}x${ih}x${ch}` +
        (stride !== iw * ch ? ` with stride ${stride}` : ''), src.samples);
  }
  const kernel = o.kernel === undefined ? 'lanczos3'
    : validateOneOf(o.kernel, 'options.kernel', KERNELS);
  const t = target(iw, ih, o);
  const geom = new Uint32Array([iw, ih, ch, stride, src.format, t.w, t.h,
    t.vw, t.vh, t.ox, t.oy, KERNEL_IDS.get(kernel)]);
  const pad = containPad(t, src.format, ch, o.background);
  return {
    data: src.view, geom, opts: o, width: t.w, height: t.h, channels: ch,
    work: (iw * ih + t.w * t.h) * ch, pad,
  };
}

/**
 * fit: 'contain''s padding, an extend's options (null for other fits);
 * sharp's default background: black, opaque.
 */
function containPad(t, format, ch, background) {
  if (t.pad === null) {
    if (background !== undefined) {
      throw codes.ERR_INVALID_ARG_VALUE('options.background', background,
        'is only used with fit: \'contain\'');
    }
    return null;
  }
  const max = format === F32 ? 1 : 255;
  return { ...t.pad, background: background !== undefined ? background
    : Array.from({ length: ch }, (_, i) => (i === ch - 1 && ch % 2 === 0
      ? max : 0)) };
}

/**
 * A resize step of a pipeline: the native geometry for an input of this
 * shape (packed rows), the output size, and fit: 'contain''s padding (an
 * extend step after it). Throws on bad options.
 */
function resizeStep(shape, options) {
  const o = validateObject(options, 'options');
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined &&
        !['width', 'height', 'kernel', 'fit', 'background'].includes(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${k}`, o[k],
        'is not an option of a pipeline resize');
    }
  }
  if (shape.format !== U8 && shape.format !== F32) {
    throw codes.ERR_INVALID_ARG_VALUE('image.data', 'Uint16Array',
      'must be u8 or f32 for resize');
  }
  const kernel = o.kernel === undefined ? 'lanczos3'
    : validateOneOf(o.kernel, 'options.kernel', KERNELS);
  const t = target(shape.width, shape.height, o);
  const geom = new Uint32Array([shape.width, shape.height, shape.channels,
    shape.width * shape.channels, shape.format, t.w, t.h, t.vw, t.vh, t.ox,
    t.oy, KERNEL_IDS.get(kernel)]);
  return { geom, width: t.w, height: t.h,
    pad: containPad(t, shape.format, shape.channels, o.background) };
}

function finish(p, data) {
  return { data, width: p.width, height: p.height, channels: p.channels };
}

/**
 * Resizes on the calling thread and returns { data, width, height,
 * channels }. Throws on bad arguments.
 * @example
 * const out = offload.resizeSync({ data, width: 640, height: 480,
 *   channels: 4 }, { width: 320 });
 */
function resizeSync(image, options) {
  const p = prepare(image, options);
  const r = finish(p, binding.imageResizeSync(p.data, p.geom));
  return p.pad === null ? r : calls.extendSync(r, p.pad);
}

/**
 * Resizes on the executor, one large image split into bands of rows
 * across its threads (tiny images inline). Never throws: bad arguments
 * reject; an abort rejects with an AbortError.
 * @example
 * const { data, width, height } = await offload.resize(
 *   { data: rgba, width: 3840, height: 2160, channels: 4 },
 *   { width: 1920, kernel: 'lanczos3', signal });
 */
function resize(image, options) {
  let p;
  let task;
  try {
    p = prepare(image, options);
    task = taskOptions(p.opts);
    if (p.pad === null && p.work <= INLINE_MAX && task.timeout === 0 &&
        !(task.signal && task.signal.aborted)) {
      return Promise.resolve(finish(p, binding.imageResizeSync(p.data,
        p.geom)));
    }
  } catch (err) {
    return Promise.reject(unreadable(err, 'arguments'));
  }
  const bands = Math.max(1, Math.min(p.height, executorThreads() * 4,
    Math.ceil(p.work / BAND_WORK)));
  const resized = run((cb, timeout) => binding.imageResize(p.data, p.geom,
    bands, task.lane, timeout, cb), task).then((data) => finish(p, data));
  if (p.pad === null) return resized;
  const { signal, priority } = p.opts;
  return resized.then((r) => calls.extend(r, { ...p.pad, signal,
    priority }));
}

module.exports = { resize, resizeSync, resizeStep, KERNELS };
