/* Streaming contexts for createHash(), and hashMany(). A context is
 * wrapped in a JS external; at most one update job uses it at a time (the
 * `busy` flag backs up the one-write-in-flight rule of lib/hash-stream). */
#include <stdlib.h>
#include <string.h>

#include "hash_args.h"
#include "napi_env.h"
#include "ofl_checked.h"
#include "ofl_errors.h"

typedef struct {
  ofl_hash_ctx_t *ctx;
  size_t digest_size;
  int busy;
} hash_stream_t;

static void stream_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  hash_stream_t *s = data;
  ofl_hash_ctx_free(s->ctx);
  free(s);
}

static hash_stream_t *unwrap(napi_env env, napi_value v) {
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "expected a hash context");
    return NULL;
  }
  hash_stream_t *s = data;
  if (s->busy) {
    ofl_napi_throw(env, "ERR_OFFLOAD_BUSY", "a hash update is in flight");
    return NULL;
  }
  if (s->ctx == NULL) {
    ofl_napi_throw(env, "ERR_INVALID_STATE", "Digest already called");
    return NULL;
  }
  return s;
}

/* hashCreate(algo, key, seed, outLen) → external */
static napi_value hash_create(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ofl_hash_args_t a;
  if (ofl_hash_args_parse(env, argv, &a) != 0) return NULL;
  hash_stream_t *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  int err = ofl_hash_ctx_create(a.algo, &a.opts, &s->ctx);
  if (err != 0) {
    free(s);
    napi_throw(env, ofl_napi_error(env, err, "createHash"));
    return NULL;
  }
  s->digest_size = a.digest_size;
  napi_value ext;
  napi_status st = napi_create_external(env, s, stream_finalize, NULL, &ext);
  if (st != napi_ok) {
    stream_finalize(env, s, NULL);
    ofl_napi_check(env, st, "napi_create_external");
    return NULL;
  }
  return ext;
}

/* hashUpdateSync(ctx, data) */
static napi_value hash_update_sync(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  hash_stream_t *s = unwrap(env, argv[0]);
  ofl_bytes_t in;
  if (s == NULL || ofl_napi_get_bytes(env, argv[1], "data", &in) != 0)
    return NULL;
  int err = ofl_hash_ctx_update(s->ctx, in.data, in.len);
  if (err != 0) napi_throw(env, ofl_napi_error(env, err, "update"));
  return NULL;
}

typedef struct {
  ofl_job_t job;
  hash_stream_t *stream; /* pinned through its external */
  ofl_iov_t *iov;
  uint32_t count;
  /* hashMany */
  ofl_hash_args_t args;
  uint8_t *outs;
} update_job_t;

static int update_work(ofl_job_t *job) {
  update_job_t *u = (update_job_t *)job;
  for (uint32_t i = 0; i < u->count; i++) {
    int err = ofl_task_should_stop(&job->task);
    if (err == 0)
      err = ofl_hash_ctx_update(u->stream->ctx, u->iov[i].data, u->iov[i].len);
    if (err != 0) return err;
  }
  return 0;
}

static void update_destroy(ofl_job_t *job) {
  update_job_t *u = (update_job_t *)job;
  if (u->stream != NULL) u->stream->busy = 0;
  free(u->iov);
  free(u->outs);
}

/* Frees the context for the next write before JS hears of completion. */
static int update_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  (void)status;
  update_job_t *u = (update_job_t *)job;
  u->stream->busy = 0;
  return 1;
}

static const ofl_job_vtable_t update_vt = {update_work, NULL, update_destroy,
                                           update_settle, "hashUpdate"};

static int64_t pin_and_submit(napi_env env, update_job_t *u, napi_value pin1,
                              napi_value pin2, napi_value cb, uint32_t lane,
                              double timeout) {
  if (ofl_job_pin(env, &u->job, pin1) != napi_ok ||
      (pin2 != NULL && ofl_job_pin(env, &u->job, pin2) != napi_ok)) {
    ofl_job_discard(env, &u->job);
    return OFL_EINTERNAL;
  }
  return ofl_job_submit(env, &u->job, cb, (int)lane, timeout);
}

/* hashUpdate(ctx, chunks[], lane, cb) → id | negative code */
static napi_value hash_update(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  hash_stream_t *s = unwrap(env, argv[0]);
  uint32_t lane = 0;
  if (s == NULL || ofl_napi_get_u32(env, argv[2], "lane", &lane) != 0)
    return NULL;
  update_job_t *u = (update_job_t *)ofl_job_alloc(sizeof(*u), &update_vt);
  if (u == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  if (ofl_hash_gather(env, argv[1], &u->iov, &u->count) != 0) {
    ofl_job_discard(env, &u->job);
    return NULL;
  }
  s->busy = 1;
  u->stream = s;
  int64_t id = pin_and_submit(env, u, argv[0], argv[1], argv[3], lane, 0);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

/* hashDigest(ctx) → Buffer; the context is spent afterwards. */
static napi_value hash_digest(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  hash_stream_t *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
  void *data;
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_buffer(env, s->digest_size, &data, &out));
  int err = ofl_hash_ctx_final(s->ctx, data, s->digest_size);
  ofl_hash_ctx_free(s->ctx);
  s->ctx = NULL;
  if (err < 0) {
    napi_throw(env, ofl_napi_error(env, err, "digest"));
    return NULL;
  }
  return out;
}

/* ---- hashMany: many small inputs in one task ------------------------- */

static int many_work(ofl_job_t *job) {
  update_job_t *u = (update_job_t *)job;
  size_t d = u->args.digest_size;
  for (uint32_t i = 0; i < u->count; i++) {
    if ((i & 255) == 0) {
      int stop = ofl_task_should_stop(&job->task);
      if (stop != 0) return stop;
    }
    int err = ofl_hash_oneshot(u->args.algo, &u->args.opts, u->iov[i].data,
                               u->iov[i].len, u->outs + (size_t)i * d, d);
    if (err < 0) return err;
  }
  return 0;
}

static napi_status many_result(napi_env env, ofl_job_t *job, napi_value *out) {
  update_job_t *u = (update_job_t *)job;
  size_t d = u->args.digest_size;
  OFL_NAPI_TRY(env, napi_create_array_with_length(env, u->count, out));
  for (uint32_t i = 0; i < u->count; i++) {
    napi_value b;
    OFL_NAPI_TRY(env, napi_create_buffer_copy(env, d, u->outs + (size_t)i * d,
                                              NULL, &b));
    OFL_NAPI_TRY(env, napi_set_element(env, *out, i, b));
  }
  return napi_ok;
}

static const ofl_job_vtable_t many_vt = {many_work, many_result, update_destroy,
                                         NULL, "hashMany"};

/* hashMany(list[], algo, key, seed, outLen, lane, timeout, cb) */
static napi_value hash_many(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t lane = 0;
  double timeout = 0;
  update_job_t *u = (update_job_t *)ofl_job_alloc(sizeof(*u), &many_vt);
  if (u == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  size_t total = 0;
  if (ofl_hash_args_parse(env, argv + 1, &u->args) != 0 ||
      ofl_napi_get_u32(env, argv[5], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[6], "timeout", &timeout) != 0 ||
      ofl_hash_gather(env, argv[0], &u->iov, &u->count) != 0) {
    ofl_job_discard(env, &u->job);
    return NULL;
  }
  if (u->args.opts.key != NULL) u->args.opts.key = u->args.key;
  if (!ofl_mul_size(u->count ? u->count : 1, u->args.digest_size, &total) ||
      (u->outs = malloc(total)) == NULL) {
    ofl_job_discard(env, &u->job);
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  int64_t id = pin_and_submit(env, u, argv[0], NULL, argv[7], lane, timeout);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

napi_status ofl_napi_init_hash_stream(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"hashCreate", NULL, hash_create, NULL, NULL, NULL, napi_default, NULL},
      {"hashUpdate", NULL, hash_update, NULL, NULL, NULL, napi_default, NULL},
      {"hashUpdateSync", NULL, hash_update_sync, NULL, NULL, NULL, napi_default,
       NULL},
      {"hashDigest", NULL, hash_digest, NULL, NULL, NULL, napi_default, NULL},
      {"hashMany", NULL, hash_many, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                                props);
}
