/* Image kernels: imageResizeSync (calling thread) and imageResize (a job
 * group: the output rows are split into bands, one executor job each, all
 * sharing one precomputed plan). The output is allocated by V8 before
 * dispatch and pinned with the input; the band that settles last checks
 * that the input was not detached meanwhile and delivers the output. */
#include "image_binding.h"

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
  memset(a, 0, sizeof(*a));
  if (g[G_KERNEL] >= OFL_IMAGE_KERNEL_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "resize: bad kernel");
    return OFL_EINVAL;
  }
  /* The first five entries are a view's geometry. */
  if (ofl__napi_image_view(env, data, geom, "image.data", &a->src, &a->input) !=
      0)
    return OFL_EINVAL;
  const size_t ss = g[G_FORMAT] == OFL_IMAGE_F32 ? sizeof(float) : 1;
  a->opts =
      (ofl_image_resize_opts_t){(ofl_image_kernel_t)g[G_KERNEL], g[G_VIRT_W],
                                g[G_VIRT_H], g[G_OFF_X], g[G_OFF_Y]};
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

/* Shared by the bands: the plan, read-only once built. */
typedef struct {
  ofl_group_t g; /* first */
  ofl_image_plan_t *plan;
  uint32_t rows, bands;
} band_state_t;

static int band_should_stop(void *task) {
  return ofl_task_should_stop((ofl_task_t *)task);
}

static int band_work(ofl_job_t *job) {
  ofl_group_job_t *p = (ofl_group_job_t *)job;
  band_state_t *st = p->state;
  const uint32_t y0 = (uint32_t)((uint64_t)st->rows * p->index / st->bands);
  const uint32_t y1 =
      (uint32_t)((uint64_t)st->rows * (p->index + 1) / st->bands);
  return ofl_image_plan_run(st->plan, y0, y1, band_should_stop, &job->task);
}

static int band_settle(napi_env env, ofl_job_t *job, int *status) {
  band_state_t *st = ((ofl_group_job_t *)job)->state;
  if (!ofl_group_settle(&st->g, status)) return 0;
  *status = st->g.err;
  ofl__napi_check_attached(env, job, "resize", status);
  return 1;
}

static void band_unref(void *state) {
  band_state_t *st = state;
  if (st == NULL || --st->g.refs > 0) return;
  ofl_image_plan_free(st->plan);
  free(st);
}

static void band_destroy(ofl_job_t *job) {
  band_unref(((ofl_group_job_t *)job)->state);
}

static const ofl_job_vtable_t band_vt = {band_work, ofl__napi_pinned_result,
                                         band_destroy, band_settle,
                                         "image-resize"};

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
  band_state_t *st = calloc(1, sizeof(*st));
  int err = st == NULL
                ? OFL_ENOMEM
                : ofl_image_plan_create(&a.src, &a.dst, &a.opts, &st->plan);
  if (err != 0) {
    free(st);
    id = err;
  } else {
    if (bands < 1) bands = 1;
    if (bands > MAX_BANDS) bands = MAX_BANDS;
    if (bands > a.dst.height) bands = a.dst.height;
    st->rows = a.dst.height;
    st->bands = bands;
    const napi_value pins[2] = {a.input, a.output};
    id = ofl_group_submit(env, &st->g, st, bands, &band_vt, pins, 2, band_unref,
                          argv[5], (int)lane, timeout);
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
