/* Geometry: flips, rotations, transpose, extract and extend. Pure sample
 * copies, so one code path serves every format (a pixel is `px` bytes).
 * Rotations and transpose read the source in column order; they walk
 * tiles of TILE x TILE pixels so both sides stay in cache. */
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

#define TILE 32u

/* A pixel copy the compiler can inline for the common sizes. */
static OFL__INLINE void copy_px(uint8_t *d, const uint8_t *s, size_t px) {
  switch (px) {
    case 1:
      *d = *s;
      break;
    case 2:
      memcpy(d, s, 2);
      break;
    case 3:
      memcpy(d, s, 3);
      break;
    case 4:
      memcpy(d, s, 4);
      break;
    case 8:
      memcpy(d, s, 8);
      break;
    case 16:
      memcpy(d, s, 16);
      break;
    default:
      memcpy(d, s, px);
      break;
  }
}

/* dst(x, y) = src(sx, sy) where (sx, sy) = A*x + B*y + C per axis; the
 * rotations are the four sign/swap patterns of this map. */
static int remap(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                 ofl__stop_fn stop, void *arg) {
  const ofl_image_t *s = &p->src, *d = &p->dst;
  const size_t px = (size_t)s->channels * ofl__ssize(s->format);
  const size_t sstride = s->stride * ofl__ssize(s->format);
  const int64_t W = s->width, H = s->height;
  const ofl_image_op_kind_t k = p->op.kind;
  for (uint32_t ty = y0; ty < y1; ty += TILE) {
    if (stop != NULL) {
      const int e = stop(arg);
      if (e != 0) return e;
    }
    const uint32_t ty1 = y1 - ty < TILE ? y1 : ty + TILE;
    for (uint32_t tx = 0; tx < d->width; tx += TILE) {
      const uint32_t tx1 = d->width - tx < TILE ? d->width : tx + TILE;
      for (uint32_t y = ty; y < ty1; y++) {
        uint8_t *o = ofl__row(d, y) + (size_t)tx * px;
        for (uint32_t x = tx; x < tx1; x++, o += px) {
          int64_t sx, sy;
          switch (k) {
            case OFL_IMAGE_OP_ROTATE90:
              sx = y;
              sy = H - 1 - x;
              break;
            case OFL_IMAGE_OP_ROTATE270:
              sx = W - 1 - y;
              sy = x;
              break;
            default:
              sx = y;
              sy = x;
              break; /* transpose */
          }
          copy_px(
              o,
              (const uint8_t *)s->data + (size_t)sy * sstride + (size_t)sx * px,
              px);
        }
      }
    }
  }
  return 0;
}

static void reverse_row(uint8_t *o, const uint8_t *r, uint32_t w, size_t px) {
  for (uint32_t x = 0; x < w; x++)
    copy_px(o + (size_t)x * px, r + (size_t)(w - 1 - x) * px, px);
}

/* Fills n pixels with the background colour (already in samples). */
static void fill_px(uint8_t *o, const uint8_t *colour, uint32_t n, size_t px) {
  for (uint32_t x = 0; x < n; x++) copy_px(o + (size_t)x * px, colour, px);
}

static void extend_row(const ofl_image_op_plan_t *p, uint32_t y,
                       const uint8_t *colour) {
  const ofl_image_t *s = &p->src, *d = &p->dst;
  const size_t px = (size_t)s->channels * ofl__ssize(s->format);
  uint8_t *o = ofl__row(d, y);
  const ofl_image_edge_t e = p->op.edge;
  const int64_t sy = ofl__edge((int64_t)y - p->op.top, s->height, e);
  if (sy < 0) {
    fill_px(o, colour, d->width, px);
    return;
  }
  const uint8_t *r = ofl__row(s, (uint32_t)sy);
  const uint32_t left = (uint32_t)p->op.left;
  memcpy(o + (size_t)left * px, r, (size_t)s->width * px);
  for (uint32_t x = 0; x < d->width; x++) {
    if (x == left) x += s->width; /* the copied middle */
    if (x >= d->width) break;
    const int64_t sx = ofl__edge((int64_t)x - left, s->width, e);
    if (sx < 0)
      copy_px(o + (size_t)x * px, colour, px);
    else
      copy_px(o + (size_t)x * px, r + (size_t)sx * px, px);
  }
}

int ofl__geom_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                  ofl__stop_fn stop, void *arg) {
  const ofl_image_op_kind_t k = p->op.kind;
  if (k == OFL_IMAGE_OP_ROTATE90 || k == OFL_IMAGE_OP_ROTATE270 ||
      k == OFL_IMAGE_OP_TRANSPOSE)
    return remap(p, y0, y1, stop, arg);
  const ofl_image_t *s = &p->src, *d = &p->dst;
  const size_t ss = ofl__ssize(s->format);
  const size_t px = (size_t)s->channels * ss;
  const size_t row = (size_t)d->width * px;
  uint8_t colour[16];
  if (k == OFL_IMAGE_OP_EXTEND) {
    float c[4];
    for (uint32_t i = 0; i < s->channels; i++) c[i] = (float)p->op.color[i];
    ofl__store(s->format, colour, c, s->channels);
  }
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL) {
      const int e = stop(arg);
      if (e != 0) return e;
    }
    uint8_t *o = ofl__row(d, y);
    switch (k) {
      case OFL_IMAGE_OP_FLIP:
        memcpy(o, ofl__row(s, s->height - 1 - y), row);
        break;
      case OFL_IMAGE_OP_FLOP:
        reverse_row(o, ofl__row(s, y), s->width, px);
        break;
      case OFL_IMAGE_OP_ROTATE180:
        reverse_row(o, ofl__row(s, s->height - 1 - y), s->width, px);
        break;
      case OFL_IMAGE_OP_EXTRACT:
        memcpy(o,
               ofl__row(s, y + (uint32_t)p->op.top) + (size_t)p->op.left * px,
               row);
        break;
      case OFL_IMAGE_OP_EXTEND:
        extend_row(p, y, colour);
        break;
      default:
        return OFL_EINTERNAL;
    }
  }
  return 0;
}
