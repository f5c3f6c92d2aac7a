/* Resize with random geometry, kernel, channels, format, stride, crop and
 * band split. Input: 12 header bytes, then pixels (repeated to fill the
 * image). Checks: a valid geometry succeeds; the image split into two
 * bands is byte-identical to one band; a flat 8-bit image stays exactly
 * flat; an invalid geometry (short view, small stride, crop outside the
 * virtual size) fails with an error and touches nothing. abort() on any
 * mismatch. Sizes are bounded so one input runs in milliseconds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_errors.h"
#include "ofl_image.h"

#define MAX_IN 96u
#define MAX_OUT 160u

static uint32_t dim(uint8_t b, uint32_t max) { return 1u + b % max; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 12) return 0;
  const uint8_t *h = data;
  data += 12;
  size -= 12;
  const uint32_t ch = 1u + h[0] % 4;
  const ofl_image_format_t fmt = (h[1] & 1) ? OFL_IMAGE_F32 : OFL_IMAGE_U8;
  const int flat = (h[1] >> 1) & 1;
  const int invalid = (h[1] >> 2) % 8 == 0; /* one in eight: break it */
  ofl_image_resize_opts_t o;
  memset(&o, 0, sizeof(o));
  o.kernel = (ofl_image_kernel_t)(h[2] % OFL_IMAGE_KERNEL_COUNT);
  const uint32_t iw = dim(h[3], MAX_IN), ih = dim(h[4], MAX_IN);
  /* Wide extremes now and then: up to 4096 x 1 or 1 x 4096 outputs. */
  uint32_t ow = dim(h[5], MAX_OUT), oh = dim(h[6], MAX_OUT);
  if (h[7] == 0xFF) ow = 4096, oh = 1 + oh % 2;
  if (h[7] == 0xFE) oh = 4096, ow = 1 + ow % 2;
  const size_t stride = (size_t)iw * ch + h[8] % 8;
  if (h[9] & 1) { /* crop of a larger virtual resize */
    o.virt_width = ow + h[10] % 32;
    o.virt_height = oh + h[11] % 32;
    o.offset_x = (h[10] >> 5) % (o.virt_width - ow + 1);
    o.offset_y = (h[11] >> 5) % (o.virt_height - oh + 1);
  }

  const size_t ss = fmt == OFL_IMAGE_F32 ? sizeof(float) : 1;
  size_t need = 0;
  if (ofl_image_min_len(iw, ih, ch, stride, &need) != 0) abort();
  const size_t out_len = (size_t)ow * oh * ch;
  uint8_t *src = malloc(need * ss);
  uint8_t *a = malloc(out_len * ss), *b = malloc(out_len * ss);
  if (src == NULL || a == NULL || b == NULL) abort();
  for (size_t i = 0; i < need; i++) {
    const uint8_t v = flat ? h[0] : size > 0 ? data[i % size] : (uint8_t)i;
    if (ss == 1)
      src[i] = v;
    else
      ((float *)src)[i] = (float)v / 255.0f;
  }
  memset(a, 0xA5, out_len * ss);
  memset(b, 0x5A, out_len * ss);

  ofl_image_t s = {src, need, stride, iw, ih, ch, fmt};
  ofl_image_t d1 = {a, out_len, 0, ow, oh, ch, fmt};
  ofl_image_t d2 = {b, out_len, 0, ow, oh, ch, fmt};
  if (invalid) {
    switch (h[8] % 3) {
      case 0: s.len = need - 1; break;
      case 1: s.stride = (size_t)iw * ch - 1; break;
      default: o.virt_width = ow, o.offset_x = 1; break;
    }
    if (s.stride == 0) s.stride = 1; /* iw*ch == 1: still below nothing */
    int err = ofl_image_resize(&s, &d1, &o);
    /* A 1-sample row cannot have a smaller stride; anything else fails. */
    if (err == 0 && !(h[8] % 3 == 1 && (size_t)iw * ch == 1)) abort();
    if (err != 0 && err != OFL_ERANGE && err != OFL_EINVAL) abort();
    for (size_t i = 0; err != 0 && i < out_len * ss; i++)
      if (a[i] != 0xA5) abort();
  } else {
    if (ofl_image_resize(&s, &d1, &o) != 0) abort();
    ofl_image_plan_t *p;
    if (ofl_image_plan_create(&s, &d2, &o, &p) != 0) abort();
    const uint32_t cut = h[9] % (oh + 1);
    if (ofl_image_plan_run(p, cut, oh, NULL, NULL) != 0 ||
        ofl_image_plan_run(p, 0, cut, NULL, NULL) != 0)
      abort();
    ofl_image_plan_free(p);
    if (memcmp(a, b, out_len * ss) != 0) abort();
    if (flat && ss == 1)
      for (size_t i = 0; i < out_len; i++)
        if (a[i] != h[0]) abort();
  }
  free(src);
  free(a);
  free(b);
  return 0;
}
