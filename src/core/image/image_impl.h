/* Internals shared by the op sources (geometry, point, filter, rank,
 * composite, stats); not installed. */
#ifndef OFL_IMAGE_IMPL_H
#define OFL_IMAGE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "ofl_image.h"

#if defined(__GNUC__) || defined(__clang__)
#define OFL__INLINE inline __attribute__((always_inline))
#else
#define OFL__INLINE inline
#endif

struct ofl_image_op_plan_s {
  ofl_image_op_t op;           /* kernel/table point into the plan */
  ofl_image_t src, other, dst; /* strides resolved (never 0) */
  /* filters: kw x kh weights; when separable, kx (kw) and ky (kh) too.
   * blur and sharpen hold their 1-D Gaussian in kx = ky. */
  float *kernel, *kx, *ky;
  uint32_t kw, kh;
  int separable;
  double scale; /* convolve divisor, resolved */
  /* 8-bit fixed point (filter_u8.c): 1 = separable blur with an 8-bit
   * intermediate (as libvips' integer precision), 2 = all kw*kh taps. */
  int int_path;
  int16_t *w16; /* kw (path 1) or kw*kh (path 2) weights */
  int32_t bias;
  int shift;
  void *table; /* lut copy */
  /* point ops on u8 (and u16 for lut/negate/linear/gamma/threshold): one
   * table per channel, 256 or 65536 entries each; NULL when computed. */
  void *lut;
  size_t bytes;
};

typedef int (*ofl__stop_fn)(void *);

static inline size_t ofl__ssize(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 4 : f == OFL_IMAGE_U16 ? 2 : 1;
}

static inline double ofl__fmax(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 1.0 : f == OFL_IMAGE_U16 ? 65535.0 : 255.0;
}

static inline uint8_t *ofl__row(const ofl_image_t *im, uint32_t y) {
  return (uint8_t *)im->data + (size_t)y * im->stride * ofl__ssize(im->format);
}

static inline int ofl__has_alpha(uint32_t ch) {
  return ch == 2 || ch == 4;
}

/* Index of i in [0, n) under edge mode e, or -1 (zero). n >= 1. */
static inline int64_t ofl__edge(int64_t i, int64_t n, ofl_image_edge_t e) {
  if (i >= 0 && i < n) return i;
  switch (e) {
    case OFL_IMAGE_EDGE_CLAMP:
      return i < 0 ? 0 : n - 1;
    case OFL_IMAGE_EDGE_MIRROR: {
      int64_t m = i % (2 * n);
      if (m < 0) m += 2 * n;
      return m < n ? m : 2 * n - 1 - m;
    }
    case OFL_IMAGE_EDGE_WRAP: {
      int64_t m = i % n;
      return m < 0 ? m + n : m;
    }
    default:
      return -1;
  }
}

/* Rounds and clamps v into the format's range (f32: unchanged). */
static inline float ofl__clampf(float v, ofl_image_format_t f) {
  if (f == OFL_IMAGE_F32) return v;
  const float hi = f == OFL_IMAGE_U16 ? 65535.0f : 255.0f;
  /* NaN compares false both ways and lands on 0. */
  return v >= 0.0f ? (v < hi ? v : hi) : 0.0f;
}

/* Resolves and checks a view. @return 0, OFL_EINVAL or OFL_ERANGE. */
int ofl__resolve(const ofl_image_t *im, ofl_image_t *out);

/* Samples of row y as floats: n = width * channels of them. */
void ofl__load_row(const ofl_image_t *im, uint32_t y, float *out);
/* Writes n floats to row y, rounded and clamped for integer formats. */
void ofl__store_row(const ofl_image_t *im, uint32_t y, const float *in);
/* Same, for any sample count at a given address. */
void ofl__store(ofl_image_format_t f, void *dst, const float *in, size_t n);
void ofl__load(ofl_image_format_t f, const void *src, float *out, size_t n);

/* Per-file runners; plans were validated by ops.c. */
int ofl__geom_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                  ofl__stop_fn stop, void *arg);
int ofl__point_prepare(ofl_image_op_plan_t *p);
int ofl__point_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                   ofl__stop_fn stop, void *arg);
int ofl__filter_prepare(ofl_image_op_plan_t *p);
int ofl__filter_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                    ofl__stop_fn stop, void *arg);
int ofl__filter_u8_prepare(ofl_image_op_plan_t *p);
int ofl__filter_u8_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                       ofl__stop_fn stop, void *arg);
int ofl__rank_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                  ofl__stop_fn stop, void *arg);
int ofl__composite_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                       ofl__stop_fn stop, void *arg);

/* out[i] = sat_u8((bias + sum_t w[t] * src[t][i]) >> shift) (mac.c).
 * taps <= OFL__MAC_MAX_TAPS; the sum must fit int32. */
#define OFL__MAC_MAX_TAPS 961
void ofl__mac_u8(const uint8_t *const *src, const int16_t *w, uint32_t taps,
                 size_t n, int32_t bias, int shift, uint8_t *out);

/* The same sum as int16, truncated (no clamping), any number of taps; for
 * resize's vertical pass, whose weights keep it within int16. */
void ofl__mac_i16(const uint8_t *const *src, const int16_t *w, uint32_t taps,
                  size_t n, int32_t bias, int shift, int16_t *out);

/* point_simd.c: d[i] = lut[256 * (i % ch) + s[i]] for a row of n samples
 * on a SIMD path when one is in use. @return 1 when it ran. */
int ofl__lut_row_u8_simd(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                         size_t n, uint32_t ch);

/* point_simd.c: 4-channel u8 luma (kr, kb < 32768 <= kg), (y) or (y, a)
 * per pixel; @return 1 when it ran. */
int ofl__gray_row_u8_simd(const uint8_t *s, uint8_t *d, uint32_t w, uint32_t ch,
                          int keep, int32_t kr, int32_t kg, int32_t kb);

/* The OFL_IMAGE_SIMD_* paths in use (mac.c). */
unsigned ofl__simd_level(void);

/* sharp's Gaussian (libvips gaussmat, integer precision, min amplitude
 * 0.2): radius and weights rint(20 * exp(-x^2 / 2 sigma^2)). Writes up to
 * max taps; @return the tap count (odd), or 0 when sigma is too large. */
uint32_t ofl__gauss_mask(double sigma, float *w, uint32_t max);

#endif
