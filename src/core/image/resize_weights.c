/* Per-axis weight tables for the separable resize. Every output pixel gets
 * `taps` weights starting at input index start[i] (the window is shifted
 * left at the right edge and zero-padded, so rows are uniform and the
 * inner loops never test bounds). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_checked.h"
#include "ofl_errors.h"
#include "resize_impl.h"

#define PI 3.14159265358979323846

static double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= PI;
  return sin(x) / x;
}

/* Mitchell-Netravali family; B=0,C=0.5 is Catmull-Rom. */
static double bicubic(double x, double b, double c) {
  x = fabs(x);
  if (x < 1.0)
    return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x +
            (6 - 2 * b)) /
           6.0;
  if (x < 2.0)
    return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x +
            (-12 * b - 48 * c) * x + (8 * b + 24 * c)) /
           6.0;
  return 0.0;
}

static double lanczos(double x, double a) {
  x = fabs(x);
  return x < a ? sinc(x) * sinc(x / a) : 0.0;
}

static double kernel_eval(ofl_image_kernel_t k, double x) {
  switch (k) {
    case OFL_IMAGE_LINEAR:
      x = fabs(x);
      return x < 1.0 ? 1.0 - x : 0.0;
    case OFL_IMAGE_CUBIC:
      return bicubic(x, 0.0, 0.5);
    case OFL_IMAGE_MITCHELL:
      return bicubic(x, 1.0 / 3.0, 1.0 / 3.0);
    case OFL_IMAGE_LANCZOS2:
      return lanczos(x, 2.0);
    case OFL_IMAGE_LANCZOS3:
      return lanczos(x, 3.0);
    default:
      return 0.0;
  }
}

static double kernel_support(ofl_image_kernel_t k) {
  switch (k) {
    case OFL_IMAGE_LINEAR:
      return 1.0;
    case OFL_IMAGE_LANCZOS3:
      return 3.0;
    default:
      return 2.0;
  }
}

/* The window of input pixels whose centres lie within the support of
 * output pixel i, clamped to [0, in). */
typedef struct {
  double center, fscale, support;
  int64_t jlo, jhi; /* unclamped, inclusive */
} window_t;

static window_t window_of(const ofl__axis_t *ax, uint32_t i) {
  window_t w;
  const double scale = (double)ax->in / ax->vout;
  w.fscale = scale > 1.0 ? scale : 1.0;
  w.support = kernel_support(ax->kernel) * w.fscale;
  w.center = ((double)i + ax->offset + 0.5) * scale;
  w.jlo = (int64_t)floor(w.center - w.support - 0.5);
  w.jhi = (int64_t)ceil(w.center + w.support - 0.5);
  return w;
}

static uint32_t clamp_index(int64_t j, uint32_t in) {
  return j < 0 ? 0 : j >= (int64_t)in ? in - 1 : (uint32_t)j;
}

static int build_nearest(ofl__axis_t *ax) {
  ax->taps = 1;
  for (uint32_t i = 0; i < ax->out; i++) {
    /* floor((i + off + 0.5) * in / vout), exactly. */
    uint64_t num = (2 * ((uint64_t)i + ax->offset) + 1) * ax->in;
    uint64_t j = num / (2 * (uint64_t)ax->vout);
    ax->start[i] = j >= ax->in ? ax->in - 1 : (uint32_t)j;
  }
  return 0;
}

/* Fills ax->w16 / ax->wf for output i from the folded, unnormalised
 * weights in tmp[0..taps). @return 0 or OFL_EINTERNAL when the fixed-point
 * range invariant (see resize_impl.h) would not hold. */
static int store_row(ofl__axis_t *ax, uint32_t i, const double *tmp, uint32_t n,
                     uint32_t pad) {
  double sum = 0.0;
  for (uint32_t k = 0; k < n; k++) sum += tmp[k];
  int16_t *w16 = ax->w16 + (size_t)i * ax->taps;
  float *wf = ax->wf + (size_t)i * ax->taps;
  memset(w16, 0, ax->taps * sizeof(*w16));
  memset(wf, 0, ax->taps * sizeof(*wf));
  if (!(fabs(sum) > 1e-12)) return OFL_EINTERNAL; /* centre lobe is positive */
  /* Cumulative rounding: the integer weights sum to exactly ONE. */
  double cum = 0.0;
  int32_t prev = 0, neg = 0;
  for (uint32_t k = 0; k < n; k++) {
    const double w = tmp[k] / sum;
    cum += w;
    int32_t c =
        k + 1 == n ? OFL__W_ONE : (int32_t)floor(cum * OFL__W_ONE + 0.5);
    int32_t q = c - prev;
    if (q < INT16_MIN || q > INT16_MAX) return OFL_EINTERNAL;
    if (q < 0) neg -= q;
    w16[pad + k] = (int16_t)q;
    wf[pad + k] = (float)w;
    prev = c;
  }
  if (neg > OFL__W_ONE / 2) return OFL_EINTERNAL;
  return 0;
}

static int build_filter(ofl__axis_t *ax, double *tmp) {
  for (uint32_t i = 0; i < ax->out; i++) {
    const window_t w = window_of(ax, i);
    const uint32_t lo = clamp_index(w.jlo, ax->in);
    const uint32_t hi = clamp_index(w.jhi, ax->in);
    const uint32_t n = hi - lo + 1;
    memset(tmp, 0, n * sizeof(*tmp));
    /* Out-of-range taps fold onto the edge pixel (clamp-to-edge). */
    for (int64_t j = w.jlo; j <= w.jhi; j++)
      tmp[clamp_index(j, ax->in) - lo] +=
          kernel_eval(ax->kernel, ((double)j + 0.5 - w.center) / w.fscale);
    uint32_t start = lo, pad = 0;
    if (start > ax->in - ax->taps) {
      start = ax->in - ax->taps;
      pad = lo - start;
    }
    ax->start[i] = start;
    int err = store_row(ax, i, tmp, n, pad);
    if (err != 0) return err;
  }
  return 0;
}

int ofl__axis_build(ofl__axis_t *ax) {
  size_t cells;
  ax->taps = 1;
  if (ax->kernel != OFL_IMAGE_NEAREST) {
    for (uint32_t i = 0; i < ax->out; i++) {
      const window_t w = window_of(ax, i);
      uint32_t n = clamp_index(w.jhi, ax->in) - clamp_index(w.jlo, ax->in) + 1;
      if (n > ax->taps) ax->taps = n;
    }
  }
  if (!ofl_mul_size(ax->out, ax->taps, &cells)) return OFL_ERANGE;
  ax->start = malloc((size_t)ax->out * sizeof(*ax->start));
  if (ax->start == NULL) return OFL_ENOMEM;
  if (ax->kernel == OFL_IMAGE_NEAREST) return build_nearest(ax);
  /* cells <= out * in <= 2^32, so these products cannot overflow size_t
   * on 64-bit; checked anyway for 32-bit hosts. */
  size_t b16, bf;
  if (!ofl_mul_size(cells, sizeof(int16_t), &b16) ||
      !ofl_mul_size(cells, sizeof(float), &bf))
    return OFL_ERANGE;
  ax->w16 = malloc(b16);
  ax->wf = malloc(bf);
  double *tmp = malloc((size_t)ax->taps * sizeof(double));
  int err = OFL_ENOMEM;
  if (ax->w16 != NULL && ax->wf != NULL && tmp != NULL)
    err = build_filter(ax, tmp);
  free(tmp);
  ax->bytes = (size_t)ax->out * sizeof(*ax->start) + b16 + bf;
  return err;
}

void ofl__axis_free(ofl__axis_t *ax) {
  free(ax->start);
  free(ax->w16);
  free(ax->wf);
  ax->start = NULL;
  ax->w16 = NULL;
  ax->wf = NULL;
}
