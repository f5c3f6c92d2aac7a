/* Op plans: names, the destination shape each op implies, validation of
 * every parameter, and dispatch to the per-family runners. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_checked.h"
#include "ofl_errors.h"

static const char *const op_names[OFL_IMAGE_OP_COUNT] = {
    "flip",         "flop",          "rotate90",
    "rotate180",    "rotate270",     "transpose",
    "extract",      "extend",        "grayscale",
    "threshold",    "negate",        "linear",
    "gamma",        "lut",           "modulate",
    "premultiply",  "unpremultiply", "extractChannel",
    "joinChannels", "convert",       "blur",
    "boxBlur",      "convolve",      "sharpen",
    "median",       "sobel",         "composite"};

int ofl_image_op_from_name(const char *name) {
  if (name == NULL) return OFL_EUNSUPPORTED;
  for (int i = 0; i < (int)OFL_IMAGE_OP_COUNT; i++)
    if (strcmp(name, op_names[i]) == 0) return i;
  return OFL_EUNSUPPORTED;
}

const char *ofl_image_op_name(ofl_image_op_kind_t kind) {
  return (unsigned)kind < OFL_IMAGE_OP_COUNT ? op_names[kind] : NULL;
}

static int is_point(ofl_image_op_kind_t k) {
  return k >= OFL_IMAGE_OP_GRAYSCALE && k <= OFL_IMAGE_OP_CONVERT &&
         k != OFL_IMAGE_OP_JOIN_CHANNELS;
}

int ofl_image_op_dst_shape(const ofl_image_op_t *op, const ofl_image_t *src,
                           const ofl_image_t *other, ofl_image_t *dst) {
  if (op == NULL || src == NULL || dst == NULL ||
      (unsigned)op->kind >= OFL_IMAGE_OP_COUNT)
    return OFL_EINVAL;
  const uint32_t ch = src->channels;
  memset(dst, 0, sizeof(*dst));
  dst->width = src->width;
  dst->height = src->height;
  dst->channels = ch;
  dst->format = src->format;
  switch (op->kind) {
    case OFL_IMAGE_OP_ROTATE90:
    case OFL_IMAGE_OP_ROTATE270:
    case OFL_IMAGE_OP_TRANSPOSE:
      dst->width = src->height;
      dst->height = src->width;
      break;
    case OFL_IMAGE_OP_EXTRACT:
      if (op->left < 0 || op->top < 0 || op->width < 1 || op->height < 1 ||
          op->left > (int64_t)src->width - op->width ||
          op->top > (int64_t)src->height - op->height)
        return OFL_ERANGE;
      dst->width = op->width;
      dst->height = op->height;
      break;
    case OFL_IMAGE_OP_EXTEND:
      if (op->left < 0 || op->top < 0 ||
          (int64_t)op->width < op->left + (int64_t)src->width ||
          (int64_t)op->height < op->top + (int64_t)src->height)
        return OFL_ERANGE;
      dst->width = op->width;
      dst->height = op->height;
      break;
    case OFL_IMAGE_OP_GRAYSCALE:
      dst->channels = op->keep_alpha && ofl__has_alpha(ch) ? 2 : 1;
      break;
    case OFL_IMAGE_OP_EXTRACT_CHANNEL:
      if (op->channel >= ch) return OFL_EINVAL;
      dst->channels = 1;
      break;
    case OFL_IMAGE_OP_JOIN_CHANNELS:
      if (other == NULL || other->width != src->width ||
          other->height != src->height || other->format != src->format ||
          ch + other->channels > OFL_IMAGE_MAX_CHANNELS)
        return OFL_EINVAL;
      dst->channels = ch + other->channels;
      break;
    case OFL_IMAGE_OP_CONVERT:
      if ((unsigned)op->format >= OFL_IMAGE_FORMAT_COUNT) return OFL_EINVAL;
      dst->format = op->format;
      break;
    case OFL_IMAGE_OP_LUT:
      if (src->format == OFL_IMAGE_F32 ||
          (op->per_channel && src->format != OFL_IMAGE_U8))
        return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_SOBEL:
      if (op->direction) {
        if (ch != 1) return OFL_EINVAL;
        dst->channels = 2;
      }
      break;
    case OFL_IMAGE_OP_PREMULTIPLY:
    case OFL_IMAGE_OP_UNPREMULTIPLY:
      if (!ofl__has_alpha(ch)) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_COMPOSITE:
      if (other == NULL || other->format != src->format ||
          (other->channels <= 2) != (ch <= 2))
        return OFL_EINVAL;
      break;
    default:
      break;
  }
  return 0;
}

static int finite_all(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

/* Parameter ranges that do not depend on the image. */
static int check_params(const ofl_image_op_t *op) {
  switch (op->kind) {
    case OFL_IMAGE_OP_EXTEND:
      if ((unsigned)op->edge >= OFL_IMAGE_EDGE_COUNT ||
          !finite_all(op->color, 4))
        return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_THRESHOLD:
      if (!isfinite(op->value)) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_GAMMA:
      if (!isfinite(op->value) || op->value <= 0) return OFL_ERANGE;
      break;
    case OFL_IMAGE_OP_LINEAR:
      if (!finite_all(op->a, 4) || !finite_all(op->b, 4)) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_LUT:
      if (op->table == NULL) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_MODULATE:
      if (!isfinite(op->amount) || op->amount < 0 ||
          !isfinite(op->saturation) || op->saturation < 0)
        return OFL_ERANGE;
      break;
    case OFL_IMAGE_OP_CONVERT:
      if (!isfinite(op->value)) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_SHARPEN:
    case OFL_IMAGE_OP_BLUR:
      if (op->kind == OFL_IMAGE_OP_SHARPEN &&
          (!isfinite(op->amount) || !isfinite(op->threshold) ||
           op->threshold < 0))
        return OFL_ERANGE;
      if (!isfinite(op->value) || op->value <= 0 || op->value > 1000)
        return OFL_ERANGE;
      break;
    case OFL_IMAGE_OP_BOX_BLUR:
      if (op->radius > OFL_IMAGE_MAX_DIM) return OFL_ERANGE;
      break;
    case OFL_IMAGE_OP_CONVOLVE:
      if (op->kernel == NULL || op->kw % 2 == 0 || op->kh % 2 == 0 ||
          op->kw > OFL_IMAGE_MAX_KERNEL || op->kh > OFL_IMAGE_MAX_KERNEL ||
          (unsigned)op->edge >= OFL_IMAGE_EDGE_COUNT || !isfinite(op->scale) ||
          !isfinite(op->offset))
        return OFL_EINVAL;
      for (uint32_t i = 0; i < op->kw * op->kh; i++)
        if (!isfinite(op->kernel[i])) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_MEDIAN:
      if (op->size != 3 && op->size != 5 && op->size != 7) return OFL_EINVAL;
      if ((unsigned)op->edge >= OFL_IMAGE_EDGE_COUNT) return OFL_EINVAL;
      break;
    case OFL_IMAGE_OP_COMPOSITE:
      if ((unsigned)op->blend >= OFL_IMAGE_BLEND_COUNT ||
          !isfinite(op->opacity) || op->opacity < 0 || op->opacity > 1 ||
          op->left < -(int64_t)OFL_IMAGE_MAX_DIM ||
          op->left > (int64_t)OFL_IMAGE_MAX_DIM ||
          op->top < -(int64_t)OFL_IMAGE_MAX_DIM ||
          op->top > (int64_t)OFL_IMAGE_MAX_DIM)
        return OFL_ERANGE;
      break;
    default:
      break;
  }
  return 0;
}

static int overlaps(const ofl_image_t *a, const ofl_image_t *b) {
  const uintptr_t pa = (uintptr_t)a->data, pb = (uintptr_t)b->data;
  const size_t la = a->len * ofl__ssize(a->format);
  const size_t lb = b->len * ofl__ssize(b->format);
  return pb - pa < la || pa - pb < lb;
}

void ofl_image_op_plan_free(ofl_image_op_plan_t *p) {
  if (p == NULL) return;
  free(p->kernel);
  free(p->kx);
  free(p->ky);
  free(p->table);
  free(p->lut);
  free(p->w16);
  free(p);
}

int ofl_image_op_plan_create(const ofl_image_op_t *op, const ofl_image_t *src,
                             const ofl_image_t *other, const ofl_image_t *dst,
                             ofl_image_op_plan_t **out) {
  if (out == NULL) return OFL_EINVAL;
  *out = NULL;
  if (op == NULL || (unsigned)op->kind >= OFL_IMAGE_OP_COUNT) return OFL_EINVAL;
  ofl_image_op_plan_t *p = calloc(1, sizeof(*p));
  if (p == NULL) return OFL_ENOMEM;
  p->op = *op;
  p->op.kernel = NULL;
  p->op.table = NULL;
  const int two = op->kind == OFL_IMAGE_OP_COMPOSITE ||
                  op->kind == OFL_IMAGE_OP_JOIN_CHANNELS;
  ofl_image_t shape;
  int err = check_params(op);
  if (err == 0) err = ofl__resolve(src, &p->src);
  if (err == 0 && two) err = ofl__resolve(other, &p->other);
  if (err == 0) err = ofl__resolve(dst, &p->dst);
  if (err == 0)
    err = ofl_image_op_dst_shape(op, &p->src, two ? &p->other : NULL, &shape);
  if (err == 0 &&
      (shape.width != p->dst.width || shape.height != p->dst.height ||
       shape.channels != p->dst.channels || shape.format != p->dst.format))
    err = OFL_EINVAL;
  if (err == 0 && overlaps(&p->src, &p->dst)) {
    /* Only a point op exactly in place (each sample read before written). */
    const int same =
        p->src.data == p->dst.data && p->src.stride == p->dst.stride &&
        p->src.format == p->dst.format && p->src.channels == p->dst.channels;
    /* Composite too: it reads each base row's span before writing it. */
    const int in_place_ok =
        is_point(op->kind) || op->kind == OFL_IMAGE_OP_COMPOSITE;
    if (!in_place_ok || !same) err = OFL_EINVAL;
  }
  if (err == 0 && two && overlaps(&p->other, &p->dst)) err = OFL_EINVAL;
  if (err == 0 && op->kind == OFL_IMAGE_OP_LUT) {
    const size_t n = src->format != OFL_IMAGE_U8 ? 65536 * 2
                     : op->per_channel           ? 256 * (size_t)p->src.channels
                                                 : 256;
    if ((p->table = malloc(n)) == NULL)
      err = OFL_ENOMEM;
    else
      memcpy(p->table, op->table, n), p->bytes += n;
  }
  if (err == 0 && op->kind == OFL_IMAGE_OP_CONVOLVE) {
    const size_t n = (size_t)op->kw * op->kh;
    if ((p->kernel = malloc(n * sizeof(float))) == NULL)
      err = OFL_ENOMEM;
    else
      memcpy(p->kernel, op->kernel, n * sizeof(float));
  }
  if (err == 0 && is_point(op->kind)) err = ofl__point_prepare(p);
  if (err == 0 && op->kind >= OFL_IMAGE_OP_BLUR &&
      op->kind <= OFL_IMAGE_OP_SHARPEN)
    err = ofl__filter_prepare(p);
  if (err != 0) {
    ofl_image_op_plan_free(p);
    return err;
  }
  p->bytes += sizeof(*p);
  *out = p;
  return 0;
}

size_t ofl_image_op_plan_size(const ofl_image_op_plan_t *p) {
  return p == NULL ? 0 : p->bytes;
}

int ofl_image_op_plan_run(const ofl_image_op_plan_t *p, uint32_t y0,
                          uint32_t y1, int (*should_stop)(void *arg),
                          void *arg) {
  if (p == NULL || y0 > y1 || y1 > p->dst.height) return OFL_EINVAL;
  if (y0 == y1) return 0;
  const ofl_image_op_kind_t k = p->op.kind;
  if (k <= OFL_IMAGE_OP_EXTEND)
    return ofl__geom_run(p, y0, y1, should_stop, arg);
  if (k <= OFL_IMAGE_OP_CONVERT)
    return ofl__point_run(p, y0, y1, should_stop, arg);
  if (k <= OFL_IMAGE_OP_SHARPEN)
    return ofl__filter_run(p, y0, y1, should_stop, arg);
  if (k <= OFL_IMAGE_OP_SOBEL)
    return ofl__rank_run(p, y0, y1, should_stop, arg);
  return ofl__composite_run(p, y0, y1, should_stop, arg);
}

int ofl_image_op(const ofl_image_op_t *op, const ofl_image_t *src,
                 const ofl_image_t *other, const ofl_image_t *dst) {
  ofl_image_op_plan_t *p;
  int err = ofl_image_op_plan_create(op, src, other, dst, &p);
  if (err != 0) return err;
  err = ofl_image_op_plan_run(p, 0, p->dst.height, NULL, NULL);
  ofl_image_op_plan_free(p);
  return err;
}

int ofl_image_op_is_table(const ofl_image_op_t *op, ofl_image_format_t format) {
  if (op == NULL || format != OFL_IMAGE_U8) return 0;
  switch (op->kind) {
    case OFL_IMAGE_OP_THRESHOLD:
    case OFL_IMAGE_OP_NEGATE:
    case OFL_IMAGE_OP_LINEAR:
    case OFL_IMAGE_OP_GAMMA:
    case OFL_IMAGE_OP_LUT:
      return 1;
    default:
      return 0;
  }
}

int ofl_image_fuse_u8(const ofl_image_op_t *ops, size_t n, uint32_t channels,
                      uint8_t *table) {
  if (ops == NULL || table == NULL || n == 0 || channels < 1 ||
      channels > OFL_IMAGE_MAX_CHANNELS)
    return OFL_EINVAL;
  for (uint32_t c = 0; c < channels; c++)
    for (int v = 0; v < 256; v++) table[256 * c + v] = (uint8_t)v;
  for (size_t i = 0; i < n; i++) {
    if (!ofl_image_op_is_table(&ops[i], OFL_IMAGE_U8)) return OFL_EINVAL;
    int err = check_params(&ops[i]);
    if (err != 0) return err;
    /* The op's own tables, built by the code its plan would run. */
    ofl_image_op_plan_t tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.op = ops[i];
    tmp.src.channels = channels;
    tmp.src.format = OFL_IMAGE_U8;
    tmp.table = (void *)ops[i].table;
    if ((err = ofl__point_prepare(&tmp)) != 0) return err;
    const uint8_t *t = tmp.lut;
    for (uint32_t c = 0; c < channels; c++)
      for (int v = 0; v < 256; v++)
        table[256 * c + v] = t[256 * c + table[256 * c + v]];
    free(tmp.lut);
  }
  return 0;
}
