/* Image ops (everything but resize) and the reductions (stats,
 * histogram). lib/image/ validates and allocates every output with V8
 * (or takes the caller's `out`) before the call; this file unwraps the
 * views, builds one read-only plan, and either runs it on the calling
 * thread or splits the destination rows into bands, one executor job
 * each (a job group). Reductions give each band its own partial and merge
 * them in band order when the last one settles, on the JS thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_binding.h"
#include "napi_env.h"
#include "ofl_errors.h"
#include "ofl_image.h"

#define MAX_BANDS 256u

/* Op parameters as lib/image/native.js packs them into a Float64Array. */
enum {
  P_KIND,
  P_LEFT,
  P_TOP,
  P_WIDTH,
  P_HEIGHT,
  P_FORMAT,
  P_EDGE,
  P_COLOR, /* 4 */
  P_VALUE = P_COLOR + 4,
  P_A,           /* 4 */
  P_B = P_A + 4, /* 4 */
  P_AMOUNT = P_B + 4,
  P_THRESHOLD,
  P_SATURATION,
  P_RADIUS,
  P_SIZE,
  P_CHANNEL,
  P_ALPHA,
  P_KEEP_ALPHA,
  P_PREMULTIPLIED,
  P_BLEND,
  P_OPACITY,
  P_KW,
  P_KH,
  P_SCALE,
  P_OFFSET,
  P_DIRECTION,
  P_COUNT
};

/* A view's geometry: Uint32Array [width, height, channels, stride,
 * format]. */
enum { G_W, G_H, G_CH, G_STRIDE, G_FMT, G_COUNT };

static int get_typed(napi_env env, napi_value v, napi_typedarray_type want,
                     size_t min, void **data, size_t *count, const char *what) {
  bool is = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, count, data, NULL, NULL) !=
          napi_ok ||
      type != want || *count < min) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", what);
    return OFL_EINVAL;
  }
  return 0;
}

/* Unwraps (data, geom) into a view. @return 0, or a negative code with a
 * JS exception pending. */
int ofl__napi_image_view(napi_env env, napi_value data, napi_value geom,
                         const char *name, ofl_image_t *im,
                         napi_value *backing) {
  void *gp;
  size_t n;
  if (get_typed(env, geom, napi_uint32_array, G_COUNT, &gp, &n,
                "image: bad geometry") != 0)
    return OFL_EINVAL;
  uint32_t g[G_COUNT];
  memcpy(g, gp, sizeof(g));
  ofl_bytes_t b;
  if (ofl_napi_get_bytes(env, data, name, &b) != 0) return OFL_EINVAL;
  if (g[G_FMT] >= OFL_IMAGE_FORMAT_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "image: bad format");
    return OFL_EINVAL;
  }
  const size_t ss = g[G_FMT] == OFL_IMAGE_F32   ? 4
                    : g[G_FMT] == OFL_IMAGE_U16 ? 2
                                                : 1;
  *im = (ofl_image_t){b.data,
                      b.len / ss,
                      g[G_STRIDE],
                      g[G_W],
                      g[G_H],
                      g[G_CH],
                      (ofl_image_format_t)g[G_FMT]};
  if (backing != NULL) *backing = b.backing;
  const int err = ofl_image_check(im);
  if (err != 0) {
    napi_throw(env, ofl_napi_error(env, err, name));
    return err;
  }
  return 0;
}

void ofl__napi_check_attached(napi_env env, ofl_job_t *job, const char *what,
                              int *status) {
  napi_value input;
  bool detached = false;
  if (*status == 0 &&
      (napi_get_reference_value(env, job->pins[0], &input) != napi_ok ||
       (napi_is_detached_arraybuffer(env, input, &detached) == napi_ok &&
        detached))) {
    *status = OFL_EINVAL;
    snprintf(job->detail, sizeof(job->detail),
             "the input buffer was detached while the %s ran", what);
  }
}

napi_status ofl__napi_pinned_result(napi_env env, ofl_job_t *job,
                                    napi_value *out) {
  return napi_get_reference_value(env, job->pins[1], out);
}

int ofl__napi_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok &&
         (t == napi_undefined || t == napi_null);
}

typedef struct {
  ofl_image_op_t op;
  ofl_image_t src, other, dst;
  int has_other;
  napi_value src_backing, other_backing, dst_value;
} op_args_t;

int ofl__napi_image_params(napi_env env, napi_value params, ofl_image_op_t *o) {
  double *pp;
  size_t n;
  memset(o, 0, sizeof(*o));
  if (get_typed(env, params, napi_float64_array, P_COUNT, (void **)&pp, &n,
                "image: bad parameters") != 0)
    return OFL_EINVAL;
  double P[P_COUNT];
  memcpy(P, pp, sizeof(P));
  for (int i = 0; i < P_COUNT; i++)
    if (!isfinite(P[i])) {
      ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE",
                     "image: a parameter is not finite");
      return OFL_EINVAL;
    }
  if (P[P_KIND] < 0 || P[P_KIND] >= OFL_IMAGE_OP_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "image: unknown op");
    return OFL_EINVAL;
  }
  /* Integer fields: lib/ sent integers in range; casts of out-of-range
   * doubles would be undefined, so clamp first. */
#define U32(x) \
  ((x) <= 0 ? 0u : (x) >= 4294967295.0 ? 4294967295u : (uint32_t)(x))
#define I64(x) \
  ((x) <= -9e15 ? (int64_t)-9e15 : (x) >= 9e15 ? (int64_t)9e15 : (int64_t)(x))
  o->kind = (ofl_image_op_kind_t)U32(P[P_KIND]);
  o->left = I64(P[P_LEFT]);
  o->top = I64(P[P_TOP]);
  o->width = U32(P[P_WIDTH]);
  o->height = U32(P[P_HEIGHT]);
  o->format = (ofl_image_format_t)U32(P[P_FORMAT]);
  o->edge = (ofl_image_edge_t)U32(P[P_EDGE]);
  for (int i = 0; i < 4; i++) {
    o->color[i] = P[P_COLOR + i];
    o->a[i] = P[P_A + i];
    o->b[i] = P[P_B + i];
  }
  o->value = P[P_VALUE];
  o->amount = P[P_AMOUNT];
  o->threshold = P[P_THRESHOLD];
  o->saturation = P[P_SATURATION];
  o->radius = U32(P[P_RADIUS]);
  o->size = U32(P[P_SIZE]);
  o->channel = U32(P[P_CHANNEL]);
  o->alpha = P[P_ALPHA] != 0;
  o->keep_alpha = P[P_KEEP_ALPHA] != 0;
  o->premultiplied = P[P_PREMULTIPLIED] != 0;
  o->blend = (ofl_image_blend_t)U32(P[P_BLEND]);
  o->opacity = P[P_OPACITY];
  o->kw = U32(P[P_KW]);
  o->kh = U32(P[P_KH]);
  o->scale = P[P_SCALE];
  o->offset = P[P_OFFSET];
  o->direction = P[P_DIRECTION] != 0;
#undef U32
#undef I64
  return 0;
}

int ofl__napi_image_extra(napi_env env, napi_value extra,
                          ofl_image_format_t format, ofl_image_op_t *o) {
  size_t n;
  if (o->kind == OFL_IMAGE_OP_CONVOLVE) {
    void *k;
    if (get_typed(env, extra, napi_float32_array, (size_t)o->kw * o->kh, &k, &n,
                  "image: bad kernel") != 0)
      return OFL_EINVAL;
    o->kernel = k;
  } else if (o->kind == OFL_IMAGE_OP_LUT) {
    void *t;
    const int u8 = format == OFL_IMAGE_U8;
    if (get_typed(env, extra, u8 ? napi_uint8_array : napi_uint16_array,
                  u8 ? 256 : 65536, &t, &n, "image: bad table") != 0)
      return OFL_EINVAL;
    o->table = t;
  }
  return 0;
}

/* argv: params, src, srcGeom, other, otherGeom, dst, dstGeom, extra. */
static int parse_op(napi_env env, napi_value *argv, op_args_t *a) {
  memset(a, 0, sizeof(*a));
  if (ofl__napi_image_params(env, argv[0], &a->op) != 0) return OFL_EINVAL;
  if (ofl__napi_image_view(env, argv[1], argv[2], "image.data", &a->src,
                           &a->src_backing) != 0)
    return OFL_EINVAL;
  if (!ofl__napi_is_nullish(env, argv[3])) {
    if (ofl__napi_image_view(env, argv[3], argv[4], "other.data", &a->other,
                             &a->other_backing) != 0)
      return OFL_EINVAL;
    a->has_other = 1;
  }
  if (ofl__napi_image_view(env, argv[5], argv[6], "out.data", &a->dst, NULL) !=
      0)
    return OFL_EINVAL;
  a->dst_value = argv[5];
  return ofl__napi_image_extra(env, argv[7], a->src.format, &a->op);
}

static napi_value throw_code(napi_env env, int err, const char *what) {
  napi_throw(env, ofl_napi_error(env, err, what));
  return NULL;
}

/* imageOpSync(params, src, srcGeom, other, otherGeom, dst, dstGeom, extra)
 * → dst. */
static napi_value op_sync(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  op_args_t a;
  if (argc < 8 || parse_op(env, argv, &a) != 0) return NULL;
  const int err =
      ofl_image_op(&a.op, &a.src, a.has_other ? &a.other : NULL, &a.dst);
  if (err != 0) return throw_code(env, err, ofl_image_op_name(a.op.kind));
  return a.dst_value;
}

/* ---- async: bands of destination rows ---- */

typedef struct {
  ofl_group_t g; /* first */
  ofl_image_op_plan_t *plan;
  uint32_t rows, bands;
  /* reductions */
  int reduce; /* 0 op, 1 stats (+256-bin histogram), 2 histogram */
  ofl_image_t src;
  uint32_t bins;
  ofl_image_stats_t *parts;
  uint32_t *counts; /* bands * channels * bins */
  double *out_stats;
  uint32_t *out_counts;
} band_state_t;

static int band_stop(void *task) {
  return ofl_task_should_stop((ofl_task_t *)task);
}

static void band_range(const band_state_t *st, size_t i, uint32_t *y0,
                       uint32_t *y1) {
  *y0 = (uint32_t)((uint64_t)st->rows * i / st->bands);
  *y1 = (uint32_t)((uint64_t)st->rows * (i + 1) / st->bands);
}

static int band_work(ofl_job_t *job) {
  ofl_group_job_t *p = (ofl_group_job_t *)job;
  band_state_t *st = p->state;
  uint32_t y0, y1;
  band_range(st, p->index, &y0, &y1);
  if (st->reduce == 0)
    return ofl_image_op_plan_run(st->plan, y0, y1, band_stop, &job->task);
  const size_t per = (size_t)st->src.channels * st->bins;
  int err = ofl_image_histogram_rows(&st->src, st->bins, y0, y1,
                                     st->counts + per * p->index, band_stop,
                                     &job->task);
  if (err == 0 && st->reduce == 1)
    err = ofl_image_stats_rows(&st->src, y0, y1, &st->parts[p->index],
                               band_stop, &job->task);
  return err;
}

void ofl__napi_write_stats(const ofl_image_stats_t *s, double *out) {
  for (uint32_t c = 0; c < s->channels; c++) {
    const ofl_image_channel_stats_t *k = &s->ch[c];
    double *o = out + 8 * c;
    o[0] = k->min, o[1] = k->max, o[2] = k->sum, o[3] = k->squares_sum;
    o[4] = k->min_x, o[5] = k->min_y, o[6] = k->max_x, o[7] = k->max_y;
  }
  out[8 * s->channels] = (double)s->pixels;
}

static int band_settle(napi_env env, ofl_job_t *job, int *status) {
  band_state_t *st = ((ofl_group_job_t *)job)->state;
  if (!ofl_group_settle(&st->g, status)) return 0;
  *status = st->g.err;
  ofl__napi_check_attached(env, job, "op", status);
  if (*status == 0 && st->reduce != 0) {
    const size_t per = (size_t)st->src.channels * st->bins;
    memset(st->out_counts, 0, per * sizeof(uint32_t));
    for (uint32_t b = 0; b < st->bands; b++)
      for (size_t i = 0; i < per; i++)
        st->out_counts[i] += st->counts[per * b + i];
    if (st->reduce == 1) {
      for (uint32_t b = 1; b < st->bands; b++)
        ofl_image_stats_merge(&st->parts[0], &st->parts[b]);
      ofl__napi_write_stats(&st->parts[0], st->out_stats);
    }
  }
  return 1;
}

static napi_status band_result(napi_env env, ofl_job_t *job, napi_value *out) {
  band_state_t *st = ((ofl_group_job_t *)job)->state;
  if (st->reduce != 0) return napi_get_undefined(env, out);
  return ofl__napi_pinned_result(env, job, out);
}

static void band_unref(void *state) {
  band_state_t *st = state;
  if (st == NULL || --st->g.refs > 0) return;
  ofl_image_op_plan_free(st->plan);
  free(st->parts);
  free(st->counts);
  free(st);
}

static void band_destroy(ofl_job_t *job) {
  band_unref(((ofl_group_job_t *)job)->state);
}

static const ofl_job_vtable_t band_vt = {band_work, band_result, band_destroy,
                                         band_settle, "image-op"};

static int get_dispatch(napi_env env, napi_value *argv, uint32_t *bands,
                        uint32_t *lane, double *timeout) {
  if (ofl_napi_get_u32(env, argv[0], "bands", bands) != 0 ||
      ofl_napi_get_u32(env, argv[1], "lane", lane) != 0 ||
      ofl_napi_get_double(env, argv[2], "timeout", timeout) != 0)
    return OFL_EINVAL;
  if (*lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "image: bad lane");
    return OFL_EINVAL;
  }
  if (*bands < 1) *bands = 1;
  if (*bands > MAX_BANDS) *bands = MAX_BANDS;
  return 0;
}

static napi_value make_id(napi_env env, int64_t id) {
  napi_value r;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &r));
  return r;
}

/* imageOp(params, src, srcGeom, other, otherGeom, dst, dstGeom, extra,
 * bands, lane, timeoutMs, callback) → id | negative OFL_E*;
 * callback(status, dst, detail). */
static napi_value op_async(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t bands, lane;
  double timeout;
  op_args_t a;
  if (argc < 12 || get_dispatch(env, argv + 8, &bands, &lane, &timeout) != 0 ||
      parse_op(env, argv, &a) != 0)
    return NULL;
  band_state_t *st = calloc(1, sizeof(*st));
  if (st == NULL) return make_id(env, OFL_ENOMEM);
  const int err = ofl_image_op_plan_create(
      &a.op, &a.src, a.has_other ? &a.other : NULL, &a.dst, &st->plan);
  if (err != 0) {
    free(st);
    return make_id(env, err);
  }
  st->rows = a.dst.height;
  st->bands = bands > st->rows ? st->rows : bands;
  const napi_value pins[3] = {a.src_backing, a.dst_value,
                              a.has_other ? a.other_backing : NULL};
  return make_id(env,
                 ofl_group_submit(env, &st->g, st, st->bands, &band_vt, pins, 3,
                                  band_unref, argv[11], (int)lane, timeout));
}

/* ---- reductions ---- */

typedef struct {
  int mode;
  ofl_image_t src;
  napi_value backing, stats_v;
  uint32_t bins;
  double *stats;    /* channels * 8 + 1, mode 1 */
  uint32_t *counts; /* channels * bins */
} reduce_args_t;

/* argv: mode, src, geom, bins, outStats (Float64Array | undefined),
 * outCounts (Uint32Array). */
static int parse_reduce(napi_env env, napi_value *argv, reduce_args_t *r) {
  uint32_t mode;
  size_t n;
  memset(r, 0, sizeof(*r));
  if (ofl_napi_get_u32(env, argv[0], "mode", &mode) != 0 ||
      ofl_napi_get_u32(env, argv[3], "bins", &r->bins) != 0)
    return OFL_EINVAL;
  if ((mode != 1 && mode != 2) || r->bins < 1 || r->bins > 65536) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "image: bad reduction");
    return OFL_EINVAL;
  }
  r->mode = (int)mode;
  if (ofl__napi_image_view(env, argv[1], argv[2], "image.data", &r->src,
                           &r->backing) != 0)
    return OFL_EINVAL;
  const size_t ch = r->src.channels;
  if (mode == 1 &&
      get_typed(env, argv[4], napi_float64_array, ch * 8 + 1,
                (void **)&r->stats, &n, "image: bad stats output") != 0)
    return OFL_EINVAL;
  if (get_typed(env, argv[5], napi_uint32_array, ch * r->bins,
                (void **)&r->counts, &n, "image: bad histogram output") != 0)
    return OFL_EINVAL;
  return 0;
}

static napi_value reduce_sync(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  reduce_args_t r;
  if (argc < 6 || parse_reduce(env, argv, &r) != 0) return NULL;
  memset(r.counts, 0, (size_t)r.src.channels * r.bins * sizeof(uint32_t));
  int err = ofl_image_histogram_rows(&r.src, r.bins, 0, r.src.height, r.counts,
                                     NULL, NULL);
  if (err == 0 && r.mode == 1) {
    ofl_image_stats_t st;
    ofl_image_stats_init(&st, r.src.channels);
    err = ofl_image_stats_rows(&r.src, 0, r.src.height, &st, NULL, NULL);
    if (err == 0) ofl__napi_write_stats(&st, r.stats);
  }
  if (err != 0) return throw_code(env, err, "image reduction");
  napi_value u;
  OFL_NAPI_CALL(env, napi_get_undefined(env, &u));
  return u;
}

/* imageReduce(mode, src, geom, bins, outStats, outCounts, bands, lane,
 * timeoutMs, callback) → id; the outputs are filled before callback runs. */
static napi_value reduce_async(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t bands, lane;
  double timeout;
  reduce_args_t r;
  if (argc < 10 || get_dispatch(env, argv + 6, &bands, &lane, &timeout) != 0 ||
      parse_reduce(env, argv, &r) != 0)
    return NULL;
  band_state_t *st = calloc(1, sizeof(*st));
  if (st == NULL) return make_id(env, OFL_ENOMEM);
  st->reduce = r.mode;
  st->src = r.src;
  st->bins = r.bins;
  st->rows = r.src.height;
  st->bands = bands > st->rows ? st->rows : bands;
  /* Each band has its own counters: keep them to ~16 MiB in all (65536
   * bins x 4 channels is 1 MiB a band). */
  const size_t per_band = (size_t)r.src.channels * r.bins * sizeof(uint32_t);
  while (st->bands > 1 && per_band * st->bands > ((size_t)16 << 20))
    st->bands /= 2;
  st->out_stats = r.stats;
  st->out_counts = r.counts;
  const size_t per = (size_t)r.src.channels * r.bins;
  st->counts = calloc((size_t)st->bands * per, sizeof(uint32_t));
  st->parts = calloc(st->bands, sizeof(*st->parts));
  if (st->counts == NULL || st->parts == NULL) {
    free(st->counts), free(st->parts), free(st);
    return make_id(env, OFL_ENOMEM);
  }
  for (uint32_t b = 0; b < st->bands; b++)
    ofl_image_stats_init(&st->parts[b], r.src.channels);
  /* The outputs are pinned too: settle writes them. */
  const napi_value pins[3] = {r.backing, argv[5], r.mode == 1 ? argv[4] : NULL};
  return make_id(env,
                 ofl_group_submit(env, &st->g, st, st->bands, &band_vt, pins, 3,
                                  band_unref, argv[9], (int)lane, timeout));
}

/* imageSimd(mask) → the 8-bit SIMD paths in use (mask < 0 queries; for
 * tests and benchmarks). */
static napi_value simd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], r;
  int32_t mask = -1;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) OFL_NAPI_CALL(env, napi_get_value_int32(env, argv[0], &mask));
  OFL_NAPI_CALL(env, napi_create_uint32(env, ofl_image_simd(mask), &r));
  return r;
}

napi_status ofl_napi_init_image_ops(napi_env env, napi_value exports) {
  napi_value names;
  OFL_NAPI_TRY(env, napi_create_array(env, &names));
  for (uint32_t i = 0; i < OFL_IMAGE_OP_COUNT; i++) {
    napi_value s;
    OFL_NAPI_TRY(env, napi_create_string_utf8(
                          env, ofl_image_op_name((ofl_image_op_kind_t)i),
                          NAPI_AUTO_LENGTH, &s));
    OFL_NAPI_TRY(env, napi_set_element(env, names, i, s));
  }
  napi_property_descriptor props[] = {
      {"imageOpNames", NULL, NULL, NULL, NULL, names, napi_enumerable, NULL},
      {"imageOpSync", NULL, op_sync, NULL, NULL, NULL, napi_default, NULL},
      {"imageOp", NULL, op_async, NULL, NULL, NULL, napi_default, NULL},
      {"imageReduceSync", NULL, reduce_sync, NULL, NULL, NULL, napi_default,
       NULL},
      {"imageReduce", NULL, reduce_async, NULL, NULL, NULL, napi_default, NULL},
      {"imageSimd", NULL, simd, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, 6, props);
}
