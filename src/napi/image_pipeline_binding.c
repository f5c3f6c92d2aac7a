/* Image pipelines: a chain of resize and op steps run as ONE executor job
 * (or inline for imagePipelineSync). Intermediates live in native memory
 * the job allocates and frees as it goes, so nothing returns to JS
 * between steps; the final step writes the V8-allocated (or caller's)
 * output. Overlay images of composite steps are copied into the baton,
 * so only the source and the output are pinned.
 *
 * A fused step (a run of u8 table ops lib/ grouped) is composed into one
 * per-channel table here, on the JS thread, and runs as one lut pass. A
 * pipeline that ends in a reduction keeps its last image in native memory
 * too and fills the stats/histogram arrays lib/ allocated (private to
 * lib/ until the promise settles, so the worker writes them directly). */
#include <stdlib.h>
#include <string.h>

#include "image_binding.h"
#include "napi_env.h"
#include "ofl_checked.h"
#include "ofl_errors.h"
#include "ofl_image.h"

#define MAX_STEPS 64u

/* A resize step's Uint32Array, as lib/image/resize.js packs it. */
enum {
  R_OUT_W = 5,
  R_OUT_H,
  R_VIRT_W,
  R_VIRT_H,
  R_OFF_X,
  R_OFF_Y,
  R_KERNEL,
  R_COUNT
};

typedef struct {
  int resize;
  ofl_image_op_t op;
  ofl_image_resize_opts_t ropts;
  ofl_image_t out;   /* shape of the step's output (data unset) */
  ofl_image_t other; /* composite/joinChannels overlay: owned copy */
  void *copy;        /* kernel, table or overlay samples (owned) */
} step_t;

/* Step kinds lib/image/pipeline.js sends. */
enum { K_OP = 0, K_RESIZE = 1, K_FUSED = 2 };

typedef struct {
  ofl_job_t job; /* first; pins[0] = source backing, pins[1] = output (or
                    the histogram counts, pins[2] the stats) */
  ofl_image_t src, dst;
  uint32_t n;
  /* 0: image output; 1: stats (and a 256-bin histogram for the entropy);
   * 2: histogram */
  int reduce;
  uint32_t bins;
  double *stats;    /* channels * 8 + 1, reduce 1 */
  uint32_t *counts; /* channels * bins */
  step_t steps[MAX_STEPS];
} pipe_t;

static size_t ssize(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 4 : f == OFL_IMAGE_U16 ? 2 : 1;
}

static void pipe_free_steps(pipe_t *p) {
  for (uint32_t i = 0; i < p->n; i++) free(p->steps[i].copy);
  p->n = 0;
}

static int reduce_image(const pipe_t *p, const ofl_image_t *im,
                        int (*stop)(void *), void *arg) {
  memset(p->counts, 0, (size_t)im->channels * p->bins * sizeof(uint32_t));
  int err = ofl_image_histogram_rows(im, p->bins, 0, im->height, p->counts,
                                     stop, arg);
  if (err == 0 && p->reduce == 1) {
    ofl_image_stats_t st;
    ofl_image_stats_init(&st, im->channels);
    err = ofl_image_stats_rows(im, 0, im->height, &st, stop, arg);
    if (err == 0) ofl__napi_write_stats(&st, p->stats);
  }
  return err;
}

static int run_steps(const pipe_t *p, int (*stop)(void *), void *arg) {
  ofl_image_t cur = p->src;
  void *owned = NULL;
  int err = 0;
  for (uint32_t i = 0; i < p->n && err == 0; i++) {
    const step_t *s = &p->steps[i];
    ofl_image_t out = p->dst;
    void *buf = NULL;
    if (i + 1 < p->n || p->reduce != 0) {
      size_t len, bytes;
      out = s->out;
      err = ofl_image_min_len(out.width, out.height, out.channels, 0, &len);
      if (err == 0 && !ofl_mul_size(len, ssize(out.format), &bytes))
        err = OFL_ERANGE;
      if (err == 0 && (buf = malloc(bytes)) == NULL) err = OFL_ENOMEM;
      out.data = buf;
      out.len = len;
      out.stride = 0;
    }
    if (err == 0 && s->resize) {
      ofl_image_plan_t *plan;
      err = ofl_image_plan_create(&cur, &out, &s->ropts, &plan);
      if (err == 0) err = ofl_image_plan_run(plan, 0, out.height, stop, arg);
      ofl_image_plan_free(plan);
    } else if (err == 0) {
      const int two = s->op.kind == OFL_IMAGE_OP_COMPOSITE ||
                      s->op.kind == OFL_IMAGE_OP_JOIN_CHANNELS;
      ofl_image_op_plan_t *plan;
      err = ofl_image_op_plan_create(&s->op, &cur, two ? &s->other : NULL, &out,
                                     &plan);
      if (err == 0) err = ofl_image_op_plan_run(plan, 0, out.height, stop, arg);
      ofl_image_op_plan_free(plan);
    }
    free(owned);
    owned = buf;
    cur = out;
  }
  if (err == 0 && p->reduce != 0) err = reduce_image(p, &cur, stop, arg);
  free(owned); /* NULL after a last step that wrote dst */
  return err;
}

static void *dup_bytes(const void *src, size_t n) {
  void *d = malloc(n == 0 ? 1 : n);
  if (d != NULL) memcpy(d, src, n);
  return d;
}

static int get_u32s(napi_env env, napi_value v, size_t min, uint32_t *out) {
  bool is = false;
  napi_typedarray_type t;
  size_t n;
  void *d;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &t, &n, &d, NULL, NULL) != napi_ok ||
      t != napi_uint32_array || n < min) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "imagePipeline: bad step");
    return OFL_EINVAL;
  }
  memcpy(out, d, min * sizeof(uint32_t));
  return 0;
}

static int bad_step(napi_env env) {
  ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "imagePipeline: bad step");
  return OFL_EINVAL;
}

/* A fused step: params (an array of parameter records) and extras (their
 * tables or undefined), composed into one per-channel lut. */
static int parse_fused(napi_env env, napi_value params, napi_value extras,
                       step_t *s) {
  ofl_image_op_t ops[MAX_STEPS];
  uint32_t m = 0, mx = 0;
  bool arr = false;
  if (napi_is_array(env, params, &arr) != napi_ok || !arr ||
      napi_get_array_length(env, params, &m) != napi_ok ||
      napi_is_array(env, extras, &arr) != napi_ok || !arr ||
      napi_get_array_length(env, extras, &mx) != napi_ok || m != mx || m < 1 ||
      m > MAX_STEPS)
    return bad_step(env);
  for (uint32_t j = 0; j < m; j++) {
    napi_value pv, xv;
    if (!ofl_napi_check(env, napi_get_element(env, params, j, &pv), "step") ||
        !ofl_napi_check(env, napi_get_element(env, extras, j, &xv), "step") ||
        ofl__napi_image_params(env, pv, &ops[j]) != 0 ||
        ofl__napi_image_extra(env, xv, OFL_IMAGE_U8, &ops[j]) != 0)
      return OFL_EINVAL;
  }
  /* The tables are read here, on the JS thread, while they are alive. */
  const uint32_t ch = s->out.channels;
  if (s->out.format != OFL_IMAGE_U8 || ch < 1 || ch > OFL_IMAGE_MAX_CHANNELS)
    return bad_step(env);
  if ((s->copy = malloc(256 * (size_t)ch)) == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY",
                   "imagePipeline: out of memory");
    return OFL_ENOMEM;
  }
  const int err = ofl_image_fuse_u8(ops, m, ch, s->copy);
  if (err != 0) {
    napi_throw(env, ofl_napi_error(env, err, "pipeline fused step"));
    return err;
  }
  memset(&s->op, 0, sizeof(s->op));
  s->op.kind = OFL_IMAGE_OP_LUT;
  s->op.per_channel = 1;
  s->op.table = s->copy;
  return 0;
}

/* One step: [kind, params|geom|paramsList, extra|extraList, otherData,
 * otherGeom, outGeom]. */
static int parse_step(napi_env env, napi_value v, step_t *s) {
  napi_value e[6];
  uint32_t len = 0;
  memset(s, 0, sizeof(*s));
  if (napi_get_array_length(env, v, &len) != napi_ok || len < 6) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "imagePipeline: bad step");
    return OFL_EINVAL;
  }
  for (uint32_t i = 0; i < 6; i++)
    if (!ofl_napi_check(env, napi_get_element(env, v, i, &e[i]), "step"))
      return OFL_EINVAL;
  uint32_t kind, g[5];
  if (ofl_napi_get_u32(env, e[0], "step kind", &kind) != 0 ||
      get_u32s(env, e[5], 5, g) != 0)
    return OFL_EINVAL;
  s->out = (ofl_image_t){NULL,
                         0,
                         0,
                         g[0],
                         g[1],
                         g[2],
                         (ofl_image_format_t)(g[4] % OFL_IMAGE_FORMAT_COUNT)};
  if (kind == K_FUSED) return parse_fused(env, e[1], e[2], s);
  if (kind == K_RESIZE) {
    uint32_t r[R_COUNT];
    if (get_u32s(env, e[1], R_COUNT, r) != 0) return OFL_EINVAL;
    s->resize = 1;
    s->ropts = (ofl_image_resize_opts_t){
        (ofl_image_kernel_t)(r[R_KERNEL] % OFL_IMAGE_KERNEL_COUNT), r[R_VIRT_W],
        r[R_VIRT_H], r[R_OFF_X], r[R_OFF_Y]};
    return 0;
  }
  if (ofl__napi_image_params(env, e[1], &s->op) != 0) return OFL_EINVAL;
  /* The extra is read against the step's input format, which for a lut
   * or kernel is the format of the output too (those keep the format). */
  if (ofl__napi_image_extra(env, e[2], s->out.format, &s->op) != 0)
    return OFL_EINVAL;
  if (s->op.kind == OFL_IMAGE_OP_CONVOLVE) {
    s->copy =
        dup_bytes(s->op.kernel, (size_t)s->op.kw * s->op.kh * sizeof(float));
    s->op.kernel = s->copy;
  } else if (s->op.kind == OFL_IMAGE_OP_LUT) {
    s->copy =
        dup_bytes(s->op.table, s->out.format == OFL_IMAGE_U8 ? 256 : 131072);
    s->op.table = s->copy;
  } else if (!ofl__napi_is_nullish(env, e[3])) {
    ofl_image_t o;
    if (ofl__napi_image_view(env, e[3], e[4], "layer.input", &o, NULL) != 0)
      return OFL_EINVAL;
    const size_t ss = ssize(o.format);
    s->copy = dup_bytes(o.data, o.len * ss);
    s->other = o;
    s->other.data = s->copy;
  } else {
    return 0;
  }
  if (s->copy == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY",
                   "imagePipeline: out of memory");
    return OFL_ENOMEM;
  }
  return 0;
}

static int get_typed(napi_env env, napi_value v, napi_typedarray_type want,
                     size_t min, void **data) {
  bool is = false;
  napi_typedarray_type t;
  size_t n;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &t, &n, data, NULL, NULL) != napi_ok ||
      t != want || n < min) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "imagePipeline: bad output");
    return OFL_EINVAL;
  }
  return 0;
}

/* The reduction ending a pipeline: [mode, bins, stats | undefined,
 * counts], for an image of `channels` channels. out[0] gets the counts
 * array, out[1] the stats one (to pin). */
static int parse_reduce(napi_env env, napi_value v, uint32_t channels,
                        pipe_t *p, napi_value *out) {
  napi_value e[4];
  uint32_t len = 0, mode = 0;
  if (napi_get_array_length(env, v, &len) != napi_ok || len < 4) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "imagePipeline: bad reduce");
    return OFL_EINVAL;
  }
  for (uint32_t i = 0; i < 4; i++)
    if (!ofl_napi_check(env, napi_get_element(env, v, i, &e[i]), "reduce"))
      return OFL_EINVAL;
  if (ofl_napi_get_u32(env, e[0], "reduce mode", &mode) != 0 ||
      ofl_napi_get_u32(env, e[1], "bins", &p->bins) != 0)
    return OFL_EINVAL;
  if ((mode != 1 && mode != 2) || p->bins < 1 || p->bins > 65536) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "imagePipeline: bad reduce");
    return OFL_EINVAL;
  }
  p->reduce = (int)mode;
  if (get_typed(env, e[3], napi_uint32_array, (size_t)channels * p->bins,
                (void **)&p->counts) != 0 ||
      (mode == 1 &&
       get_typed(env, e[2], napi_float64_array, (size_t)channels * 8 + 1,
                 (void **)&p->stats) != 0))
    return OFL_EINVAL;
  out[0] = e[3];
  out[1] = mode == 1 ? e[2] : NULL;
  return 0;
}

/* argv: src, srcGeom, steps (array), dst, dstGeom; reduce (undefined, or
 * as parse_reduce reads it, then dst and dstGeom are unused and steps may
 * be empty). outs gets the reduction's arrays. */
static int parse_pipe(napi_env env, napi_value *argv, napi_value reduce,
                      pipe_t *p, napi_value *backing, napi_value *outs) {
  uint32_t n = 0;
  const int reducing = !ofl__napi_is_nullish(env, reduce);
  if (ofl__napi_image_view(env, argv[0], argv[1], "image.data", &p->src,
                           backing) != 0 ||
      (!reducing && ofl__napi_image_view(env, argv[3], argv[4], "out.data",
                                         &p->dst, NULL) != 0))
    return OFL_EINVAL;
  if (napi_get_array_length(env, argv[2], &n) != napi_ok ||
      n < (reducing ? 0u : 1u) || n > MAX_STEPS) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "imagePipeline: 1..64 steps");
    return OFL_EINVAL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (!ofl_napi_check(env, napi_get_element(env, argv[2], i, &v), "steps") ||
        parse_step(env, v, &p->steps[i]) != 0) {
      free(p->steps[i].copy);
      pipe_free_steps(p);
      return OFL_EINVAL;
    }
    p->n = i + 1;
  }
  if (reducing) {
    const uint32_t ch = n > 0 ? p->steps[n - 1].out.channels : p->src.channels;
    if (parse_reduce(env, reduce, ch, p, outs) != 0) {
      pipe_free_steps(p);
      return OFL_EINVAL;
    }
  }
  return 0;
}

/* imagePipelineSync(src, srcGeom, steps, dst, dstGeom, reduce?) → dst
 * (undefined with a reduction, whose arrays are then filled). */
static napi_value pipe_sync(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE",
                   "imagePipelineSync: 5 arguments");
    return NULL;
  }
  if (argc < 6) OFL_NAPI_CALL(env, napi_get_undefined(env, &argv[5]));
  pipe_t *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "imagePipelineSync");
    return NULL;
  }
  napi_value backing, outs[2];
  if (parse_pipe(env, argv, argv[5], p, &backing, outs) != 0) {
    free(p);
    return NULL;
  }
  const int err = run_steps(p, NULL, NULL);
  const int reducing = p->reduce != 0;
  pipe_free_steps(p);
  free(p);
  if (err != 0) {
    napi_throw(env, ofl_napi_error(env, err, "pipeline"));
    return NULL;
  }
  if (reducing) {
    napi_value u;
    OFL_NAPI_CALL(env, napi_get_undefined(env, &u));
    return u;
  }
  return argv[3];
}

static int pipe_stop(void *task) {
  return ofl_task_should_stop((ofl_task_t *)task);
}

static int pipe_work(ofl_job_t *job) {
  return run_steps((pipe_t *)job, pipe_stop, &job->task);
}

static int pipe_settle(napi_env env, ofl_job_t *job, int *status) {
  ofl__napi_check_attached(env, job, "pipeline", status);
  return 1;
}

static void pipe_destroy(ofl_job_t *job) {
  pipe_free_steps((pipe_t *)job);
}

static const ofl_job_vtable_t pipe_vt = {pipe_work, ofl__napi_pinned_result,
                                         pipe_destroy, pipe_settle,
                                         "image-pipeline"};
/* A reduction's result is in the arrays lib/ holds: undefined. */
static const ofl_job_vtable_t pipe_reduce_vt = {pipe_work, NULL, pipe_destroy,
                                                pipe_settle, "image-pipeline"};

/* imagePipeline(src, srcGeom, steps, dst, dstGeom, lane, timeoutMs, cb,
 * reduce?) → id | negative OFL_E*; cb(status, dst | undefined, detail). */
static napi_value pipe_async(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], r;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t lane = 0;
  double timeout = 0;
  if (argc < 8 || ofl_napi_get_u32(env, argv[5], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[6], "timeout", &timeout) != 0)
    return NULL;
  if (argc < 9) OFL_NAPI_CALL(env, napi_get_undefined(env, &argv[8]));
  if (lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "imagePipeline: bad lane");
    return NULL;
  }
  pipe_t *p = (pipe_t *)ofl_job_alloc(sizeof(*p), &pipe_vt);
  if (p == NULL) {
    OFL_NAPI_CALL(env, napi_create_int64(env, OFL_ENOMEM, &r));
    return r;
  }
  napi_value backing, outs[2] = {NULL, NULL};
  if (parse_pipe(env, argv, argv[8], p, &backing, outs) != 0) {
    ofl_job_discard(env, &p->job);
    return NULL;
  }
  if (p->reduce != 0) p->job.vt = &pipe_reduce_vt;
  if (ofl_job_pin(env, &p->job, backing) != napi_ok ||
      ofl_job_pin(env, &p->job, p->reduce != 0 ? outs[0] : argv[3]) !=
          napi_ok ||
      (outs[1] != NULL && ofl_job_pin(env, &p->job, outs[1]) != napi_ok)) {
    ofl_job_discard(env, &p->job);
    OFL_NAPI_CALL(env, napi_create_int64(env, OFL_EINTERNAL, &r));
    return r;
  }
  const int64_t id = ofl_job_submit(env, &p->job, argv[7], (int)lane, timeout);
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &r));
  return r;
}

napi_status ofl_napi_init_image_pipeline(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"imagePipelineSync", NULL, pipe_sync, NULL, NULL, NULL, napi_default,
       NULL},
      {"imagePipeline", NULL, pipe_async, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, 2, props);
}
