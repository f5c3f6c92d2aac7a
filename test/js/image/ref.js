'use strict';
// Plain JS references for the image ops (from the definitions, sharing no
// code with lib/ or src/), and generated test images.
const MAX = { u8: 255, u16: 65535, f32: 1 };
const CTOR = { u8: Buffer, u16: Uint16Array, f32: Float32Array };

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Gradients, an edge and some noise: something natural-looking. */
function make(width, height, channels, dtype = 'u8', seed = 1, pad = 0) {
  const r = rng(seed);
  const stride = width * channels + pad;
  const n = (height - 1) * stride + width * channels;
  const data = dtype === 'u8' ? Buffer.alloc(n) : new CTOR[dtype](n);
  const max = MAX[dtype];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 0.5 + 0.35 * Math.sin(0.05 * x + 0.08 * y + c) +
          (x > width / 2 ? 0.1 : -0.1) + 0.1 * (r() - 0.5);
        v = Math.min(1, Math.max(0, v)) * max;
        data[y * stride + x * channels + c] = dtype === 'f32' ? v
          : Math.floor(v);
      }
    }
  }
  const img = { data, width, height, channels };
  if (pad) img.stride = stride;
  return img;
}

function at(img, x, y, c) {
  const stride = img.stride ?? img.width * img.channels;
  return img.data[y * stride + x * img.channels + c];
}

function edge(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === 'clamp') return i < 0 ? 0 : n - 1;
  if (mode === 'wrap') return ((i % n) + n) % n;
  if (mode === 'mirror') {
    const m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }
  return -1;
}

function sample(img, x, y, c, mode) {
  const sx = edge(x, img.width, mode);
  const sy = edge(y, img.height, mode);
  return sx < 0 || sy < 0 ? 0 : at(img, sx, sy, c);
}

/** Builds an image from f(x, y, c) (unrounded reference values). */
function build(width, height, channels, f) {
  const v = new Float64Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        v[(y * width + x) * channels + c] = f(x, y, c);
      }
    }
  }
  return { values: v, width, height, channels };
}

function convolve(img, k, kw, kh, scale, offset, mode) {
  return build(img.width, img.height, img.channels, (x, y, c) => {
    let acc = 0;
    for (let j = 0; j < kh; j++) {
      for (let i = 0; i < kw; i++) {
        acc += k[j * kw + i] * sample(img, x + i - (kw >> 1),
          y + j - (kh >> 1), c, mode);
      }
    }
    return acc / scale + offset;
  });
}

/** sharp's Gaussian mask (libvips gaussmat, integer precision). */
function gauss(sigma) {
  let x = 0;
  while (x < Math.floor(8 * sigma) &&
    Math.exp(-(x * x) / (2 * sigma * sigma)) >= 0.2) x++;
  const r = Math.max(x - 1, 0);
  const m = [];
  for (let i = -r; i <= r; i++) {
    m.push(Math.round(20 * Math.exp(-(i * i) / (2 * sigma * sigma))));
  }
  return m;
}

function blur(img, sigma) {
  const g = gauss(sigma);
  const k = [];
  for (const a of g) for (const b of g) k.push(a * b);
  const sum = k.reduce((s, v) => s + v, 0);
  return convolve(img, k, g.length, g.length, sum, 0, 'clamp');
}

/**
 * Sobel from its definition: gx = [-1 0 1; -2 0 2; -1 0 1], gy its
 * transpose (y down the rows), clamped edges. Without direction the
 * magnitude per channel; with it (1 channel) two planes: the magnitude
 * and theta = atan2(gy, gx) in (-pi, pi], in radians for f32 and as
 * round((theta + pi) / (2 pi) * (max + 1)) mod (max + 1) for u8/u16. The
 * f32 gradients are summed in float32 in the kernel's order (integer
 * samples give exact sums either way), so the angle of a tiny gradient
 * is that of the same float sums.
 */
function sobel(img, dtype, direction = false) {
  const f = dtype === 'f32' ? Math.fround : (v) => v;
  const s = (x, y, c) => sample(img, x, y, c, 'clamp');
  const grad = (x, y, c) => {
    const tri = (v0, v1, v2) => f(f(v0 + f(2 * v1)) + v2);
    const gx = f(tri(s(x + 1, y - 1, c), s(x + 1, y, c), s(x + 1, y + 1, c)) -
      tri(s(x - 1, y - 1, c), s(x - 1, y, c), s(x - 1, y + 1, c)));
    const gy = f(tri(s(x - 1, y + 1, c), s(x, y + 1, c), s(x + 1, y + 1, c)) -
      tri(s(x - 1, y - 1, c), s(x, y - 1, c), s(x + 1, y - 1, c)));
    return [gx, gy];
  };
  if (!direction) {
    return build(img.width, img.height, img.channels,
      (x, y, c) => Math.hypot(...grad(x, y, c)));
  }
  const turn = MAX[dtype] + 1;
  return build(img.width, img.height, 2, (x, y, c) => {
    const [gx, gy] = grad(x, y, 0);
    if (c === 0) return Math.hypot(gx, gy);
    const theta = Math.atan2(gy === 0 ? 0 : gy, gx);
    if (dtype === 'f32') return theta;
    return Math.round((theta + Math.PI) / (2 * Math.PI) * turn) % turn;
  });
}

/** Max |got - ref| after rounding integer references, and the mean. */
function diff(got, ref, dtype) {
  const max = MAX[dtype];
  let worst = 0;
  let total = 0;
  const stride = got.stride ?? got.width * got.channels;
  for (let y = 0; y < ref.height; y++) {
    for (let x = 0; x < ref.width; x++) {
      for (let c = 0; c < ref.channels; c++) {
        let r = ref.values[(y * ref.width + x) * ref.channels + c];
        if (dtype !== 'f32') r = Math.min(max, Math.max(0, Math.floor(r + 0.5)));
        const d = Math.abs(got.data[y * stride + x * got.channels + c] - r);
        worst = Math.max(worst, dtype === 'f32' ? d / Math.max(1, Math.abs(r))
          : d);
        total += d;
      }
    }
  }
  return { max: worst, mean: total / (ref.width * ref.height * ref.channels) };
}

module.exports = { MAX, make, at, edge, sample, build, convolve, gauss, blur,
  sobel, diff, rng };
