/* Views: checking, and rows to and from float (the filters' working
 * format). */
#include <math.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_checked.h"
#include "ofl_errors.h"

int ofl__resolve(const ofl_image_t *im, ofl_image_t *out) {
  size_t need, bytes;
  if (im == NULL || im->data == NULL ||
      (unsigned)im->format >= OFL_IMAGE_FORMAT_COUNT)
    return OFL_EINVAL;
  int err =
      ofl_image_min_len(im->width, im->height, im->channels, im->stride, &need);
  if (err != 0) return err;
  if (need > im->len || !ofl_mul_size(im->len, ofl__ssize(im->format), &bytes))
    return OFL_ERANGE;
  if (((uintptr_t)im->data % ofl__ssize(im->format)) != 0) return OFL_EINVAL;
  *out = *im;
  if (out->stride == 0) out->stride = (size_t)im->width * im->channels;
  return 0;
}

int ofl_image_check(const ofl_image_t *im) {
  ofl_image_t r;
  return ofl__resolve(im, &r);
}

void ofl__load(ofl_image_format_t f, const void *src, float *out, size_t n) {
  if (f == OFL_IMAGE_U8) {
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++) out[i] = s[i];
  } else if (f == OFL_IMAGE_U16) {
    const uint16_t *s = src;
    for (size_t i = 0; i < n; i++) out[i] = s[i];
  } else {
    memcpy(out, src, n * sizeof(float));
  }
}

void ofl__store(ofl_image_format_t f, void *dst, const float *in, size_t n) {
  /* +0.5 then truncation rounds half up on the clamped (non-negative)
   * value; lrintf would round half to even and cost a call. */
  if (f == OFL_IMAGE_U8) {
    uint8_t *d = dst;
    for (size_t i = 0; i < n; i++) {
      const float v = in[i] + 0.5f;
      d[i] = (uint8_t)(v >= 0.0f ? (v < 255.0f ? v : 255.0f) : 0.0f);
    }
  } else if (f == OFL_IMAGE_U16) {
    uint16_t *d = dst;
    for (size_t i = 0; i < n; i++) {
      const float v = in[i] + 0.5f;
      d[i] = (uint16_t)(v >= 0.0f ? (v < 65535.0f ? v : 65535.0f) : 0.0f);
    }
  } else {
    memcpy(dst, in, n * sizeof(float));
  }
}

void ofl__load_row(const ofl_image_t *im, uint32_t y, float *out) {
  ofl__load(im->format, ofl__row(im, y), out, (size_t)im->width * im->channels);
}

void ofl__store_row(const ofl_image_t *im, uint32_t y, const float *in) {
  ofl__store(im->format, ofl__row(im, y), in, (size_t)im->width * im->channels);
}

uint32_t ofl__gauss_mask(double sigma, float *w, uint32_t max) {
  const double sig2 = 2.0 * sigma * sigma;
  const double limit = floor(fmin(8.0 * sigma, 5000.0));
  uint32_t x = 0;
  /* The first offset whose amplitude falls under 0.2 ends the mask. */
  while (x < limit && exp(-((double)x * x) / sig2) >= 0.2) x++;
  if (x >= limit) return 0;
  const uint32_t r = x > 0 ? x - 1 : 0, n = 2 * r + 1;
  if (n > max) return 0;
  for (uint32_t i = 0; i < n; i++) {
    const double d = (double)i - r;
    w[i] = (float)rint(20.0 * exp(-(d * d) / sig2));
  }
  return n;
}
