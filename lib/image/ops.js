'use strict';
// One entry per op: the option names it takes and a prepare() that
// validates them (one block per option, Node-style messages) into the
// native parameter record and the result's shape. `point`: may run in
// place; `table`: a per-sample op that u8 images run through one table
// per channel, so adjacent ones fuse in a pipeline.
const binding = require('../binding');
const { codes } = require('../errors');
const { validateInteger, validateNumber, validateOneOf } = require('../validate');
const { U8, U16, F32, DTYPES, MAX_DIM } = require('./view');

const KIND = new Map(binding.imageOpNames.map((n, i) => [n, i]));
// Field offsets of the Float64Array parameter record (src/napi/
// image_ops_binding.c reads the same layout).
const P = {
  kind: 0, left: 1, top: 2, width: 3, height: 4, format: 5, edge: 6,
  color: 7, value: 11, a: 12, b: 16, amount: 20, threshold: 21,
  saturation: 22, radius: 23, size: 24, channel: 25, alpha: 26,
  keepAlpha: 27, premultiplied: 28, blend: 29, opacity: 30, kw: 31, kh: 32,
  scale: 33, offset: 34, direction: 35, count: 36,
};
const EDGES = ['clamp', 'mirror', 'wrap', 'zero'];
// sharp's extendWith names for the same edge modes.
const EXTEND_WITH = { copy: 0, mirror: 1, repeat: 2, background: 3 };
const BLENDS = ['over', 'multiply', 'screen', 'add'];
const MAX = [255, 1, 65535]; // by format
const CHANNEL_NAMES = { red: 0, green: 1, blue: 2 };

function params(kind) {
  const p = new Float64Array(P.count);
  p[P.kind] = KIND.get(kind);
  return p;
}

function same(src, over = {}) {
  return { width: src.width, height: src.height, channels: src.channels,
    format: src.format, ...over };
}

function bool(value, name, dflt) {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type boolean', value);
  }
  return value;
}

function finite(value, name, dflt, min = -Number.MAX_VALUE,
  max = Number.MAX_VALUE) {
  if (value === undefined) return dflt;
  return validateNumber(value, name, min, max);
}

/** A number, or an array of 1 or `channels` numbers, as sharp's linear. */
function perChannel(value, name, channels, dflt) {
  if (value === undefined) return new Array(channels).fill(dflt);
  if (typeof value === 'number') {
    return new Array(channels).fill(finite(value, name));
  }
  if (!Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number or an array of ' +
      'numbers', value);
  }
  if (value.length !== 1 && value.length !== channels) {
    throw codes.ERR_INVALID_ARG_VALUE(name, value,
      `must have 1 or ${channels} entries`);
  }
  const out = value.map((v, i) => finite(v, `${name}[${i}]`));
  return value.length === 1 ? new Array(channels).fill(out[0]) : out;
}

function geometryOp(kind) {
  return { keys: [], prepare: (o, src) => {
    const swap = kind === 'rotate90' || kind === 'rotate270' ||
      kind === 'transpose';
    return { p: params(kind), shape: swap ? same(src, { width: src.height,
      height: src.width }) : same(src) };
  } };
}

const OPS = {
  flip: geometryOp('flip'),
  flop: geometryOp('flop'),
  transpose: geometryOp('transpose'),
  rotate: { keys: ['angle'], prepare(o, src) {
    const angle = o.angle === undefined ? 90
      : validateOneOf(o.angle, 'options.angle', [90, 180, 270]);
    return OPS_GEOM[angle].prepare(o, src);
  } },
  extract: { keys: ['left', 'top', 'width', 'height'], prepare(o, src) {
    const left = validateInteger(o.left ?? 0, 'options.left', 0,
      src.width - 1);
    const top = validateInteger(o.top ?? 0, 'options.top', 0, src.height - 1);
    const width = validateInteger(o.width, 'options.width', 1,
      src.width - left);
    const height = validateInteger(o.height, 'options.height', 1,
      src.height - top);
    const p = params('extract');
    p[P.left] = left;
    p[P.top] = top;
    p[P.width] = width;
    p[P.height] = height;
    return { p, shape: same(src, { width, height }) };
  } },
  extend: { keys: ['top', 'bottom', 'left', 'right', 'background',
    'extendWith'], prepare(o, src) {
    const side = (k) => validateInteger(o[k] ?? 0, `options.${k}`, 0, MAX_DIM);
    const [top, bottom, left, right] = ['top', 'bottom', 'left', 'right']
      .map(side);
    const width = src.width + left + right;
    const height = src.height + top + bottom;
    if (width > MAX_DIM || height > MAX_DIM) {
      throw codes.ERR_OUT_OF_RANGE('options', `a result of at most ${MAX_DIM}` +
        ` per side`, `${width}x${height}`);
    }
    const mode = o.extendWith === undefined ? 'background'
      : validateOneOf(o.extendWith, 'options.extendWith',
        Object.keys(EXTEND_WITH));
    const bg = perChannel(o.background, 'options.background', src.channels, 0);
    const p = params('extend');
    p[P.left] = left;
    p[P.top] = top;
    p[P.width] = width;
    p[P.height] = height;
    p[P.edge] = EXTEND_WITH[mode];
    bg.forEach((v, i) => { p[P.color + i] = v; });
    return { p, shape: same(src, { width, height }) };
  } },
  grayscale: { keys: ['keepAlpha'], prepare(o, src) {
    const keep = bool(o.keepAlpha, 'options.keepAlpha', false) &&
      (src.channels === 2 || src.channels === 4);
    const p = params('grayscale');
    p[P.keepAlpha] = keep ? 1 : 0;
    return { p, shape: same(src, { channels: keep ? 2 : 1 }) };
  } },
  threshold: { keys: ['value', 'alpha'], point: true, table: true,
    prepare(o, src) {
      const max = MAX[src.format];
      const p = params('threshold');
      p[P.value] = finite(o.value, 'options.value',
        src.format === F32 ? 0.5 : Math.ceil(max / 2), 0, max);
      p[P.alpha] = bool(o.alpha, 'options.alpha', false) ? 1 : 0;
      return { p, shape: same(src) };
    } },
  negate: { keys: ['alpha'], point: true, table: true, prepare(o, src) {
    const p = params('negate');
    p[P.alpha] = bool(o.alpha, 'options.alpha', true) ? 1 : 0;
    return { p, shape: same(src) };
  } },
  linear: { keys: ['a', 'b', 'alpha'], point: true, table: true,
    prepare(o, src) {
      const p = params('linear');
      perChannel(o.a, 'options.a', src.channels, 1)
        .forEach((v, i) => { p[P.a + i] = v; });
      perChannel(o.b, 'options.b', src.channels, 0)
        .forEach((v, i) => { p[P.b + i] = v; });
      p[P.alpha] = bool(o.alpha, 'options.alpha', false) ? 1 : 0;
      return { p, shape: same(src) };
    } },
  gamma: { keys: ['gamma', 'alpha'], point: true, table: true,
    prepare(o, src) {
      const p = params('gamma');
      p[P.value] = finite(o.gamma, 'options.gamma', 2.2, 1e-3, 1e3);
      p[P.alpha] = bool(o.alpha, 'options.alpha', false) ? 1 : 0;
      return { p, shape: same(src) };
    } },
  lut: { keys: ['table', 'alpha'], point: true, table: true,
    prepare(o, src) {
      if (src.format === F32) {
        throw codes.ERR_INVALID_ARG_VALUE('image.data', 'Float32Array',
          'must be u8 or u16 for lut');
      }
      const want = src.format === U8 ? Uint8Array : Uint16Array;
      const n = src.format === U8 ? 256 : 65536;
      const t = o.table;
      if (!(t instanceof want) || (src.format === U16 && t instanceof Buffer)) {
        throw codes.ERR_INVALID_ARG_TYPE('options.table',
          `an instance of ${want.name}`, t);
      }
      if (t.length !== n) {
        throw codes.ERR_OUT_OF_RANGE('options.table.length', `${n}`, t.length);
      }
      const p = params('lut');
      p[P.alpha] = bool(o.alpha, 'options.alpha', false) ? 1 : 0;
      return { p, shape: same(src), extra: t };
    } },
  modulate: { keys: ['brightness', 'saturation'], point: true,
    prepare(o, src) {
      const p = params('modulate');
      p[P.amount] = finite(o.brightness, 'options.brightness', 1, 0, 1e6);
      p[P.saturation] = finite(o.saturation, 'options.saturation', 1, 0, 1e6);
      return { p, shape: same(src) };
    } },
  premultiply: { keys: [], point: true, prepare: alphaOp('premultiply') },
  unpremultiply: { keys: [], point: true, prepare: alphaOp('unpremultiply') },
  extractChannel: { keys: ['channel'], prepare(o, src) {
    let c = o.channel ?? 0;
    if (typeof c === 'string' && c in CHANNEL_NAMES) c = CHANNEL_NAMES[c];
    const p = params('extractChannel');
    p[P.channel] = validateInteger(c, 'options.channel', 0, src.channels - 1);
    return { p, shape: same(src, { channels: 1 }) };
  } },
  convert: { keys: ['dtype', 'scale'], prepare(o, src) {
    const dtype = validateOneOf(o.dtype, 'options.dtype', Object.keys(DTYPES));
    const p = params('convert');
    p[P.format] = DTYPES[dtype];
    p[P.value] = o.scale === undefined ? 0
      : finite(o.scale, 'options.scale', 0);
    return { p, shape: same(src, { format: DTYPES[dtype] }) };
  } },
  blur: { keys: ['sigma'], prepare(o, src) {
    const p = params('blur');
    p[P.value] = finite(o.sigma, 'options.sigma', undefined, 0.3, 1000);
    if (o.sigma === undefined) {
      throw codes.ERR_INVALID_ARG_TYPE('options.sigma', 'of type number',
        undefined);
    }
    return { p, shape: same(src) };
  } },
  boxBlur: { keys: ['radius'], prepare(o, src) {
    const p = params('boxBlur');
    p[P.radius] = validateInteger(o.radius ?? 1, 'options.radius', 0, MAX_DIM);
    return { p, shape: same(src) };
  } },
  convolve: { keys: ['kernel', 'width', 'height', 'scale', 'offset', 'edge'],
    prepare(o, src) {
      const kw = validateInteger(o.width, 'options.width', 1, 31);
      const kh = validateInteger(o.height, 'options.height', 1, 31);
      if (kw % 2 === 0 || kh % 2 === 0) {
        throw codes.ERR_INVALID_ARG_VALUE('options', `${kw}x${kh}`,
          'must have an odd width and height');
      }
      const k = o.kernel;
      if (!Array.isArray(k) && !(k instanceof Float32Array) &&
        !(k instanceof Float64Array)) {
        throw codes.ERR_INVALID_ARG_TYPE('options.kernel',
          'an array of numbers or a Float32Array', k);
      }
      if (k.length !== kw * kh) {
        throw codes.ERR_INVALID_ARG_VALUE('options.kernel', k,
          `must have width * height = ${kw * kh} entries`);
      }
      const kernel = new Float32Array(kw * kh);
      for (let i = 0; i < kernel.length; i++) {
        kernel[i] = finite(k[i], `options.kernel[${i}]`);
      }
      const p = params('convolve');
      p[P.kw] = kw;
      p[P.kh] = kh;
      p[P.scale] = o.scale === undefined ? 0 : finite(o.scale, 'options.scale');
      if (o.scale !== undefined && o.scale === 0) {
        throw codes.ERR_OUT_OF_RANGE('options.scale', 'a non-zero number', 0);
      }
      p[P.offset] = finite(o.offset, 'options.offset', 0);
      p[P.edge] = EDGES.indexOf(o.edge === undefined ? 'clamp'
        : validateOneOf(o.edge, 'options.edge', EDGES));
      return { p, shape: same(src), extra: kernel };
    } },
  sharpen: { keys: ['sigma', 'amount', 'threshold'], prepare(o, src) {
    const p = params('sharpen');
    p[P.value] = finite(o.sigma, 'options.sigma', 1, 0.3, 1000);
    p[P.amount] = finite(o.amount, 'options.amount', 1, 0, 1e3);
    p[P.threshold] = finite(o.threshold, 'options.threshold', 0, 0,
      MAX[src.format]);
    return { p, shape: same(src) };
  } },
  median: { keys: ['size', 'edge'], prepare(o, src) {
    const p = params('median');
    p[P.size] = o.size === undefined ? 3
      : validateOneOf(o.size, 'options.size', [3, 5, 7]);
    p[P.edge] = EDGES.indexOf(o.edge === undefined ? 'clamp'
      : validateOneOf(o.edge, 'options.edge', EDGES));
    return { p, shape: same(src) };
  } },
  sobel: { keys: ['direction'], prepare(o, src) {
    const direction = bool(o.direction, 'options.direction', false);
    if (direction && src.channels !== 1) {
      throw codes.ERR_INVALID_ARG_VALUE('image.channels', src.channels,
        'must be 1 for sobel({ direction: true }) (grayscale() first)');
    }
    const p = params('sobel');
    p[P.direction] = direction ? 1 : 0;
    return { p, shape: same(src, { channels: direction ? 2 : src.channels }) };
  } },
};

const OPS_GEOM = { 90: geometryOp('rotate90'), 180: geometryOp('rotate180'),
  270: geometryOp('rotate270') };

function alphaOp(kind) {
  return (o, src) => {
    if (src.channels !== 2 && src.channels !== 4) {
      throw codes.ERR_INVALID_ARG_VALUE('image.channels', src.channels,
        `must be 2 or 4 (an alpha channel) for ${kind}`);
    }
    return { p: params(kind), shape: same(src) };
  };
}

/** A composite layer: { input, left, top, blend, opacity, premultiplied }. */
function prepareLayer(layer, i, base, readImage, limit) {
  const name = `layers[${i}]`;
  if (layer === null || typeof layer !== 'object') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type object', layer);
  }
  const l = Object.assign(Object.create(null), layer);
  for (const k of Object.keys(l)) {
    if (!['input', 'left', 'top', 'blend', 'opacity', 'premultiplied']
      .includes(k)) {
      throw codes.ERR_INVALID_ARG_VALUE(`${name}.${k}`, l[k],
        'is not a composite option');
    }
  }
  const input = readImage(l.input, `${name}.input`, limit);
  if (input.format !== base.format) {
    throw codes.ERR_INVALID_ARG_VALUE(`${name}.input.data`, l.input.data,
      'must have the base image\'s dtype');
  }
  if ((input.channels <= 2) !== (base.channels <= 2)) {
    throw codes.ERR_INVALID_ARG_VALUE(`${name}.input.channels`,
      input.channels, `must be ${base.channels <= 2 ? '1 or 2' : '3 or 4'} ` +
      `for a ${base.channels}-channel base`);
  }
  const p = params('composite');
  p[P.left] = validateInteger(l.left ?? 0, `${name}.left`, -MAX_DIM, MAX_DIM);
  p[P.top] = validateInteger(l.top ?? 0, `${name}.top`, -MAX_DIM, MAX_DIM);
  p[P.blend] = BLENDS.indexOf(l.blend === undefined ? 'over'
    : validateOneOf(l.blend, `${name}.blend`, BLENDS));
  p[P.opacity] = finite(l.opacity, `${name}.opacity`, 1, 0, 1);
  p[P.premultiplied] = bool(l.premultiplied, `${name}.premultiplied`, false)
    ? 1 : 0;
  return { p, input };
}

module.exports = { OPS, P, params, prepareLayer };
