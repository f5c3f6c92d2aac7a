/* Point operations: each output pixel depends on one input pixel. 8-bit
 * per-sample ops (threshold, negate, linear, gamma, lut) become one
 * 256-entry table per channel built at plan time, so their inner loop is a
 * byte lookup; everything else goes through one float row. Rows are read
 * whole before being written, which is what makes dst == src safe. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

/* Rec. 709 luma weights; the 16-bit ones sum to exactly 65536. */
#define KR 0.2126f
#define KG 0.7152f
#define KB 0.0722f
#define KR16 13933
#define KG16 46871
#define KB16 4732

static int per_sample(ofl_image_op_kind_t k) {
  return k == OFL_IMAGE_OP_THRESHOLD || k == OFL_IMAGE_OP_NEGATE ||
         k == OFL_IMAGE_OP_LINEAR || k == OFL_IMAGE_OP_GAMMA ||
         k == OFL_IMAGE_OP_LUT;
}

/* Is channel c left alone? (alpha, unless the op asked for it) */
static int skip_channel(const ofl_image_op_plan_t *p, uint32_t c) {
  return !p->op.alpha && !p->op.per_channel &&
         ofl__has_alpha(p->src.channels) && c == p->src.channels - 1;
}

/* The per-sample ops, on a value v of channel c, before rounding. */
static OFL__INLINE float sample_op(const ofl_image_op_plan_t *p, float v,
                                   uint32_t c, float max) {
  const ofl_image_op_t *o = &p->op;
  switch (o->kind) {
    case OFL_IMAGE_OP_THRESHOLD:
      return v >= (float)o->value ? max : 0.0f;
    case OFL_IMAGE_OP_NEGATE:
      return max - v;
    case OFL_IMAGE_OP_LINEAR:
      return (float)(o->a[c] * v + o->b[c]);
    case OFL_IMAGE_OP_GAMMA:
      return v <= 0.0f ? 0.0f : (float)(max * pow(v / max, 1.0 / o->value));
    case OFL_IMAGE_OP_LUT: {
      const uint32_t i = (uint32_t)v + (o->per_channel ? 256 * c : 0);
      return p->src.format == OFL_IMAGE_U8
                 ? (float)((const uint8_t *)p->table)[i]
                 : (float)((const uint16_t *)p->table)[i];
    }
    default:
      return v;
  }
}

int ofl__point_prepare(ofl_image_op_plan_t *p) {
  if (!per_sample(p->op.kind) || p->src.format != OFL_IMAGE_U8) return 0;
  const uint32_t ch = p->src.channels;
  uint8_t *lut = malloc((size_t)ch * 256);
  if (lut == NULL) return OFL_ENOMEM;
  for (uint32_t c = 0; c < ch; c++) {
    float out[256];
    for (int v = 0; v < 256; v++)
      out[v] = skip_channel(p, c) ? (float)v : sample_op(p, (float)v, c, 255);
    ofl__store(OFL_IMAGE_U8, lut + (size_t)c * 256, out, 256);
  }
  p->lut = lut;
  p->bytes += (size_t)ch * 256;
  return 0;
}

static void lut_row_u8(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                       uint32_t w, uint32_t ch) {
  if (ofl__lut_row_u8_simd(lut, s, d, (size_t)w * ch, ch)) return;
  switch (ch) {
    case 1:
      for (uint32_t x = 0; x < w; x++) d[x] = lut[s[x]];
      break;
    case 3:
      for (uint32_t x = 0; x < w; x++) {
        d[3 * x] = lut[s[3 * x]];
        d[3 * x + 1] = lut[256 + s[3 * x + 1]];
        d[3 * x + 2] = lut[512 + s[3 * x + 2]];
      }
      break;
    case 4:
      for (uint32_t x = 0; x < w; x++) {
        d[4 * x] = lut[s[4 * x]];
        d[4 * x + 1] = lut[256 + s[4 * x + 1]];
        d[4 * x + 2] = lut[512 + s[4 * x + 2]];
        d[4 * x + 3] = lut[768 + s[4 * x + 3]];
      }
      break;
    default:
      for (uint32_t x = 0; x < w; x++)
        for (uint32_t c = 0; c < ch; c++)
          d[ch * x + c] = lut[256 * c + s[ch * x + c]];
      break;
  }
}

/* negate of every channel is one byte op that vectorises; a table lookup
 * is several times slower. */
static void negate_row_u8(const uint8_t *s, uint8_t *d, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = (uint8_t)(255 - s[i]);
}

static void gray_row_u8(const uint8_t *s, uint8_t *d, uint32_t w, uint32_t ch,
                        int keep) {
  if (ofl__gray_row_u8_simd(s, d, w, ch, keep, KR16, KG16, KB16)) return;
  const uint32_t dch = keep ? 2 : 1;
  for (uint32_t x = 0; x < w; x++) {
    const uint8_t *px = s + (size_t)x * ch;
    uint32_t y = px[0];
    if (ch >= 3)
      y = (KR16 * (uint32_t)px[0] + KG16 * (uint32_t)px[1] +
           KB16 * (uint32_t)px[2] + 32768) >>
          16;
    d[(size_t)x * dch] = (uint8_t)y;
    if (keep) d[(size_t)x * dch + 1] = px[ch - 1];
  }
}

/* One pixel of the float path: in has the source's channels, out the
 * destination's. */
static void pixel_op(const ofl_image_op_plan_t *p, const float *in, float *out,
                     float max) {
  const ofl_image_op_t *o = &p->op;
  const uint32_t ch = p->src.channels;
  const int alpha = ofl__has_alpha(ch);
  const uint32_t colour = alpha ? ch - 1 : ch;
  const float a = alpha ? in[ch - 1] : max;
  switch (o->kind) {
    case OFL_IMAGE_OP_GRAYSCALE: {
      out[0] = ch >= 3 ? KR * in[0] + KG * in[1] + KB * in[2] : in[0];
      if (p->dst.channels == 2) out[1] = a;
      return;
    }
    case OFL_IMAGE_OP_MODULATE: {
      const float y = ch >= 3 ? KR * in[0] + KG * in[1] + KB * in[2] : in[0];
      const float s = (float)o->saturation, b = (float)o->amount;
      for (uint32_t c = 0; c < colour; c++) out[c] = (y + s * (in[c] - y)) * b;
      if (alpha) out[ch - 1] = a;
      return;
    }
    case OFL_IMAGE_OP_PREMULTIPLY:
      for (uint32_t c = 0; c < colour; c++) out[c] = in[c] * a / max;
      out[ch - 1] = a;
      return;
    case OFL_IMAGE_OP_UNPREMULTIPLY:
      for (uint32_t c = 0; c < colour; c++)
        out[c] = a > 0.0f ? in[c] * max / a : 0.0f;
      out[ch - 1] = a;
      return;
    case OFL_IMAGE_OP_EXTRACT_CHANNEL:
      out[0] = in[o->channel];
      return;
    default:
      for (uint32_t c = 0; c < ch; c++)
        out[c] = skip_channel(p, c) ? in[c] : sample_op(p, in[c], c, max);
      return;
  }
}

/* joinChannels: byte copies, any format. */
static int join_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                    ofl__stop_fn stop, void *arg) {
  const ofl_image_t *a = &p->src, *b = &p->other, *d = &p->dst;
  const size_t ss = ofl__ssize(a->format);
  const size_t pa = a->channels * ss, pb = b->channels * ss, pd = pa + pb;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL) {
      const int err = stop(arg);
      if (err != 0) return err;
    }
    const uint8_t *ra = ofl__row(a, y), *rb = ofl__row(b, y);
    uint8_t *rd = ofl__row(d, y);
    for (uint32_t x = 0; x < a->width; x++) {
      memcpy(rd + x * pd, ra + x * pa, pa);
      memcpy(rd + x * pd + pa, rb + x * pb, pb);
    }
  }
  return 0;
}

int ofl__point_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                   ofl__stop_fn stop, void *arg) {
  if (p->op.kind == OFL_IMAGE_OP_JOIN_CHANNELS)
    return join_run(p, y0, y1, stop, arg);
  const ofl_image_t *s = &p->src, *d = &p->dst;
  const uint32_t w = s->width, sch = s->channels, dch = d->channels;
  const ofl_image_op_kind_t k = p->op.kind;
  float *in = NULL, *out = NULL;
  const int u8_lut = p->lut != NULL;
  const int u8_negate = u8_lut && k == OFL_IMAGE_OP_NEGATE &&
                        (p->op.alpha || !ofl__has_alpha(sch));
  const int u8_gray = k == OFL_IMAGE_OP_GRAYSCALE && s->format == OFL_IMAGE_U8;
  if (!u8_lut && !u8_gray) {
    in = malloc((size_t)w * sch * sizeof(float));
    out = malloc((size_t)w * dch * sizeof(float));
    if (in == NULL || out == NULL) {
      free(in);
      free(out);
      return OFL_ENOMEM;
    }
  }
  const float max = (float)ofl__fmax(s->format);
  double scale = p->op.value;
  if (k == OFL_IMAGE_OP_CONVERT && scale == 0)
    scale = ofl__fmax(d->format) / ofl__fmax(s->format);
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    const uint8_t *sr = ofl__row(s, y);
    uint8_t *dr = ofl__row(d, y);
    if (u8_negate) {
      negate_row_u8(sr, dr, (size_t)w * sch);
      continue;
    }
    if (u8_lut) {
      lut_row_u8(p->lut, sr, dr, w, sch);
      continue;
    }
    if (u8_gray) {
      gray_row_u8(sr, dr, w, sch, dch == 2);
      continue;
    }
    ofl__load_row(s, y, in);
    if (k == OFL_IMAGE_OP_CONVERT) {
      const float f = (float)scale;
      for (size_t i = 0; i < (size_t)w * sch; i++) out[i] = in[i] * f;
    } else {
      for (uint32_t x = 0; x < w; x++)
        pixel_op(p, in + (size_t)x * sch, out + (size_t)x * dch, max);
    }
    ofl__store_row(d, y, out);
  }
  free(in);
  free(out);
  return err;
}
