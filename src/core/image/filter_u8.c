/* 8-bit fixed-point paths of the linear filters, on ofl__mac_u8:
 *  1. blur (and sharpen's blur): the normalised Gaussian in 14-bit
 *     weights that sum to exactly 1.0, a vertical pass into an 8-bit row
 *     (rounded, as libvips' integer precision does between its two
 *     passes), then a horizontal pass over that row padded by clamping;
 *  2. convolve: every kw*kh tap at once over padded source rows, when the
 *     weights / scale and the offset are exact in some fixed point that
 *     fits int16 (integer kernels with a power-of-two scale, or scale 1:
 *     most real kernels). Otherwise the float path runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

/* Larger separable kernels are cheaper as two float passes than as
 * kw*kh integer taps. */
#define MAX_2D_TAPS 49

static int prepare_blur(ofl_image_op_plan_t *p) {
  const uint32_t n = p->kw;
  if ((p->w16 = malloc(n * sizeof(int16_t))) == NULL) return OFL_ENOMEM;
  /* Cumulative rounding: the weights sum to exactly 1 << 14, so a flat
   * image stays flat. */
  double cum = 0;
  int32_t prev = 0;
  for (uint32_t i = 0; i < n; i++) {
    cum += p->kx[i];
    const int32_t c = (int32_t)lrint(cum * 16384.0);
    p->w16[i] = (int16_t)(c - prev);
    prev = c;
  }
  p->shift = 14;
  p->bias = 1 << 13;
  p->int_path = 1;
  p->bytes += n * sizeof(int16_t);
  return 0;
}

static int prepare_convolve(ofl_image_op_plan_t *p) {
  const size_t taps = (size_t)p->kw * p->kh;
  if (taps > OFL__MAC_MAX_TAPS || (p->separable && taps > MAX_2D_TAPS))
    return 0;
  double big = 0, abs_sum = 0;
  for (size_t i = 0; i < taps; i++)
    big = fmax(big, fabs(p->kernel[i] / p->scale));
  for (int bits = 14; bits >= 0; bits--) {
    const double f = ldexp(1.0, bits);
    if (big * f > 32767.0) continue;
    int exact = 1;
    abs_sum = 0;
    for (size_t i = 0; i < taps && exact; i++) {
      const double v = p->kernel[i] / p->scale * f;
      exact = fabs(v - rint(v)) < 1e-9;
      abs_sum += fabs(rint(v));
    }
    const double off = p->op.offset * f;
    if (!exact || fabs(off - rint(off)) > 1e-9) return 0;
    const double bias = rint(off) + (bits > 0 ? ldexp(1.0, bits - 1) : 0);
    /* |bias| + sum |w| * 255 must fit int32. */
    if (fabs(bias) + abs_sum * 255.0 >= 2147483647.0) return 0;
    if ((p->w16 = malloc(taps * sizeof(int16_t))) == NULL) return OFL_ENOMEM;
    for (size_t i = 0; i < taps; i++)
      p->w16[i] = (int16_t)rint(p->kernel[i] / p->scale * f);
    p->shift = bits;
    p->bias = (int32_t)bias;
    p->int_path = 2;
    p->bytes += taps * sizeof(int16_t);
    return 0;
  }
  return 0;
}

int ofl__filter_u8_prepare(ofl_image_op_plan_t *p) {
  if (p->src.format != OFL_IMAGE_U8) return 0;
  if (p->op.kind == OFL_IMAGE_OP_CONVOLVE) return prepare_convolve(p);
  return prepare_blur(p);
}

/* pad = in with r pixels each side, per the edge mode (zero: 0). */
static void pad_u8(const uint8_t *in, uint32_t w, uint32_t ch, uint32_t r,
                   ofl_image_edge_t e, uint8_t *pad) {
  memcpy(pad + (size_t)r * ch, in, (size_t)w * ch);
  for (int64_t x = -(int64_t)r; x < (int64_t)w + r; x++) {
    if (x == 0) x = w;
    if (x >= (int64_t)w + r) break;
    const int64_t sx = ofl__edge(x, w, e);
    uint8_t *d = pad + (size_t)(x + r) * ch;
    if (sx < 0)
      memset(d, 0, ch);
    else
      memcpy(d, in + (size_t)sx * ch, ch);
  }
}

int ofl__filter_u8_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                       ofl__stop_fn stop, void *arg) {
  const ofl_image_t *s = &p->src, *d = &p->dst;
  const ofl_image_op_t *o = &p->op;
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch;
  const uint32_t rx = p->kw / 2, ry = p->kh / 2;
  const size_t plen = ((size_t)w + 2 * rx) * ch;
  const int sep = p->int_path == 1;
  const uint32_t taps = sep ? p->kw : p->kw * p->kh;
  const int sharpen = o->kind == OFL_IMAGE_OP_SHARPEN;
  const ofl_image_edge_t e =
      o->kind == OFL_IMAGE_OP_CONVOLVE ? o->edge : OFL_IMAGE_EDGE_CLAMP;
  /* Padded rows (one for blur, kh for convolve), the blur's intermediate
   * row, sharpen's blurred row, and the tap pointers. */
  const size_t npad = sep ? 1 : p->kh;
  uint8_t *buf = malloc(plen * npad + 2 * n);
  const uint8_t **ptr = malloc(((size_t)taps + p->kh) * sizeof(*ptr));
  if (buf == NULL || ptr == NULL) {
    free(buf);
    free(ptr);
    return OFL_ENOMEM;
  }
  uint8_t *mid = buf + plen * npad, *blurred = mid + n;
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    uint8_t *out = sharpen ? blurred : ofl__row(d, y);
    if (sep) {
      for (uint32_t j = 0; j < p->kh; j++)
        ptr[j] =
            ofl__row(s, (uint32_t)ofl__edge((int64_t)y + j - ry, s->height, e));
      ofl__mac_u8(ptr, p->w16, p->kh, n, p->bias, p->shift, mid);
      pad_u8(mid, w, ch, rx, e, buf);
      for (uint32_t i = 0; i < p->kw; i++) ptr[i] = buf + (size_t)i * ch;
      ofl__mac_u8(ptr, p->w16, p->kw, n, p->bias, p->shift, out);
    } else {
      for (uint32_t j = 0; j < p->kh; j++) {
        uint8_t *pad = buf + plen * j;
        const int64_t sy = ofl__edge((int64_t)y + j - ry, s->height, e);
        if (sy < 0)
          memset(pad, 0, plen);
        else
          pad_u8(ofl__row(s, (uint32_t)sy), w, ch, rx, e, pad);
        for (uint32_t i = 0; i < p->kw; i++)
          ptr[(size_t)j * p->kw + i] = pad + (size_t)i * ch;
      }
      ofl__mac_u8(ptr, p->w16, taps, n, p->bias, p->shift, out);
    }
    if (sharpen) {
      const uint8_t *orig = ofl__row(s, y);
      uint8_t *dr = ofl__row(d, y);
      const float amt = (float)o->amount, th = (float)o->threshold;
      const int keep_a = ofl__has_alpha(ch);
      for (size_t i = 0; i < n; i++) {
        const float v = orig[i], df = v - (float)blurred[i];
        float r = fabsf(df) > th ? v + amt * df : v;
        r += 0.5f;
        dr[i] = (uint8_t)(r >= 0.0f ? (r < 255.0f ? r : 255.0f) : 0.0f);
      }
      if (keep_a)
        for (uint32_t x = 0; x < w; x++)
          dr[(size_t)x * ch + ch - 1] = orig[(size_t)x * ch + ch - 1];
    }
  }
  free(buf);
  free(ptr);
  return err;
}
