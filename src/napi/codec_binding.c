/* One-shot compress/decompress: sync on the calling thread, async as an
 * executor job. lib/codec/one_shot.js validates; this file keeps only the cheap
 * checks that keep native code safe. */
#include "codec_binding.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "napi_env.h"
#include "napi_modules.h"
#include "ofl_errors.h"

int ofl_codec_read_opts(napi_env env, const napi_value *argv,
                        ofl_codec_id_t *codec, ofl_codec_opts_t *opts,
                        ofl_bytes_t *dict) {
  uint32_t id = 0, flags = 0;
  int32_t level = 0;
  double max_out = -1;
  ofl_codec_opts_init(opts);
  memset(dict, 0, sizeof(*dict));
  if (ofl_napi_get_u32(env, argv[0], "codec", &id) != 0) return OFL_EINVAL;
  if (napi_get_value_int32(env, argv[1], &level) != napi_ok) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "level must be an int32");
    return OFL_EINVAL;
  }
  if (ofl_napi_get_u32(env, argv[2], "flags", &flags) != 0 ||
      ofl_napi_get_double(env, argv[4], "maxOutputLength", &max_out) != 0)
    return OFL_EINVAL;
  if (ofl_codec_name((ofl_codec_id_t)id) == NULL) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "unknown codec id");
    return OFL_EINVAL;
  }
  napi_valuetype t;
  if (napi_typeof(env, argv[3], &t) != napi_ok) return OFL_EINTERNAL;
  if (t != napi_undefined) {
    int err = ofl_napi_get_bytes(env, argv[3], "dictionary", dict);
    if (err != 0) return err;
    opts->dict = dict->data;
    opts->dict_len = dict->len;
  }
  *codec = (ofl_codec_id_t)id;
  opts->level = level;
  opts->checksum = (flags & 0xff) != 0;
  opts->workers = (int)((flags >> 8) & 0xff);
  opts->window_log_max = (int)((flags >> 16) & 0xff);
  /* 2^53 and above means "no limit" as far as a size_t can tell. */
  if (max_out >= 0 && max_out < 9007199254740992.0)
    opts->max_output = (size_t)max_out;
  return 0;
}

int ofl_codec_read_call(napi_env env, napi_callback_info info, size_t want,
                        napi_value *argv, const char *data_name,
                        ofl_codec_call_t *call) {
  size_t argc = want;
  if (!ofl_napi_check(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL),
                      "napi_get_cb_info"))
    return OFL_EINTERNAL;
  if (argc < want) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "missing arguments");
    return OFL_EINVAL;
  }
  if (ofl_napi_get_u32(env, argv[0], "mode", &call->mode) != 0)
    return OFL_EINVAL;
  int err = ofl_codec_read_opts(env, argv + 1, &call->codec, &call->opts,
                                &call->dict);
  return err != 0 ? err
                  : ofl_napi_get_bytes(env, argv[6], data_name, &call->data);
}

static void free_external(napi_env env, void *data, void *hint) {
  int64_t ignored;
  free(data);
  napi_adjust_external_memory(env, -(int64_t)(uintptr_t)hint, &ignored);
}

napi_status ofl_codec_output_to_buffer(napi_env env, ofl_codec_output_t *out,
                                       napi_value *result) {
  ofl_codec_output_t o = *out;
  memset(out, 0, sizeof(*out));
  if (o.len == 0) {
    ofl_codec_free_output(&o);
    return napi_create_buffer(env, 0, NULL, result);
  }
  /* Decompression grows its buffer geometrically: give back a large tail
   * so V8's accounting matches what the Buffer really holds. */
  if (o.cap - o.len > o.len / 4 + 4096) {
    uint8_t *p = realloc(o.ptr, o.len);
    if (p != NULL) o.ptr = p, o.cap = o.len;
  }
  napi_status st = napi_create_external_buffer(
      env, o.len, o.ptr, free_external, (void *)(uintptr_t)o.cap, result);
  if (st == napi_ok) {
    int64_t ignored;
    napi_adjust_external_memory(env, (int64_t)o.cap, &ignored);
    return napi_ok;
  }
  /* napi_no_external_buffers_allowed (sandboxed V8) or failure: copy. */
  napi_value exc;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
    napi_get_and_clear_last_exception(env, &exc);
  st = napi_create_buffer_copy(env, o.len, o.ptr, NULL, result);
  ofl_codec_free_output(&o);
  return st;
}

static int run_codec(int mode, ofl_codec_id_t codec,
                     const ofl_codec_opts_t *opts, const uint8_t *in,
                     size_t len, ofl_codec_output_t *out) {
  return mode == OFL_CODEC_COMPRESS
             ? ofl_codec_compress(codec, opts, in, len, out)
             : ofl_codec_decompress(codec, opts, in, len, out);
}

/* Outputs whose size (or bound) is known up front go into a V8 buffer
 * allocated before the work (DESIGN.md §4): V8 recycles those pages, while
 * a fresh native allocation per call faults every page in again, which
 * cost more than the coding itself on fast codecs (bench/compress.js).
 * Decompression: the size a lone frame declares (checked when decoding).
 * Compression: the codec's bound. Sets *buf and *dst, or leaves them NULL
 * (then the call allocates natively). */
static void v8_output(napi_env env, const ofl_codec_call_t *c, int fast,
                      napi_value *buf, uint8_t **dst, size_t *size) {
  size_t n = 0;
  *buf = NULL;
  *dst = NULL;
  *size = 0;
  if (!fast) return;
  if (c->mode == OFL_CODEC_DECOMPRESS) {
    if (c->opts.dict_len == 0)
      n = ofl_codec_size_hint(c->codec, c->data.data, c->data.len,
                              c->opts.max_output);
  } else if (ofl_codec_compress_bound(c->codec, c->data.len, &n) != 0) {
    n = 0;
  }
  if (n == 0 || ofl_codec_v8_buffer(env, n, dst, buf) != 0) return;
  *size = n;
}

/* Runs the call into dst. @return 0 and *n, 1 when only the allocating
 * path applies, or a negative OFL_E*. */
static int run_into(int mode, ofl_codec_id_t codec,
                    const ofl_codec_opts_t *opts, const uint8_t *in, size_t len,
                    uint8_t *dst, size_t size, size_t *n) {
  *n = size;
  if (mode == OFL_CODEC_DECOMPRESS)
    return ofl_codec_decompress_exact(codec, in, len, dst, size);
  return ofl_codec_compress_to(codec, opts, in, len, dst, size, n);
}

int ofl_codec_v8_buffer(napi_env env, size_t size, uint8_t **data,
                        napi_value *buf) {
  void *p = NULL;
  if (napi_create_buffer(env, size, &p, buf) == napi_ok) {
    *data = p;
    return 0;
  }
  napi_value exc; /* too large for V8: the caller allocates natively */
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
    napi_get_and_clear_last_exception(env, &exc);
  *buf = NULL;
  *data = NULL;
  return -1;
}

int ofl_codec_output_copy(ofl_codec_output_t *out, const uint8_t *src,
                          size_t n) {
  out->ptr = malloc(n ? n : 1);
  if (out->ptr == NULL) return OFL_ENOMEM;
  memcpy(out->ptr, src, n);
  out->len = n;
  out->cap = n ? n : 1;
  return 0;
}

int ofl_codec_worth_a_view(size_t n, size_t size) {
  return n >= size - size / 4;
}

napi_status ofl_codec_view(napi_env env, napi_value buf, size_t n, size_t size,
                           napi_value *out) {
  napi_value fn, args[2];
  napi_status st;
  if (n == size) {
    *out = buf;
    return napi_ok;
  }
  if ((st = napi_get_named_property(env, buf, "subarray", &fn)) != napi_ok ||
      (st = napi_create_uint32(env, 0, &args[0])) != napi_ok ||
      (st = napi_create_double(env, (double)n, &args[1])) != napi_ok)
    return st;
  return napi_call_function(env, buf, fn, 2, args, out);
}

/* codecSync(mode, codec, level, flags, dict, maxOut, input)
 *   → Buffer | negative OFL_E* (lib/ builds the coded error). */
static napi_value codec_sync(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  ofl_codec_call_t c;
  if (ofl_codec_read_call(env, info, 7, argv, "data", &c) != 0) return NULL;
  napi_value v8buf, result;
  uint8_t *dst;
  size_t size, n;
  v8_output(env, &c, 1, &v8buf, &dst, &size);
  if (dst != NULL) {
    int r = run_into((int)c.mode, c.codec, &c.opts, c.data.data, c.data.len,
                     dst, size, &n);
    if (r < 0) {
      OFL_NAPI_CALL(env, napi_create_int32(env, r, &result));
      return result;
    }
    if (r == 0 && ofl_codec_worth_a_view(n, size)) {
      OFL_NAPI_CALL(env, ofl_codec_view(env, v8buf, n, size, &result));
      return result;
    }
    if (r == 0) {
      OFL_NAPI_CALL(env, napi_create_buffer_copy(env, n, dst, NULL, &result));
      return result;
    }
  }
  ofl_codec_output_t out = {0};
  int err =
      run_codec((int)c.mode, c.codec, &c.opts, c.data.data, c.data.len, &out);
  if (err != 0) {
    OFL_NAPI_CALL(env, napi_create_int32(env, err, &result));
    return result;
  }
  OFL_NAPI_CALL(env, ofl_codec_output_to_buffer(env, &out, &result));
  return result;
}

/* ---- async job --------------------------------------------------------- */

typedef struct {
  ofl_job_t job;
  int mode;
  int stoppable;
  ofl_codec_id_t codec;
  ofl_codec_opts_t opts;
  const uint8_t *in;
  size_t len;
  uint8_t *dst; /* pins[npins - 1]'s bytes: the V8 output (v8_output) */
  size_t dst_len;
  size_t dst_used; /* > 0: the result is dst[0..dst_used) */
  ofl_codec_output_t out;
} codec_job_t;

static int job_should_stop(void *arg) {
  return ofl_task_should_stop((ofl_task_t *)arg);
}

static int codec_work(ofl_job_t *job) {
  codec_job_t *c = (codec_job_t *)job;
  /* Without a signal or timeout nobody can stop us: leave should_stop
   * NULL so the core keeps its fast one-shot path. */
  if (c->stoppable) {
    c->opts.should_stop = job_should_stop;
    c->opts.stop_arg = &job->task;
  }
  if (c->dst != NULL) {
    size_t n;
    int r = run_into(c->mode, c->codec, &c->opts, c->in, c->len, c->dst,
                     c->dst_len, &n);
    if (r < 0) return r;
    if (r == 0 && ofl_codec_worth_a_view(n, c->dst_len)) {
      c->dst_used = n; /* > 0: a view is at least 3/4 of a nonzero size */
      return 0;
    }
    if (r == 0) /* copied here, off the event loop */
      return ofl_codec_output_copy(&c->out, c->dst, n);
  }
  return run_codec(c->mode, c->codec, &c->opts, c->in, c->len, &c->out);
}

static napi_status codec_result(napi_env env, ofl_job_t *job, napi_value *out) {
  codec_job_t *c = (codec_job_t *)job;
  napi_value buf;
  napi_status st;
  if (c->dst_used == 0) return ofl_codec_output_to_buffer(env, &c->out, out);
  st = napi_get_reference_value(env, job->pins[job->npins - 1], &buf);
  if (st != napi_ok) return st;
  return ofl_codec_view(env, buf, c->dst_used, c->dst_len, out);
}

static void codec_destroy(ofl_job_t *job) {
  ofl_codec_free_output(&((codec_job_t *)job)->out);
}

static const ofl_job_vtable_t codec_vt = {codec_work, codec_result,
                                          codec_destroy, NULL, "codec"};

/* codecAsync(mode, codec, level, flags, dict, maxOut, input, stoppable,
 *            lane, deadlineMs, callback) → id | negative OFL_E* */
static napi_value codec_async(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  uint32_t stoppable = 0, lane = 0;
  double deadline = 0;
  ofl_codec_call_t call;
  if (ofl_codec_read_call(env, info, 11, argv, "data", &call) != 0 ||
      ofl_napi_get_u32(env, argv[7], "stoppable", &stoppable) != 0 ||
      ofl_napi_get_u32(env, argv[8], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[9], "deadline", &deadline) != 0)
    return NULL;
  if (lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "lane out of range");
    return NULL;
  }
  codec_job_t *c = (codec_job_t *)ofl_job_alloc(sizeof(*c), &codec_vt);
  if (c == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  c->mode = (int)call.mode;
  c->stoppable = stoppable != 0;
  c->codec = call.codec;
  c->opts = call.opts;
  c->in = call.data.data;
  c->len = call.data.len;
  napi_value exact;
  v8_output(env, &call, !c->stoppable, &exact, &c->dst, &c->dst_len);
  if (ofl_job_pin(env, &c->job, call.data.backing) != napi_ok ||
      (call.dict.backing != NULL &&
       ofl_job_pin(env, &c->job, call.dict.backing) != napi_ok) ||
      (exact != NULL && ofl_job_pin(env, &c->job, exact) != napi_ok)) {
    ofl_job_discard(env, &c->job);
    ofl_napi_check(env, napi_generic_failure, "pin");
    return NULL;
  }
  int64_t id = ofl_job_submit(env, &c->job, argv[10], (int)lane, deadline);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

/* codecInfo() → { gzip: [id, min, max, default], ... } */
static napi_value codec_info(napi_env env) {
  napi_value o;
  OFL_NAPI_CALL(env, napi_create_object(env, &o));
  for (int id = OFL_CODEC_GZIP; id <= OFL_CODEC_AUTO; id++) {
    int lo = 0, hi = 0, def = 0;
    ofl_codec_level_range((ofl_codec_id_t)id, &lo, &hi, &def);
    const int vals[4] = {id, lo, hi, def};
    napi_value arr, v;
    OFL_NAPI_CALL(env, napi_create_array_with_length(env, 4, &arr));
    for (uint32_t i = 0; i < 4; i++) {
      OFL_NAPI_CALL(env, napi_create_int32(env, vals[i], &v));
      OFL_NAPI_CALL(env, napi_set_element(env, arr, i, v));
    }
    OFL_NAPI_CALL(env, napi_set_named_property(
                           env, o, ofl_codec_name((ofl_codec_id_t)id), arr));
  }
  return o;
}

napi_status ofl_napi_init_codec(napi_env env, napi_value exports) {
  napi_value info = codec_info(env), max_workers;
  if (info == NULL) return napi_pending_exception;
  napi_status mw = napi_create_int32(env, ofl_codec_max_workers(OFL_CODEC_ZSTD),
                                     &max_workers);
  if (mw != napi_ok) return mw;
  napi_property_descriptor props[] = {
      {"codecSync", NULL, codec_sync, NULL, NULL, NULL, napi_default, NULL},
      {"codecAsync", NULL, codec_async, NULL, NULL, NULL, napi_default, NULL},
      {"codecs", NULL, NULL, NULL, NULL, info, napi_enumerable, NULL},
      {"zstdMaxWorkers", NULL, NULL, NULL, NULL, max_workers, napi_enumerable,
       NULL},
  };
  napi_status st = napi_define_properties(
      env, exports, sizeof(props) / sizeof(props[0]), props);
  if (st != napi_ok) return st;
  if ((st = ofl_napi_init_codec_stream(env, exports)) != napi_ok) return st;
  if ((st = ofl_napi_init_codec_frames(env, exports)) != napi_ok) return st;
  return ofl_napi_init_codec_parallel(env, exports);
}
