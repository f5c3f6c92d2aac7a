/* Image kernels: imageResizeSync (calling thread) and imageResize (a job
 * group: the output rows are split into bands, one executor job each, all
 * sharing one precomputed plan). The output is allocated by V8 before
 * dispatch and pinned with the input; the band that settles last checks
 * that the input was not detached meanwhile and delivers the output. */
#include <stdlib.h>
#include <string.h>

#include "napi_env.h"
#include "ofl_errors.h"
#include "ofl_image.h"

#define MAX_BANDS 256u

/* Geometry as lib/image/resize.js packs it into a Uint32Array. */
enum {
  G_IN_W,
  G_IN_H,
  G_CH,
  G_STRIDE,
  G_FORMAT,
  G_OUT_W,
  G_OUT_H,
  G_VIRT_W,
  G_VIRT_H,
  G_OFF_X,
  G_OFF_Y,
  G_KERNEL,
  G_COUNT
};

typedef struct {
  ofl_image_t src, dst;
  ofl_image_resize_opts_t opts;
  napi_value input;  /* what to pin: the input's backing store */
  napi_value output; /* the Buffer or Float32Array handed back */
} resize_args_t;

/* Unwraps the arguments and allocates the output. @return 0, or a negative
 * OFL_E* code with a JS exception pending. */
static int parse_args(napi_env env, napi_value data, napi_value geom,
                      resize_args_t *a) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t count = 0;
  void *gp = NULL;
  if (napi_is_typedarray(env, geom, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, geom, &type, &count, &gp, NULL, NULL) !=
          napi_ok ||
      type != napi_uint32_array || count < G_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "resize: bad geometry");
    return OFL_EINVAL;
  }
  uint32_t g[G_COUNT];
  memcpy(g, gp, sizeof(g));
  ofl_bytes_t in;
  if (ofl_napi_get_bytes(env, data, "image.data", &in) != 0) return OFL_EINVAL;
  memset(a, 0, sizeof(*a));
  const size_t ss = g[G_FORMAT] == OFL_IMAGE_F32 ? sizeof(float) : 1;
  if (g[G_FORMAT] >= OFL_IMAGE_FORMAT_COUNT ||
      g[G_KERNEL] >= OFL_IMAGE_KERNEL_COUNT || ((uintptr_t)in.data % ss) != 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE",
                   "resize: bad format or kernel");
    return OFL_EINVAL;
  }
  a->src = (ofl_image_t){in.data,
                         in.len / ss,
                         g[G_STRIDE],
                         g[G_IN_W],
                         g[G_IN_H],
                         g[G_CH],
                         (ofl_image_format_t)g[G_FORMAT]};
  a->opts =
      (ofl_image_resize_opts_t){(ofl_image_kernel_t)g[G_KERNEL], g[G_VIRT_W],
                                g[G_VIRT_H], g[G_OFF_X], g[G_OFF_Y]};
  a->input = in.backing;
  /* The cheap checks again (lib/ validated): they keep the allocation
   * below bounded by the pixel cap. */
  size_t need = 0;
  int err = ofl_image_min_len(g[G_OUT_W], g[G_OUT_H], g[G_CH], 0, &need);
  if (err == 0)
    err = ofl_image_min_len(g[G_IN_W], g[G_IN_H], g[G_CH], g[G_STRIDE],
                            &(size_t){0});
  if (err != 0) {
    napi_throw(env, ofl_napi_error(env, err, "resize geometry"));
    return err;
  }
  void *out = NULL;
  napi_status s;
  if (ss == 1) {
    s = napi_create_buffer(env, need, &out, &a->output);
  } else {
    napi_value ab;
    s = napi_create_arraybuffer(env, need * ss, &out, &ab);
    if (s == napi_ok)
      s = napi_create_typedarray(env, napi_float32_array, need, ab, 0,
                                 &a->output);
  }
  if (!ofl_napi_check(env, s, "resize: allocate output")) return OFL_ENOMEM;
  a->dst = (ofl_image_t){out,
                         need,
                         0,
                         g[G_OUT_W],
                         g[G_OUT_H],
                         g[G_CH],
                         (ofl_image_format_t)g[G_FORMAT]};
  return 0;
}

/* imageResizeSync(data, geom) → the output Buffer / Float32Array. */
static napi_value resize_sync(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  resize_args_t a;
  if (argc < 2 || parse_args(env, argv[0], argv[1], &a) != 0) return NULL;
  int err = ofl_image_resize(&a.src, &a.dst, &a.opts);
  if (err != 0) {
    napi_throw(env, ofl_napi_error(env, err, "resize"));
    return NULL;
  }
  return a.output;
}

/* ---- async: a group of row bands ---------------------------------------- */

/* Shared by the bands. Counters are touched on the JS thread only; the
 * plan is read-only once built. */
typedef struct {
  ofl_image_plan_t *plan;
  ofl_env_t *env;
  uint32_t group;
  int refs;  /* bands not yet destroyed, plus the submitter while it runs */
  int bands; /* bands submitted */
  int settled;
  int err; /* first failure */
} band_group_t;

typedef struct {
  ofl_job_t job; /* pins[0] = input backing, pins[1] = output */
  band_group_t *g;
  uint32_t y0, y1;
} band_job_t;

static int band_should_stop(void *task) {
  return ofl_task_should_stop((ofl_task_t *)task);
}

static int band_work(ofl_job_t *job) {
  band_job_t *b = (band_job_t *)job;
  return ofl_image_plan_run(b->g->plan, b->y0, b->y1, band_should_stop,
                            &job->task);
}

static int band_settle(napi_env env, ofl_job_t *job, int *status) {
  band_group_t *g = ((band_job_t *)job)->g;
  g->settled++;
  if (*status != 0 && g->err == 0) {
    g->err = *status;
    ofl_env_cancel(g->env, g->group, OFL_ECANCELED); /* stop the others */
  }
  if (g->settled < g->bands) return 0;
  *status = g->err;
  napi_value input;
  bool detached = false;
  if (*status == 0 &&
      (napi_get_reference_value(env, job->pins[0], &input) != napi_ok ||
       (napi_is_detached_arraybuffer(env, input, &detached) == napi_ok &&
        detached))) {
    *status = OFL_EINVAL;
    snprintf(job->detail, sizeof(job->detail),
             "the input buffer was detached while the resize ran");
  }
  return 1;
}

static napi_status band_result(napi_env env, ofl_job_t *job, napi_value *out) {
  return napi_get_reference_value(env, job->pins[1], out);
}

static void band_group_unref(band_group_t *g) {
  if (g == NULL || --g->refs > 0) return;
  ofl_image_plan_free(g->plan);
  free(g);
}

static void band_destroy(ofl_job_t *job) {
  band_group_unref(((band_job_t *)job)->g);
}

static const ofl_job_vtable_t band_vt = {band_work, band_result, band_destroy,
                                         band_settle, "image-resize"};

/* Submits `bands` jobs over the plan's rows. @return the group's id (the
 * first job's) or a negative OFL_E* (then no callback ever runs). */
static int64_t submit_bands(napi_env env, band_group_t *g,
                            const resize_args_t *a, uint32_t bands,
                            napi_value cb, int lane, double timeout) {
  const uint32_t rows = a->dst.height;
  int64_t first = 0;
  g->env = ofl_env_get(env);
  g->refs = 1; /* this function's, dropped at the end */
  for (uint32_t i = 0; i < bands && g->err == 0; i++) {
    band_job_t *b = (band_job_t *)ofl_job_alloc(sizeof(*b), &band_vt);
    if (b == NULL) {
      g->err = OFL_ENOMEM;
      break;
    }
    if (ofl_job_pin(env, &b->job, a->input) != napi_ok ||
        ofl_job_pin(env, &b->job, a->output) != napi_ok) {
      ofl_job_discard(env, &b->job); /* not attached to g yet */
      g->err = OFL_EINTERNAL;
      break;
    }
    b->g = g;
    b->y0 = (uint32_t)((uint64_t)rows * i / bands);
    b->y1 = (uint32_t)((uint64_t)rows * (i + 1) / bands);
    b->job.group = (uint32_t)first;
    g->refs++;
    int64_t id = ofl_job_submit(env, &b->job, cb, lane, timeout);
    if (id < 0) { /* freed through band_destroy */
      g->err = (int)id;
      break;
    }
    if (i == 0) first = id, g->group = (uint32_t)id;
    g->bands++;
  }
  const int submitted = g->bands, err = g->err;
  if (submitted > 0 && err != 0)
    ofl_env_cancel(g->env, g->group, OFL_ECANCELED);
  band_group_unref(g);
  if (submitted == 0) return err != 0 ? err : OFL_EINTERNAL;
  return first;
}

/* imageResize(data, geom, bands, lane, timeoutMs, callback) → id | negative
 * OFL_E*; callback(status, output, detail). Argument errors throw (lib/
 * turns them into a rejection). */
static napi_value resize_async(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t bands = 0, lane = 0;
  double timeout = 0;
  resize_args_t a;
  if (argc < 6 || ofl_napi_get_u32(env, argv[2], "bands", &bands) != 0 ||
      ofl_napi_get_u32(env, argv[3], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[4], "timeout", &timeout) != 0)
    return NULL;
  if (lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "imageResize: bad lane");
    return NULL;
  }
  if (parse_args(env, argv[0], argv[1], &a) != 0) return NULL;
  int64_t id = OFL_ENOMEM;
  band_group_t *g = calloc(1, sizeof(*g));
  int err = g == NULL
                ? OFL_ENOMEM
                : ofl_image_plan_create(&a.src, &a.dst, &a.opts, &g->plan);
  if (err != 0) {
    free(g);
    id = err;
  } else {
    if (bands < 1) bands = 1;
    if (bands > MAX_BANDS) bands = MAX_BANDS;
    if (bands > a.dst.height) bands = a.dst.height;
    id = submit_bands(env, g, &a, bands, argv[5], (int)lane, timeout);
  }
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

static napi_value kernel_names(napi_env env) {
  napi_value arr;
  OFL_NAPI_CALL(env, napi_create_array(env, &arr));
  for (uint32_t i = 0; i < OFL_IMAGE_KERNEL_COUNT; i++) {
    napi_value s;
    OFL_NAPI_CALL(env, napi_create_string_utf8(
                           env, ofl_image_kernel_name((ofl_image_kernel_t)i),
                           NAPI_AUTO_LENGTH, &s));
    OFL_NAPI_CALL(env, napi_set_element(env, arr, i, s));
  }
  return arr;
}

napi_status ofl_napi_init_image(napi_env env, napi_value exports) {
  napi_value names = kernel_names(env), max_dim, max_px;
  if (names == NULL) return napi_pending_exception;
  OFL_NAPI_TRY(env, napi_create_uint32(env, OFL_IMAGE_MAX_DIM, &max_dim));
  OFL_NAPI_TRY(env, napi_create_uint32(env, OFL_IMAGE_MAX_PIXELS, &max_px));
  napi_property_descriptor props[] = {
      {"imageResizeSync", NULL, resize_sync, NULL, NULL, NULL, napi_default,
       NULL},
      {"imageResize", NULL, resize_async, NULL, NULL, NULL, napi_default, NULL},
      {"imageKernels", NULL, NULL, NULL, NULL, names, napi_enumerable, NULL},
      {"imageMaxDim", NULL, NULL, NULL, NULL, max_dim, napi_enumerable, NULL},
      {"imageMaxPixels", NULL, NULL, NULL, NULL, max_px, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, 5, props);
}
