/* Linear filters: Gaussian blur, box blur, convolution and unsharp mask.
 * Work is per output row in float: a vertical pass sums kernel-height
 * source rows into one row (contiguous, so it vectorises), then a
 * horizontal pass sums shifted copies of that row, padded per the edge
 * mode (with interleaved channels, tap j of sample i is i + j * channels:
 * contiguous again). Rows are independent, so bands are byte-identical
 * however they split. Box blur keeps running sums instead, O(1) per
 * sample whatever the radius. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

#define MAX_GAUSS 10001u

static int separate(ofl_image_op_plan_t *p) {
  const float *k = p->kernel;
  const uint32_t kw = p->kw, kh = p->kh;
  uint32_t br = 0, bc = 0;
  float big = 0;
  for (uint32_t i = 0; i < kh; i++)
    for (uint32_t j = 0; j < kw; j++)
      if (fabsf(k[i * kw + j]) > big)
        big = fabsf(k[i * kw + j]), br = i, bc = j;
  if (big == 0) return 0;
  for (uint32_t i = 0; i < kh; i++) p->ky[i] = k[i * kw + bc];
  for (uint32_t j = 0; j < kw; j++) p->kx[j] = k[br * kw + j] / k[br * kw + bc];
  for (uint32_t i = 0; i < kh; i++)
    for (uint32_t j = 0; j < kw; j++)
      if (fabs((double)k[i * kw + j] - (double)p->ky[i] * p->kx[j]) >
          1e-6 * big)
        return 0;
  return 1;
}

int ofl__filter_prepare(ofl_image_op_plan_t *p) {
  const ofl_image_op_t *o = &p->op;
  if (o->kind == OFL_IMAGE_OP_BOX_BLUR) return 0;
  if (o->kind == OFL_IMAGE_OP_CONVOLVE) {
    p->kw = o->kw;
    p->kh = o->kh;
    p->kx = malloc(p->kw * sizeof(float));
    p->ky = malloc(p->kh * sizeof(float));
    if (p->kx == NULL || p->ky == NULL) return OFL_ENOMEM;
    double sum = 0;
    for (uint32_t i = 0; i < p->kw * p->kh; i++) sum += p->kernel[i];
    p->scale = o->scale != 0 ? o->scale : sum != 0 ? sum : 1;
    p->separable = separate(p);
    p->bytes += (p->kw * p->kh + p->kw + p->kh) * sizeof(float);
    return ofl__filter_u8_prepare(p);
  }
  /* blur, sharpen: the Gaussian, normalised (one pass divides by sum). */
  float *w = malloc(MAX_GAUSS * sizeof(float));
  if (w == NULL) return OFL_ENOMEM;
  const uint32_t n = ofl__gauss_mask(o->value, w, MAX_GAUSS);
  if (n == 0) {
    free(w);
    return OFL_ERANGE;
  }
  double sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += w[i];
  for (uint32_t i = 0; i < n; i++) w[i] = (float)(w[i] / sum);
  p->kx = w;
  p->ky = malloc(n * sizeof(float));
  if (p->ky == NULL) return OFL_ENOMEM;
  memcpy(p->ky, w, n * sizeof(float));
  p->kw = p->kh = n;
  p->separable = 1;
  p->scale = 1;
  p->bytes += 2 * n * sizeof(float);
  return ofl__filter_u8_prepare(p);
}

/* acc[i] = sum_j k[j] * src(y + j - kh/2)[i]; rows outside read 0 for
 * zero edges and map otherwise. */
static void vpass(const ofl_image_t *s, int64_t y, const float *k, uint32_t kh,
                  ofl_image_edge_t e, float *acc) {
  const size_t n = (size_t)s->width * s->channels;
  memset(acc, 0, n * sizeof(float));
  for (uint32_t j = 0; j < kh; j++) {
    const int64_t sy = ofl__edge(y + j - kh / 2, s->height, e);
    const float wk = k[j];
    if (sy < 0 || wk == 0.0f) continue;
    const uint8_t *r = ofl__row(s, (uint32_t)sy);
    if (s->format == OFL_IMAGE_U8) {
      for (size_t i = 0; i < n; i++) acc[i] += wk * (float)r[i];
    } else if (s->format == OFL_IMAGE_U16) {
      const uint16_t *r16 = (const uint16_t *)r;
      for (size_t i = 0; i < n; i++) acc[i] += wk * (float)r16[i];
    } else {
      const float *rf = (const float *)r;
      for (size_t i = 0; i < n; i++) acc[i] += wk * rf[i];
    }
  }
}

/* pad = in with r pixels on each side, filled per the edge mode. */
static void pad_row(const float *in, uint32_t w, uint32_t ch, uint32_t r,
                    ofl_image_edge_t e, float *pad) {
  memcpy(pad + (size_t)r * ch, in, (size_t)w * ch * sizeof(float));
  for (int64_t x = -(int64_t)r; x < (int64_t)w + r; x++) {
    if (x == 0) x = w;
    if (x >= (int64_t)w + r) break;
    const int64_t sx = ofl__edge(x, w, e);
    float *d = pad + (size_t)(x + r) * ch;
    for (uint32_t c = 0; c < ch; c++)
      d[c] = sx < 0 ? 0.0f : in[(size_t)sx * ch + c];
  }
}

/* out[i] (+)= sum_j k[j] * pad[i + j * ch]. */
static void hpass(const float *pad, size_t n, uint32_t ch, const float *k,
                  uint32_t kw, float *out, int accumulate) {
  if (!accumulate) memset(out, 0, n * sizeof(float));
  for (uint32_t j = 0; j < kw; j++) {
    const float wk = k[j];
    if (wk == 0.0f) continue;
    const float *s = pad + (size_t)j * ch;
    for (size_t i = 0; i < n; i++) out[i] += wk * s[i];
  }
}

typedef struct {
  float *acc, *pad, *out, *orig;
  double *sum; /* box blur column sums */
} scratch_t;

static int box_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                   ofl__stop_fn stop, void *arg, scratch_t *t) {
  const ofl_image_t *s = &p->src;
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch;
  const int64_t r = p->op.radius;
  const ofl_image_edge_t e = OFL_IMAGE_EDGE_CLAMP;
  const double inv = 1.0 / ((double)(2 * r + 1) * (double)(2 * r + 1));
  memset(t->sum, 0, n * sizeof(double));
  /* Adds (sign 1) or removes (-1) source row edge(y) from the sums. */
#define BOX_ROW(yy, sign)                                                   \
  do {                                                                      \
    ofl__load_row(s, (uint32_t)ofl__edge((yy), s->height, e), t->acc);      \
    for (size_t i = 0; i < n; i++) t->sum[i] += (sign) * (double)t->acc[i]; \
  } while (0)
  for (int64_t j = -r; j <= r; j++) BOX_ROW((int64_t)y0 + j, 1.0);
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL) {
      const int err = stop(arg);
      if (err != 0) return err;
    }
    if (y > y0) {
      BOX_ROW((int64_t)y + r, 1.0);
      BOX_ROW((int64_t)y - r - 1, -1.0);
    }
    for (uint32_t c = 0; c < ch; c++) {
      double run = 0;
      for (int64_t j = -r; j <= r; j++)
        run += t->sum[(size_t)ofl__edge(j, w, e) * ch + c];
      for (uint32_t x = 0; x < w; x++) {
        if (x > 0)
          run += t->sum[(size_t)ofl__edge((int64_t)x + r, w, e) * ch + c] -
                 t->sum[(size_t)ofl__edge((int64_t)x - r - 1, w, e) * ch + c];
        t->out[(size_t)x * ch + c] = (float)(run * inv);
      }
    }
    ofl__store_row(&p->dst, y, t->out);
  }
#undef BOX_ROW
  return 0;
}

int ofl__filter_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                    ofl__stop_fn stop, void *arg) {
  if (p->int_path != 0) return ofl__filter_u8_run(p, y0, y1, stop, arg);
  const ofl_image_t *s = &p->src;
  const ofl_image_op_t *o = &p->op;
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch;
  const uint32_t r = o->kind == OFL_IMAGE_OP_BOX_BLUR ? 0 : p->kw / 2;
  scratch_t t = {0};
  t.acc = malloc(n * sizeof(float));
  t.out = malloc(n * sizeof(float));
  t.orig = malloc(n * sizeof(float));
  t.pad = malloc(((size_t)w + 2 * (size_t)r) * ch * sizeof(float));
  if (o->kind == OFL_IMAGE_OP_BOX_BLUR) t.sum = malloc(n * sizeof(double));
  int err = 0;
  if (t.acc == NULL || t.out == NULL || t.orig == NULL || t.pad == NULL ||
      (o->kind == OFL_IMAGE_OP_BOX_BLUR && t.sum == NULL))
    err = OFL_ENOMEM;
  else if (o->kind == OFL_IMAGE_OP_BOX_BLUR)
    err = box_run(p, y0, y1, stop, arg, &t);
  const ofl_image_edge_t e =
      o->kind == OFL_IMAGE_OP_CONVOLVE ? o->edge : OFL_IMAGE_EDGE_CLAMP;
  const float inv = (float)(1.0 / p->scale), off = (float)o->offset;
  const int sharpen = o->kind == OFL_IMAGE_OP_SHARPEN;
  const int keep_a = sharpen && ofl__has_alpha(ch);
  for (uint32_t y = y0; y < y1 && err == 0 && o->kind != OFL_IMAGE_OP_BOX_BLUR;
       y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    if (p->separable) {
      vpass(s, y, p->ky, p->kh, e, t.acc);
      pad_row(t.acc, w, ch, r, e, t.pad);
      hpass(t.pad, n, ch, p->kx, p->kw, t.out, 0);
    } else {
      memset(t.out, 0, n * sizeof(float));
      for (uint32_t j = 0; j < p->kh; j++) {
        const int64_t sy = ofl__edge((int64_t)y + j - p->kh / 2, s->height, e);
        if (sy < 0) continue;
        ofl__load_row(s, (uint32_t)sy, t.acc);
        pad_row(t.acc, w, ch, r, e, t.pad);
        hpass(t.pad, n, ch, p->kernel + (size_t)j * p->kw, p->kw, t.out, 1);
      }
    }
    if (o->kind == OFL_IMAGE_OP_CONVOLVE) {
      for (size_t i = 0; i < n; i++) t.out[i] = t.out[i] * inv + off;
    } else if (sharpen) {
      const float amt = (float)o->amount, th = (float)o->threshold;
      ofl__load_row(s, y, t.orig);
      for (size_t i = 0; i < n; i++) {
        const float d = t.orig[i] - t.out[i];
        t.out[i] = fabsf(d) > th ? t.orig[i] + amt * d : t.orig[i];
      }
      if (keep_a)
        for (uint32_t x = 0; x < w; x++)
          t.out[(size_t)x * ch + ch - 1] = t.orig[(size_t)x * ch + ch - 1];
    }
    ofl__store_row(&p->dst, y, t.out);
  }
  free(t.acc);
  free(t.out);
  free(t.orig);
  free(t.pad);
  free(t.sum);
  return err;
}
