/* Compositing: the overlay blended onto a copy of the base at (left,
 * top), clipped to the base. Math in normalised float with the W3C
 * compositing formula (source-over with a separable blend function):
 *   co = as(1-ab)cs + as ab B(cb, cs) + (1-as) ab cb,  ao = as + ab(1-as)
 * and the colour divided by ao again for straight alpha. */
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

static OFL__INLINE float blend(ofl_image_blend_t m, float cb, float cs) {
  switch (m) {
    case OFL_IMAGE_BLEND_MULTIPLY:
      return cb * cs;
    case OFL_IMAGE_BLEND_SCREEN:
      return cb + cs - cb * cs;
    case OFL_IMAGE_BLEND_ADD:
      return cb + cs < 1.0f ? cb + cs : 1.0f;
    default:
      return cs;
  }
}

int ofl__composite_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                       ofl__stop_fn stop, void *arg) {
  const ofl_image_t *b = &p->src, *s = &p->other, *d = &p->dst;
  const uint32_t bch = b->channels, sch = s->channels;
  const uint32_t colour = bch <= 2 ? 1 : 3;
  const int ba = ofl__has_alpha(bch), sa = ofl__has_alpha(sch);
  const size_t ss = ofl__ssize(b->format);
  const float max = (float)ofl__fmax(b->format), inv = 1.0f / max;
  const float opacity = (float)p->op.opacity;
  const int pm = p->op.premultiplied;
  const ofl_image_blend_t mode = p->op.blend;
  /* The overlay's columns that land on the base. */
  const int64_t x0 = p->op.left < 0 ? -p->op.left : 0;
  int64_t x1 = (int64_t)b->width - p->op.left;
  if (x1 > (int64_t)s->width) x1 = s->width;
  float *brow = malloc((size_t)b->width * bch * sizeof(float));
  float *srow = malloc((size_t)s->width * sch * sizeof(float));
  if (brow == NULL || srow == NULL) {
    free(brow);
    free(srow);
    return OFL_ENOMEM;
  }
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    const int64_t oy = (int64_t)y - p->op.top;
    /* In place (d is b), rows outside the overlay are already right. */
    const int in_place = d->data == b->data;
    if (oy < 0 || oy >= (int64_t)s->height || x0 >= x1) {
      if (!in_place)
        memcpy(ofl__row(d, y), ofl__row(b, y), (size_t)b->width * bch * ss);
      continue;
    }
    /* The row is copied; only the overlay's span goes through float. */
    const size_t span = (size_t)(x1 - x0), bx = (size_t)(x0 + p->op.left);
    uint8_t *drow = ofl__row(d, y);
    if (!in_place) memcpy(drow, ofl__row(b, y), (size_t)b->width * bch * ss);
    ofl__load(b->format, ofl__row(b, y) + bx * bch * ss, brow, span * bch);
    ofl__load(s->format, ofl__row(s, (uint32_t)oy) + (size_t)x0 * sch * ss,
              srow, span * sch);
    for (int64_t ox = x0; ox < x1; ox++) {
      float *bp = brow + (size_t)(ox - x0) * bch;
      const float *sp = srow + (size_t)(ox - x0) * sch;
      const float as = (sa ? sp[sch - 1] * inv : 1.0f) * opacity;
      const float ab = ba ? bp[bch - 1] * inv : 1.0f;
      const float ao = as + ab * (1.0f - as);
      const float sa_raw = sa ? sp[sch - 1] * inv : 1.0f;
      for (uint32_t c = 0; c < colour; c++) {
        float cs = sp[c] * inv, cb = bp[c] * inv;
        if (pm) { /* back to straight colour for the blend function */
          cs = sa_raw > 0.0f ? cs / sa_raw : 0.0f;
          cb = ab > 0.0f ? cb / ab : 0.0f;
        }
        float co = as * (1.0f - ab) * cs + as * ab * blend(mode, cb, cs) +
                   (1.0f - as) * ab * cb;
        if (!pm) co = ao > 0.0f ? co / ao : 0.0f;
        bp[c] = co * max;
      }
      if (ba) bp[bch - 1] = ao * max;
    }
    ofl__store(d->format, drow + bx * bch * ss, brow, span * bch);
  }
  free(brow);
  free(srow);
  return err;
}
