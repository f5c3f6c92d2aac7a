/* Separable resize: per output row, a vertical pass combines `taps` input
 * rows into one intermediate row (full input width), then a horizontal
 * pass turns it into the output row. Rows are independent, which is what
 * makes bands byte-identical however they are split. The vertical pass
 * runs along contiguous memory and vectorises; the horizontal pass is
 * specialised per channel count so its accumulators live in registers. */
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_checked.h"
#include "ofl_errors.h"
#include "resize_impl.h"

struct ofl_image_plan_s {
  ofl_image_t src, dst; /* strides resolved (never 0) */
  ofl__axis_t h, v;
};

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Samples per block of the vertical pass: the int32 accumulators stay in
 * L1 while every tap row streams through once. */
#define VBLOCK 1024

/* ---- 8-bit ---------------------------------------------------------- */

static inline uint8_t clamp_u8(int32_t v) {
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

#define HSHIFT (OFL__W_BITS + OFL__MID_FRAC)

static ALWAYS_INLINE void hpass_u8_ch(const ofl__axis_t *ax, const int16_t *mid,
                                      uint8_t *out, const uint32_t ch) {
  const uint32_t taps = ax->taps;
  for (uint32_t x = 0; x < ax->out; x++) {
    const int16_t *s = mid + (size_t)ax->start[x] * ch;
    const int16_t *w = ax->w16 + (size_t)x * taps;
    int32_t acc[4] = {1 << (HSHIFT - 1), 1 << (HSHIFT - 1), 1 << (HSHIFT - 1),
                      1 << (HSHIFT - 1)};
    for (uint32_t k = 0; k < taps; k++) {
      const int32_t wk = w[k];
      for (uint32_t c = 0; c < ch; c++) acc[c] += wk * s[(size_t)k * ch + c];
    }
    for (uint32_t c = 0; c < ch; c++)
      out[(size_t)x * ch + c] = clamp_u8(acc[c] >> HSHIFT);
  }
}

static void hpass_u8(const ofl__axis_t *ax, const int16_t *mid, uint8_t *out,
                     uint32_t ch) {
  if (ofl__hpass_u8_simd(ax, mid, out, ch)) return;
  switch (ch) {
    case 1:
      hpass_u8_ch(ax, mid, out, 1);
      break;
    case 2:
      hpass_u8_ch(ax, mid, out, 2);
      break;
    case 3:
      hpass_u8_ch(ax, mid, out, 3);
      break;
    default:
      hpass_u8_ch(ax, mid, out, 4);
      break;
  }
}

/* Nearest: exact copies, no arithmetic (identity stays identity). */
static void hpass_nearest(const ofl__axis_t *ax, const uint8_t *row,
                          uint8_t *out, size_t px_bytes) {
  for (uint32_t x = 0; x < ax->out; x++)
    memcpy(out + (size_t)x * px_bytes, row + (size_t)ax->start[x] * px_bytes,
           px_bytes);
}

/* ---- float ---------------------------------------------------------- */

/* Float images accumulate in double: a wide downscale sums thousands of
 * taps, and float sums would drift past 1e-5 relative. */
static void vpass_f32(const float *const *rows, const float *w, uint32_t taps,
                      size_t n, float *mid) {
  double acc[VBLOCK];
  for (size_t x0 = 0; x0 < n; x0 += VBLOCK) {
    const size_t len = n - x0 < VBLOCK ? n - x0 : VBLOCK;
    const double w0 = w[0];
    const float *r0 = rows[0] + x0;
    for (size_t i = 0; i < len; i++) acc[i] = w0 * r0[i];
    for (uint32_t k = 1; k < taps; k++) {
      const double wk = w[k];
      if (wk == 0.0) continue;
      const float *r = rows[k] + x0;
      for (size_t i = 0; i < len; i++) acc[i] += wk * r[i];
    }
    for (size_t i = 0; i < len; i++) mid[x0 + i] = (float)acc[i];
  }
}

static ALWAYS_INLINE void hpass_f32_ch(const ofl__axis_t *ax, const float *mid,
                                       float *out, const uint32_t ch) {
  const uint32_t taps = ax->taps;
  for (uint32_t x = 0; x < ax->out; x++) {
    const float *s = mid + (size_t)ax->start[x] * ch;
    const float *w = ax->wf + (size_t)x * taps;
    double acc[4] = {0, 0, 0, 0};
    for (uint32_t k = 0; k < taps; k++) {
      const double wk = w[k];
      for (uint32_t c = 0; c < ch; c++) acc[c] += wk * s[(size_t)k * ch + c];
    }
    for (uint32_t c = 0; c < ch; c++) out[(size_t)x * ch + c] = (float)acc[c];
  }
}

static void hpass_f32(const ofl__axis_t *ax, const float *mid, float *out,
                      uint32_t ch) {
  switch (ch) {
    case 1:
      hpass_f32_ch(ax, mid, out, 1);
      break;
    case 2:
      hpass_f32_ch(ax, mid, out, 2);
      break;
    case 3:
      hpass_f32_ch(ax, mid, out, 3);
      break;
    default:
      hpass_f32_ch(ax, mid, out, 4);
      break;
  }
}

/* ---- validation and plan -------------------------------------------- */

static size_t sample_size(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? sizeof(float) : 1;
}

int ofl_image_min_len(uint32_t width, uint32_t height, uint32_t channels,
                      size_t stride, size_t *out) {
  size_t row, px, last;
  if (channels < 1 || channels > OFL_IMAGE_MAX_CHANNELS) return OFL_EINVAL;
  if (width < 1 || height < 1 || width > OFL_IMAGE_MAX_DIM ||
      height > OFL_IMAGE_MAX_DIM)
    return OFL_ERANGE;
  if (!ofl_mul_size(width, height, &px) || px > OFL_IMAGE_MAX_PIXELS)
    return OFL_ERANGE;
  if (!ofl_mul_size(width, channels, &row)) return OFL_ERANGE;
  if (stride == 0) stride = row;
  if (stride < row) return OFL_EINVAL;
  if (!ofl_mul_size(stride, (size_t)height - 1, &last) ||
      !ofl_add_size(last, row, out))
    return OFL_ERANGE;
  return 0;
}

static int check_view(const ofl_image_t *im, ofl_image_t *resolved) {
  size_t need, bytes;
  /* u16 has no resize kernels. */
  if (im->data == NULL ||
      (im->format != OFL_IMAGE_U8 && im->format != OFL_IMAGE_F32))
    return OFL_EINVAL;
  int err =
      ofl_image_min_len(im->width, im->height, im->channels, im->stride, &need);
  if (err != 0) return err;
  /* The whole view must be addressable in bytes too. */
  if (need > im->len || !ofl_mul_size(need, sample_size(im->format), &bytes))
    return OFL_ERANGE;
  *resolved = *im;
  if (resolved->stride == 0)
    resolved->stride = (size_t)im->width * im->channels;
  return 0;
}

static int check_axis(uint32_t vout, uint32_t offset, uint32_t out) {
  if (vout < 1 || vout > OFL_IMAGE_MAX_DIM) return OFL_ERANGE;
  if (offset > vout || out > vout - offset) return OFL_ERANGE;
  return 0;
}

void ofl_image_plan_free(ofl_image_plan_t *plan) {
  if (plan == NULL) return;
  ofl__axis_free(&plan->h);
  ofl__axis_free(&plan->v);
  free(plan);
}

int ofl_image_plan_create(const ofl_image_t *src, const ofl_image_t *dst,
                          const ofl_image_resize_opts_t *opts,
                          ofl_image_plan_t **out) {
  if (out == NULL) return OFL_EINVAL;
  *out = NULL;
  if (src == NULL || dst == NULL) return OFL_EINVAL;
  const ofl_image_resize_opts_t defaults = {OFL_IMAGE_LANCZOS3, 0, 0, 0, 0};
  if (opts == NULL) opts = &defaults;
  if ((unsigned)opts->kernel >= OFL_IMAGE_KERNEL_COUNT) return OFL_EINVAL;
  if (src->channels != dst->channels || src->format != dst->format)
    return OFL_EINVAL;
  ofl_image_plan_t *p = calloc(1, sizeof(*p));
  if (p == NULL) return OFL_ENOMEM;
  int err = check_view(src, &p->src);
  if (err == 0) err = check_view(dst, &p->dst);
  /* The destination must not overlap the source (bands write while
   * others read). */
  if (err == 0) {
    const uintptr_t s = (uintptr_t)src->data, d = (uintptr_t)dst->data;
    const size_t sb = src->len * sample_size(src->format);
    const size_t db = dst->len * sample_size(dst->format);
    if (d - s < sb || s - d < db) err = OFL_EINVAL;
  }
  p->h.kernel = p->v.kernel = opts->kernel;
  p->h.in = src->width;
  p->v.in = src->height;
  p->h.out = dst->width;
  p->v.out = dst->height;
  p->h.vout = opts->virt_width != 0 ? opts->virt_width : dst->width;
  p->v.vout = opts->virt_height != 0 ? opts->virt_height : dst->height;
  p->h.offset = opts->offset_x;
  p->v.offset = opts->offset_y;
  if (err == 0) err = check_axis(p->h.vout, p->h.offset, p->h.out);
  if (err == 0) err = check_axis(p->v.vout, p->v.offset, p->v.out);
  if (err == 0) err = ofl__axis_build(&p->h);
  if (err == 0) err = ofl__axis_build(&p->v);
  if (err != 0) {
    ofl_image_plan_free(p);
    return err;
  }
  *out = p;
  return 0;
}

size_t ofl_image_plan_size(const ofl_image_plan_t *plan) {
  return plan == NULL ? 0 : sizeof(*plan) + plan->h.bytes + plan->v.bytes;
}

/* Row pointers of the vertical window of output row y; taps is bounded by
 * the input height, so a heap array when it is large. */
#define ROWS_STACK 64

int ofl_image_plan_run(const ofl_image_plan_t *p, uint32_t y0, uint32_t y1,
                       int (*should_stop)(void *arg), void *arg) {
  if (p == NULL || y0 > y1 || y1 > p->dst.height) return OFL_EINVAL;
  if (y0 == y1) return 0;
  const ofl_image_t *src = &p->src, *dst = &p->dst;
  const uint32_t ch = src->channels;
  const size_t ss = sample_size(src->format);
  const size_t n = (size_t)src->width * ch; /* intermediate samples */
  const int nearest = p->h.kernel == OFL_IMAGE_NEAREST;
  const void *stack_rows[ROWS_STACK];
  const void **rows = stack_rows;
  void *mid = NULL;
  if (!nearest) {
    if (p->v.taps > ROWS_STACK &&
        (rows = malloc(p->v.taps * sizeof(*rows))) == NULL)
      return OFL_ENOMEM;
    /* int16 for 8-bit (plus zeroed padding for the SIMD horizontal
     * pass), float for f32: at most (n + pad) * 4 bytes. */
    if ((mid = calloc(n + OFL__HPASS_PAD,
                      ss == 1 ? sizeof(int16_t) : sizeof(float))) == NULL) {
      if (rows != stack_rows) free(rows);
      return OFL_ENOMEM;
    }
  }
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (should_stop != NULL && (err = should_stop(arg)) != 0) break;
    const uint8_t *sbase = (const uint8_t *)src->data;
    uint8_t *orow = (uint8_t *)dst->data + (size_t)y * dst->stride * ss;
    const uint32_t first = p->v.start[y];
    if (nearest) {
      hpass_nearest(&p->h, sbase + (size_t)first * src->stride * ss, orow,
                    ch * ss);
      continue;
    }
    for (uint32_t k = 0; k < p->v.taps; k++)
      rows[k] = sbase + ((size_t)first + k) * src->stride * ss;
    const size_t wrow = (size_t)y * p->v.taps;
    if (ss == 1) {
      /* The vertical pass is the shared multiply-accumulate kernel (AVX2
       * when the CPU has it), kept in int16 with OFL__MID_FRAC bits. */
      ofl__mac_i16((const uint8_t *const *)rows, p->v.w16 + wrow, p->v.taps, n,
                   1 << (OFL__W_BITS - OFL__MID_FRAC - 1),
                   OFL__W_BITS - OFL__MID_FRAC, mid);
      hpass_u8(&p->h, mid, orow, ch);
    } else {
      vpass_f32((const float *const *)rows, p->v.wf + wrow, p->v.taps, n, mid);
      hpass_f32(&p->h, mid, (float *)orow, ch);
    }
  }
  if (rows != stack_rows) free(rows);
  free(mid);
  return err;
}
