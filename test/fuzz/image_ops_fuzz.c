/* Every image op with random geometry, format, channels, strides, band
 * split and parameters (from the input bytes, which also fill the
 * pixels). Checks: a plan that builds runs without error; two bands give
 * the same bytes as one; a point op in place equals the op out of place;
 * stats and histogram over two bands equal one pass. abort() on any
 * mismatch. Sizes are bounded so one input runs in milliseconds. */
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

static int same(const ofl_image_t *a, const ofl_image_t *b) {
  const size_t ss = ssize(a->format), row = (size_t)a->width * a->channels * ss;
  for (uint32_t y = 0; y < a->height; y++)
    if (memcmp((const uint8_t *)a->data + y * a->stride * ss,
               (const uint8_t *)b->data + y * b->stride * ss, row) != 0)
      return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8) return 0;
  rd_t r = {data, size, 0};
  const uint32_t kind = next(&r) % (OFL_IMAGE_OP_COUNT + 2);
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
  op.premultiplied = next(&r) & 1;
  op.blend = (ofl_image_blend_t)(next(&r) % 4), op.opacity = unit(&r);
  op.kw = 1 + 2 * (next(&r) % 4), op.kh = 1 + 2 * (next(&r) % 4);
  float kernel[49];
  for (int i = 0; i < 49; i++) kernel[i] = (float)(next(&r) % 9) - 3.0f;
  op.kernel = kernel;
  op.scale = next(&r) % 3 == 0 ? 0 : next(&r) % 5, op.offset = next(&r) % 4;
  uint8_t t8[256];
  uint16_t *t16 = malloc(65536 * 2);
  if (t16 == NULL) abort();
  for (int i = 0; i < 256; i++) t8[i] = next(&r);
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
