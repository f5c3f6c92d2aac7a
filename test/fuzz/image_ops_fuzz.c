/* Every image op with random geometry, format, channels, strides, band
 * split and parameters (from the input bytes, which also fill the
 * pixels). Checks: a plan that builds runs without error; two bands give
 * the same bytes as one; a point op in place equals the op out of place;
 * stats and histogram over two bands equal one pass. Pipelines: a random
 * chain of point ops (u8 table runs among them), sobel with or without
 * direction, grayscale and flip, run op by op and again with every run of
 * adjacent u8 table ops fused (ofl_image_fuse_u8, one per-channel lut):
 * the same bytes; then a stats or histogram end over two bands equals one
 * pass and counts every sample. abort() on any mismatch. Sizes are
 * bounded so one input runs in milliseconds. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_errors.h"
#include "ofl_image.h"

#define MAX_SIDE 40u

typedef struct {
  const uint8_t *p;
  size_t n, i;
} rd_t;

static uint8_t next(rd_t *r) {
  return r->n ? r->p[r->i++ % r->n] : 0;
}
static double unit(rd_t *r) {
  return next(r) / 255.0;
}

static size_t ssize(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 4 : f == OFL_IMAGE_U16 ? 2 : 1;
}

/* An image view over a fresh buffer (8-byte aligned), filled from r. */
static void *make(rd_t *r, ofl_image_t *v, uint32_t w, uint32_t h, uint32_t ch,
                  ofl_image_format_t f, uint32_t pad) {
  v->width = w, v->height = h, v->channels = ch, v->format = f;
  v->stride = (size_t)w * ch + pad;
  v->len = v->stride * (h - 1) + (size_t)w * ch;
  void *buf = calloc(v->len + 1, 8);
  if (buf == NULL) abort();
  for (size_t i = 0; i < v->len; i++) {
    const uint8_t b = next(r);
    if (f == OFL_IMAGE_U8)
      ((uint8_t *)buf)[i] = b;
    else if (f == OFL_IMAGE_U16)
      ((uint16_t *)buf)[i] = (uint16_t)(b * 257);
    else
      ((float *)buf)[i] = b / 255.0f;
  }
  v->data = buf;
  return buf;
}

static double fmax_of(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 1.0 : f == OFL_IMAGE_U16 ? 65535.0 : 255.0;
}

static int same(const ofl_image_t *a, const ofl_image_t *b) {
  const size_t ss = ssize(a->format), row = (size_t)a->width * a->channels * ss;
  for (uint32_t y = 0; y < a->height; y++)
    if (memcmp((const uint8_t *)a->data + y * a->stride * ss,
               (const uint8_t *)b->data + y * b->stride * ss, row) != 0)
      return 0;
  return 1;
}

#define MAX_CHAIN 10u

/* One random pipeline step for an image of `ch` channels and format f;
 * t8 backs a lut's table. */
static ofl_image_op_t chain_step(rd_t *r, uint32_t ch, ofl_image_format_t f,
                                 uint8_t *t8) {
  ofl_image_op_t op;
  memset(&op, 0, sizeof(op));
  op.alpha = next(r) & 1;
  switch (next(r) % 8) {
    case 0:
      op.kind = OFL_IMAGE_OP_THRESHOLD, op.value = unit(r) * fmax_of(f);
      break;
    case 1:
      op.kind = OFL_IMAGE_OP_NEGATE;
      break;
    case 2:
      op.kind = OFL_IMAGE_OP_LINEAR;
      for (int i = 0; i < 4; i++)
        op.a[i] = 3 * unit(r) - 1, op.b[i] = (unit(r) - 0.5) * fmax_of(f);
      break;
    case 3:
      op.kind = OFL_IMAGE_OP_GAMMA, op.value = 0.1 + 5 * unit(r);
      break;
    case 4:
      if (f != OFL_IMAGE_U8) {
        op.kind = OFL_IMAGE_OP_NEGATE;
        break;
      }
      op.kind = OFL_IMAGE_OP_LUT;
      for (int i = 0; i < 256; i++) t8[i] = next(r);
      op.table = t8;
      break;
    case 5:
      op.kind = OFL_IMAGE_OP_SOBEL, op.direction = ch == 1 && (next(r) & 1);
      break;
    case 6:
      op.kind = OFL_IMAGE_OP_GRAYSCALE, op.keep_alpha = next(r) & 1;
      break;
    default:
      op.kind = OFL_IMAGE_OP_FLIP;
      break;
  }
  return op;
}

/* A packed image of this shape (no fill). */
static void *blank(const ofl_image_t *shape, ofl_image_t *v) {
  *v = *shape;
  v->stride = (size_t)v->width * v->channels;
  v->len = v->stride * v->height;
  void *buf = calloc(v->len + 1, 8);
  if (buf == NULL) abort();
  v->data = buf;
  return buf;
}

/* op on *cur into a fresh image, which replaces *cur (and its buffer). */
static void apply(const ofl_image_op_t *op, ofl_image_t *cur, void **buf) {
  ofl_image_t shape, out;
  if (ofl_image_op_dst_shape(op, cur, NULL, &shape) != 0) abort();
  void *ob = blank(&shape, &out);
  if (ofl_image_op(op, cur, NULL, &out) != 0) abort();
  free(*buf);
  *buf = ob;
  *cur = out;
}

static int pipeline_case(rd_t *r) {
  const ofl_image_format_t f = (ofl_image_format_t)(next(r) % 3);
  const uint32_t w = 1 + next(r) % MAX_SIDE, h = 1 + next(r) % MAX_SIDE;
  const uint32_t ch = 1 + next(r) % 4, n = 1 + next(r) % MAX_CHAIN;
  ofl_image_t src;
  void *sbuf = make(r, &src, w, h, ch, f, next(r) % 3);
  ofl_image_op_t ops[MAX_CHAIN];
  static uint8_t t8[MAX_CHAIN][256];
  /* Build the chain against the shapes it produces. */
  ofl_image_t shape = src, next_shape;
  for (uint32_t i = 0; i < n; i++) {
    ops[i] = chain_step(r, shape.channels, f, t8[i]);
    if (ofl_image_op_dst_shape(&ops[i], &shape, NULL, &next_shape) != 0)
      abort();
    shape.width = next_shape.width, shape.height = next_shape.height;
    shape.channels = next_shape.channels;
  }
  /* A: op by op. */
  ofl_image_t a = src;
  void *abuf = NULL;
  for (uint32_t i = 0; i < n; i++) apply(&ops[i], &a, &abuf);
  /* B: runs of u8 table ops fused. */
  ofl_image_t b = src;
  void *bbuf = NULL;
  for (uint32_t i = 0; i < n;) {
    uint32_t j = i;
    while (j < n && ofl_image_op_is_table(&ops[j], b.format)) j++;
    if (j - i >= 2) {
      uint8_t table[256 * OFL_IMAGE_MAX_CHANNELS];
      if (ofl_image_fuse_u8(ops + i, j - i, b.channels, table) != 0) abort();
      ofl_image_op_t lut;
      memset(&lut, 0, sizeof(lut));
      lut.kind = OFL_IMAGE_OP_LUT, lut.per_channel = 1, lut.table = table;
      apply(&lut, &b, &bbuf);
      i = j;
    } else {
      apply(&ops[i], &b, &bbuf);
      i++;
    }
  }
  if (a.width != b.width || a.height != b.height || a.channels != b.channels ||
      !same(&a, &b))
    abort();
  /* The reduction end, over two bands and one pass. */
  const uint32_t cut = next(r) % (a.height + 1), c = a.channels;
  if (next(r) & 1) {
    ofl_image_stats_t one, top, bottom;
    ofl_image_stats_init(&one, c), ofl_image_stats_init(&top, c);
    ofl_image_stats_init(&bottom, c);
    if (ofl_image_stats_rows(&a, 0, a.height, &one, NULL, NULL) != 0 ||
        ofl_image_stats_rows(&a, 0, cut, &top, NULL, NULL) != 0 ||
        ofl_image_stats_rows(&a, cut, a.height, &bottom, NULL, NULL) != 0)
      abort();
    ofl_image_stats_merge(&top, &bottom);
    if (one.pixels != (uint64_t)a.width * a.height || top.pixels != one.pixels)
      abort();
    for (uint32_t k = 0; k < c; k++) {
      const ofl_image_channel_stats_t *x = &one.ch[k], *y = &top.ch[k];
      if (x->min != y->min || x->max != y->max || x->min_x != y->min_x ||
          x->min_y != y->min_y || x->max_x != y->max_x || x->max_y != y->max_y)
        abort();
      /* min > max only for a channel with no sample but NaN (f32 gamma of
       * a negative value): stats then report +inf and -inf. */
      if (x->min > x->max && !(x->min == INFINITY && x->max == -INFINITY))
        abort();
      /* Integer sums are exact whatever the split. */
      if (a.format != OFL_IMAGE_F32 &&
          (x->sum != y->sum || x->squares_sum != y->squares_sum))
        abort();
    }
  } else {
    const uint32_t bins = 1 + next(r) * 3u;
    uint32_t *one = calloc((size_t)c * bins, 4),
             *two = calloc((size_t)c * bins, 4);
    if (one == NULL || two == NULL) abort();
    if (ofl_image_histogram_rows(&a, bins, 0, a.height, one, NULL, NULL) != 0 ||
        ofl_image_histogram_rows(&a, bins, 0, cut, two, NULL, NULL) != 0 ||
        ofl_image_histogram_rows(&a, bins, cut, a.height, two, NULL, NULL) !=
            0 ||
        memcmp(one, two, (size_t)c * bins * 4) != 0)
      abort();
    for (uint32_t k = 0; k < c; k++) {
      uint64_t total = 0;
      for (uint32_t i = 0; i < bins; i++) total += one[(size_t)k * bins + i];
      if (total != (uint64_t)a.width * a.height) abort();
    }
    free(one), free(two);
  }
  free(abuf), free(bbuf), free(sbuf);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8) return 0;
  rd_t r = {data, size, 0};
  const uint32_t kind = next(&r) % (OFL_IMAGE_OP_COUNT + 3);
  if (kind == OFL_IMAGE_OP_COUNT + 2) return pipeline_case(&r);
  const ofl_image_format_t f = (ofl_image_format_t)(next(&r) % 3);
  const uint32_t w = 1 + next(&r) % MAX_SIDE, h = 1 + next(&r) % MAX_SIDE;
  const uint32_t ch = 1 + next(&r) % 4, pad = next(&r) % 3;
  ofl_image_t src;
  void *sbuf = make(&r, &src, w, h, ch, f, pad);
  if (kind >= OFL_IMAGE_OP_COUNT) { /* stats or histogram */
    const uint32_t cut = next(&r) % (h + 1);
    if (kind == OFL_IMAGE_OP_COUNT) {
      ofl_image_stats_t a, b, c;
      ofl_image_stats_init(&a, ch), ofl_image_stats_init(&b, ch);
      ofl_image_stats_init(&c, ch);
      if (ofl_image_stats_rows(&src, 0, h, &a, NULL, NULL) != 0 ||
          ofl_image_stats_rows(&src, 0, cut, &b, NULL, NULL) != 0 ||
          ofl_image_stats_rows(&src, cut, h, &c, NULL, NULL) != 0)
        abort();
      ofl_image_stats_merge(&b, &c);
      for (uint32_t k = 0; k < ch; k++)
        if (a.ch[k].min != b.ch[k].min || a.ch[k].max_x != b.ch[k].max_x ||
            a.ch[k].min_y != b.ch[k].min_y || a.pixels != b.pixels)
          abort();
    } else {
      const uint32_t bins = 1 + next(&r) * 7u;
      uint32_t *one = calloc((size_t)ch * bins, 4),
               *two = calloc((size_t)ch * bins, 4);
      if (one == NULL || two == NULL) abort();
      if (ofl_image_histogram_rows(&src, bins, 0, h, one, NULL, NULL) != 0 ||
          ofl_image_histogram_rows(&src, bins, 0, cut, two, NULL, NULL) != 0 ||
          ofl_image_histogram_rows(&src, bins, cut, h, two, NULL, NULL) != 0 ||
          memcmp(one, two, (size_t)ch * bins * 4) != 0)
        abort();
      free(one), free(two);
    }
    free(sbuf);
    return 0;
  }
  ofl_image_op_t op;
  memset(&op, 0, sizeof(op));
  op.kind = (ofl_image_op_kind_t)kind;
  op.left = next(&r) % (w + 2) - (kind == OFL_IMAGE_OP_COMPOSITE ? 1 : 0);
  op.top = next(&r) % (h + 2) - (kind == OFL_IMAGE_OP_COMPOSITE ? 1 : 0);
  op.width = 1 + next(&r) % (MAX_SIDE + 4);
  op.height = 1 + next(&r) % (MAX_SIDE + 4);
  if (kind == OFL_IMAGE_OP_EXTEND) op.width += w, op.height += h;
  op.format = (ofl_image_format_t)(next(&r) % 3);
  op.edge = (ofl_image_edge_t)(next(&r) % 4);
  for (int i = 0; i < 4; i++)
    op.color[i] = next(&r), op.a[i] = 2 * unit(&r) - 0.5,
    op.b[i] = next(&r) - 128.0;
  op.value = 0.3 + 6 * unit(&r);
  op.amount = 3 * unit(&r), op.threshold = next(&r) % 8,
  op.saturation = 2 * unit(&r);
  op.radius = next(&r) % 9, op.size = 3 + 2 * (next(&r) % 3),
  op.channel = next(&r) % 4;
  op.alpha = next(&r) & 1, op.keep_alpha = next(&r) & 1,
  op.premultiplied = next(&r) & 1, op.direction = next(&r) & 1;
  op.per_channel = kind == OFL_IMAGE_OP_LUT && (next(&r) & 1);
  op.blend = (ofl_image_blend_t)(next(&r) % 4), op.opacity = unit(&r);
  op.kw = 1 + 2 * (next(&r) % 4), op.kh = 1 + 2 * (next(&r) % 4);
  float kernel[49];
  for (int i = 0; i < 49; i++) kernel[i] = (float)(next(&r) % 9) - 3.0f;
  op.kernel = kernel;
  op.scale = next(&r) % 3 == 0 ? 0 : next(&r) % 5, op.offset = next(&r) % 4;
  uint8_t t8[256 * OFL_IMAGE_MAX_CHANNELS]; /* per_channel: one per channel */
  uint16_t *t16 = malloc(65536 * 2);
  if (t16 == NULL) abort();
  for (size_t i = 0; i < sizeof(t8); i++) t8[i] = next(&r);
  for (int i = 0; i < 65536; i++) t16[i] = (uint16_t)(i * 31u);
  op.table = f == OFL_IMAGE_U16 ? (const void *)t16 : (const void *)t8;
  ofl_image_t other = {0};
  void *obuf = NULL;
  if (kind == OFL_IMAGE_OP_COMPOSITE || kind == OFL_IMAGE_OP_JOIN_CHANNELS) {
    const uint32_t och = kind == OFL_IMAGE_OP_JOIN_CHANNELS ? 1 + next(&r) % 3
                         : ch <= 2                          ? 1 + next(&r) % 2
                                                            : 3 + next(&r) % 2;
    obuf = make(&r, &other,
                kind == OFL_IMAGE_OP_COMPOSITE ? 1 + next(&r) % MAX_SIDE : w,
                kind == OFL_IMAGE_OP_COMPOSITE ? 1 + next(&r) % MAX_SIDE : h,
                och, f, next(&r) % 2);
  }
  ofl_image_t shape, d1, d2;
  if (ofl_image_op_dst_shape(&op, &src, obuf ? &other : NULL, &shape) == 0) {
    void *b1 = make(&r, &d1, shape.width, shape.height, shape.channels,
                    shape.format, 1);
    void *b2 = make(&r, &d2, shape.width, shape.height, shape.channels,
                    shape.format, 0);
    ofl_image_op_plan_t *p = NULL;
    const int err =
        ofl_image_op_plan_create(&op, &src, obuf ? &other : NULL, &d1, &p);
    if (err == 0) {
      const uint32_t cut = next(&r) % (shape.height + 1);
      if (ofl_image_op_plan_run(p, 0, shape.height, NULL, NULL) != 0) abort();
      ofl_image_op_plan_free(p);
      if (ofl_image_op_plan_create(&op, &src, obuf ? &other : NULL, &d2, &p) !=
              0 ||
          ofl_image_op_plan_run(p, 0, cut, NULL, NULL) != 0 ||
          ofl_image_op_plan_run(p, cut, shape.height, NULL, NULL) != 0 ||
          !same(&d1, &d2))
        abort();
      ofl_image_op_plan_free(p);
      /* In place, for the ops that allow it (same shape and format). */
      if (shape.width == w && shape.height == h && shape.channels == ch &&
          shape.format == f && kind >= OFL_IMAGE_OP_GRAYSCALE &&
          kind <= OFL_IMAGE_OP_CONVERT && kind != OFL_IMAGE_OP_JOIN_CHANNELS &&
          kind != OFL_IMAGE_OP_EXTRACT_CHANNEL) {
        if (ofl_image_op(&op, &src, NULL, &src) != 0 || !same(&src, &d1))
          abort();
      }
      /* Composite onto its own base. */
      if (kind == OFL_IMAGE_OP_COMPOSITE) {
        if (ofl_image_op(&op, &src, &other, &src) != 0 || !same(&src, &d1))
          abort();
      }
    } else if (err != OFL_EINVAL && err != OFL_ERANGE) {
      abort();
    }
    free(b1), free(b2);
  }
  free(t16), free(obuf), free(sbuf);
  return 0;
}
