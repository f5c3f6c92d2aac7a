'use strict';
// Image views: reading { data, width, height, channels, stride? } into
// what native code needs, allocating results, and checking `out`.
const { codes } = require('../errors');
const { validateObject, validateInteger, isResizable } = require('../validate');
const { isTypedArray } = require('util').types;

const U8 = 0;
const F32 = 1;
const U16 = 2;
const DTYPES = Object.freeze({ u8: U8, u16: U16, f32: F32 });
const DTYPE_NAMES = ['u8', 'f32', 'u16'];
const MAX_DIM = 65535;
const MAX_PIXELS = 268402689; // 0x3FFF * 0x3FFF, sharp's limitInputPixels
const MAX_STRIDE = 2 ** 32 - 1;
const DATA_TYPES = 'an instance of Buffer, Uint8Array, Uint8ClampedArray, ' +
  'Uint16Array or Float32Array';

function formatOf(data) {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) {
    return U8;
  }
  if (data instanceof Uint16Array) return U16;
  if (data instanceof Float32Array) return F32;
  return -1;
}

function isDetached(buffer) {
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer); // eslint-disable-line no-new
    return false;
  } catch {
    return true;
  }
}

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

/**
 * Validates an image (own properties only). `limit` is the pixel cap
 * (limitInputPixels). Returns a plain record: data (the typed array
 * native code reads), format, width, height, channels, stride.
 */
function readImage(image, name = 'image', limit = MAX_PIXELS) {
  if (isTypedArray(image) && formatOf(image) >= 0) {
    // A 1-D array of samples: one row, one channel.
    image = { data: image, width: image.length, height: 1, channels: 1 };
  }
  const o = validateObject(image, name, { optional: false });
  let data = o.data;
  const format = formatOf(data);
  if (format < 0) {
    throw codes.ERR_INVALID_ARG_TYPE(`${name}.data`, DATA_TYPES, data);
  }
  if (isDetached(data.buffer)) {
    throw codes.ERR_INVALID_STATE(
      `The "${name}.data" property is backed by a detached ArrayBuffer`);
  }
  const width = validateDim(o.width, `${name}.width`);
  const height = validateDim(o.height, `${name}.height`);
  const channels = validateInteger(o.channels, `${name}.channels`, 1, 4);
  if (width * height > limit) {
    throw codes.ERR_OUT_OF_RANGE(`${name}.width * ${name}.height`,
      `<= ${limit} (limitInputPixels)`, width * height);
  }
  let stride = width * channels;
  if (o.stride !== undefined) {
    stride = validateInteger(o.stride, `${name}.stride`, width * channels,
      MAX_STRIDE);
  }
  const need = (height - 1) * stride + width * channels;
  if (data.length < need) {
    throw codes.ERR_OUT_OF_RANGE(`${name}.data.length`,
      `>= ${need} for ${width}x${height}x${channels}` +
      (stride !== width * channels ? ` with stride ${stride}` : ''),
      data.length);
  }
  // A resizable buffer could shrink while native code reads it: copy.
  if (isResizable(data.buffer)) data = data.slice(0, need);
  return { data, format, width, height, channels, stride };
}

function geometry(v) {
  return new Uint32Array([v.width, v.height, v.channels, v.stride, v.format]);
}

function samples(shape) {
  return shape.width * shape.height * shape.channels;
}

/** A fresh, packed result of this shape (every sample gets written). */
function allocImage(shape) {
  const n = samples(shape);
  let data;
  if (shape.format === U8) data = Buffer.allocUnsafe(n);
  else if (shape.format === U16) data = new Uint16Array(n);
  else data = new Float32Array(n);
  return { data, format: shape.format, width: shape.width,
    height: shape.height, channels: shape.channels,
    stride: shape.width * shape.channels };
}

function byteRange(v) {
  const size = v.data.BYTES_PER_ELEMENT;
  const start = v.data.byteOffset;
  return [start, start + ((v.height - 1) * v.stride + v.width * v.channels) *
    size];
}

function overlaps(a, b) {
  if (a.data.buffer !== b.data.buffer) return false;
  const [a0, a1] = byteRange(a);
  const [b0, b1] = byteRange(b);
  return a0 < b1 && b0 < a1;
}

/**
 * Validates options.out against the result shape: the same size, channels
 * and dtype; no overlap with any input unless `inPlace` allows the exact
 * same view of the source.
 */
function readOut(out, shape, inputs, inPlace) {
  const v = readImage(out, 'options.out', Infinity);
  if (v.width !== shape.width || v.height !== shape.height ||
      v.channels !== shape.channels || v.format !== shape.format) {
    throw codes.ERR_INVALID_ARG_VALUE('options.out', out,
      `must be a ${shape.width}x${shape.height}x${shape.channels} ` +
      `${DTYPE_NAMES[shape.format]} image (received ${v.width}x${v.height}` +
      `x${v.channels} ${DTYPE_NAMES[v.format]})`);
  }
  for (let i = 0; i < inputs.length; i++) {
    const src = inputs[i];
    if (!overlaps(v, src)) continue;
    const same = i === 0 && inPlace && v.data.byteOffset ===
      src.data.byteOffset && v.stride === src.stride;
    if (!same) {
      throw codes.ERR_INVALID_ARG_VALUE('options.out', out,
        inPlace && i === 0 ? 'must be the input itself or not overlap it'
          : 'must not overlap an input');
    }
  }
  return v;
}

/** What a caller gets back: the view that was written. */
function result(v) {
  const r = { data: v.data, width: v.width, height: v.height,
    channels: v.channels };
  if (v.stride !== v.width * v.channels) r.stride = v.stride;
  return r;
}

module.exports = {
  U8, U16, F32, DTYPES, DTYPE_NAMES, MAX_DIM, MAX_PIXELS, readImage,
  geometry, allocImage, readOut, result, samples,
};
