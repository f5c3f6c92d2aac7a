/* Shared by the image binding files: unwrapping a view and an op's
 * parameter record (the layouts lib/image/ packs). Each returns 0, or a
 * negative OFL_E* with a JS exception pending. */
#ifndef OFL_IMAGE_BINDING_H
#define OFL_IMAGE_BINDING_H

#include "napi_env.h"
#include "napi_util.h"
#include "ofl_image.h"

/* (data, Uint32Array [width, height, channels, stride, format]); checks
 * the view. backing (may be NULL) gets the object to pin. */
int ofl__napi_image_view(napi_env env, napi_value data, napi_value geom,
                         const char *name, ofl_image_t *im,
                         napi_value *backing);
/* The Float64Array parameter record into *o (kernel/table unset). */
int ofl__napi_image_params(napi_env env, napi_value params, ofl_image_op_t *o);
/* convolve's Float32Array kernel or lut's table, pointed to (not
 * copied) from *o; nothing for other ops. */
int ofl__napi_image_extra(napi_env env, napi_value extra,
                          ofl_image_format_t format, ofl_image_op_t *o);
/* For a settle hook, on the JS thread: a job whose input (pins[0]) was
 * detached while `what` ran fails with OFL_EINVAL (status 0 only). */
void ofl__napi_check_attached(napi_env env, ofl_job_t *job, const char *what,
                              int *status);
/* A job's result hook: the output it pinned second (pins[1]). */
napi_status ofl__napi_pinned_result(napi_env env, ofl_job_t *job,
                                    napi_value *out);
/* Stats as lib/ reads them (channels * 8 + 1 doubles): per channel min,
 * max, sum, squaresSum, minX, minY, maxX, maxY; then the pixel count. */
void ofl__napi_write_stats(const ofl_image_stats_t *s, double *out);
/* 1 for undefined or null. */
int ofl__napi_is_nullish(napi_env env, napi_value v);

#endif
