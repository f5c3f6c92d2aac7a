/* Stream contexts for lib/codec/stream.js, in node zlib's shape: one
 * native context per stream, at most one write in flight, results in an
 * Int32Array shared at creation ([ret, consumed, produced]) so no call
 * allocates, and a close during a write deferred until it completes. */
#include <stdlib.h>
#include <string.h>

#include "codec_binding.h"
#include "napi_env.h"
#include "ofl_errors.h"

typedef struct {
  ofl_codec_stream_t *ctx; /* NULL once closed */
  int refs;                /* the JS wrapper + an in-flight job */
  int busy;
  int close_pending;
  int32_t *state;
  napi_ref state_ref;
} cstream_t;

enum { ST_RET, ST_CONSUMED, ST_PRODUCED };

/* Every refs change happens on the env's JS thread (job destroy runs from
 * the sink drain or the env teardown hook, both on that thread). */
static void cstream_unref(napi_env env, cstream_t *s) {
  if (--s->refs > 0) return;
  ofl_codec_stream_free(s->ctx);
  if (s->state_ref != NULL) napi_delete_reference(env, s->state_ref);
  free(s);
}

static void cstream_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  cstream_unref(env, data);
}

/* streamCreate(mode, codec, level, flags, dict, maxOut, state)
 *   → handle | negative OFL_E* */
static napi_value stream_create(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  ofl_codec_call_t c;
  if (ofl_codec_read_call(env, info, 7, argv, "state", &c) != 0) return NULL;
  const ofl_bytes_t state = c.data;
  if (state.len < 3 * sizeof(int32_t) || ((uintptr_t)state.data & 3) != 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "state must be Int32Array(3)");
    return NULL;
  }
  napi_value result;
  ofl_codec_stream_t *ctx = NULL;
  int err =
      ofl_codec_stream_create((ofl_codec_mode_t)c.mode, c.codec, &c.opts, &ctx);
  if (err != 0) {
    OFL_NAPI_CALL(env, napi_create_int32(env, err, &result));
    return result;
  }
  cstream_t *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    ofl_codec_stream_free(ctx);
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  s->ctx = ctx;
  s->state = (int32_t *)state.data;
  s->refs = 1;
  napi_status st = napi_create_object(env, &result);
  if (st == napi_ok) st = napi_create_reference(env, argv[6], 1, &s->state_ref);
  if (st == napi_ok)
    st = napi_wrap(env, result, s, cstream_finalize, NULL, NULL);
  if (st != napi_ok) {
    cstream_unref(env, s);
    ofl_napi_check(env, st, "stream_create");
    return NULL;
  }
  return result;
}

static cstream_t *unwrap(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_unwrap(env, v, &p) != napi_ok || p == NULL) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "not a codec stream handle");
    return NULL;
  }
  return p;
}

/* The byte range [off, off+len) of a buffer argument, bounds-checked. */
static int get_range(napi_env env, napi_value buf, napi_value off,
                     napi_value len, const char *name, ofl_bytes_t *out) {
  uint32_t o = 0, n = 0;
  if (ofl_napi_get_bytes(env, buf, name, out) != 0 ||
      ofl_napi_get_u32(env, off, name, &o) != 0 ||
      ofl_napi_get_u32(env, len, name, &n) != 0)
    return OFL_EINVAL;
  if ((size_t)o > out->len || (size_t)n > out->len - o) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "offset/length out of bounds");
    return OFL_ERANGE;
  }
  out->data += o;
  out->len = n;
  return 0;
}

typedef struct {
  ofl_job_t job;
  cstream_t *s;
  ofl_codec_in_t in;
  ofl_codec_out_t out;
  ofl_codec_directive_t directive;
  int ret;
  int settled; /* settle ran: busy already cleared, maybe re-set by a new write
                */
} stream_job_t;

static int process(cstream_t *s, ofl_codec_in_t *in, ofl_codec_out_t *out,
                   ofl_codec_directive_t d) {
  return ofl_codec_stream_process(s->ctx, in, out, d);
}

static void publish(cstream_t *s, int ret, const ofl_codec_in_t *in,
                    const ofl_codec_out_t *out) {
  s->state[ST_RET] = ret;
  s->state[ST_CONSUMED] = (int32_t)in->pos;
  s->state[ST_PRODUCED] = (int32_t)out->pos;
}

static int sjob_work(ofl_job_t *job) {
  stream_job_t *j = (stream_job_t *)job;
  j->ret = process(j->s, &j->in, &j->out, j->directive);
  return j->ret < 0 ? j->ret : 0;
}

/* Before the JS callback runs: publish the result and free the slot, so
 * the callback may start the next write at once. */
static int sjob_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  stream_job_t *j = (stream_job_t *)job;
  j->s->busy = 0;
  j->settled = 1;
  publish(j->s, *status != 0 ? *status : j->ret, &j->in, &j->out);
  return 1;
}

static void sjob_destroy(ofl_job_t *job) {
  stream_job_t *j = (stream_job_t *)job;
  cstream_t *s = j->s;
  if (s == NULL) return;        /* discarded before it was attached */
  if (!j->settled) s->busy = 0; /* dropped unsettled (teardown, submit error) */
  if (s->close_pending && !s->busy) {
    ofl_codec_stream_free(s->ctx);
    s->ctx = NULL;
  }
  /* The env is known here only through the job; the wrapper's finalizer
   * cannot run before this (the job pins the handle), so refs >= 2. */
  cstream_unref(job->env->env, s);
}

static const ofl_job_vtable_t sjob_vt = {sjob_work, NULL, sjob_destroy,
                                         sjob_settle, "codec-stream"};

/* streamWrite(handle, directive, in, inOff, inLen, out, outOff, outLen,
 *             callback?) → sync: ret (>0 pending, 0 done, <0 OFL_E*);
 *             async: job id | negative OFL_E*. State is published either
 *             way. Input beyond 1 GiB per call is left for the next call. */
static napi_value stream_write(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t directive = 0;
  ofl_bytes_t in, out;
  cstream_t *s = argc >= 9 ? unwrap(env, argv[0]) : NULL;
  if (s == NULL || ofl_napi_get_u32(env, argv[1], "directive", &directive) ||
      get_range(env, argv[2], argv[3], argv[4], "input", &in) != 0 ||
      get_range(env, argv[5], argv[6], argv[7], "output", &out) != 0)
    return NULL;
  int err = s->ctx == NULL || s->close_pending ? OFL_ECLOSED
            : s->busy                          ? OFL_EBUSY
            : directive > OFL_CODEC_END        ? OFL_EINVAL
                                               : 0;
  if (err != 0) {
    OFL_NAPI_CALL(env, napi_create_int32(env, err, &result));
    return result;
  }
  ofl_codec_in_t cin = {in.data, in.len > (1u << 30) ? (1u << 30) : in.len, 0};
  ofl_codec_out_t cout = {out.data, out.len, 0};
  napi_valuetype t;
  OFL_NAPI_CALL(env, napi_typeof(env, argv[8], &t));
  if (t != napi_function) {
    int ret = process(s, &cin, &cout, (ofl_codec_directive_t)directive);
    publish(s, ret, &cin, &cout);
    OFL_NAPI_CALL(env, napi_create_int32(env, ret, &result));
    return result;
  }
  stream_job_t *j = (stream_job_t *)ofl_job_alloc(sizeof(*j), &sjob_vt);
  if (j == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  j->in = cin;
  j->out = cout;
  j->directive = (ofl_codec_directive_t)directive;
  if (ofl_job_pin(env, &j->job, argv[0]) != napi_ok ||
      ofl_job_pin(env, &j->job, in.backing) != napi_ok ||
      ofl_job_pin(env, &j->job, out.backing) != napi_ok) {
    ofl_job_discard(env, &j->job); /* no destroy effects: s not set yet */
    ofl_napi_check(env, napi_generic_failure, "pin");
    return NULL;
  }
  j->s = s;
  s->refs++;
  s->busy = 1;
  /* On failure submit frees the job through destroy, which undoes both. */
  int64_t id = ofl_job_submit(env, &j->job, argv[8], OFL_LANE_NORMAL, 0);
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

/* streamReset(handle) → 0 | negative OFL_E* */
static napi_value stream_reset(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cstream_t *s = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (s == NULL) return NULL;
  int err = s->ctx == NULL ? OFL_ECLOSED
            : s->busy      ? OFL_EBUSY
                           : ofl_codec_stream_reset(s->ctx);
  OFL_NAPI_CALL(env, napi_create_int32(env, err, &result));
  return result;
}

/* streamClose(handle): frees the context now, or after the write in
 * flight completes. Idempotent. */
static napi_value stream_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  cstream_t *s = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (s == NULL) return NULL;
  if (s->busy) {
    s->close_pending = 1;
  } else {
    ofl_codec_stream_free(s->ctx);
    s->ctx = NULL;
  }
  return NULL;
}

napi_status ofl_napi_init_codec_stream(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"streamCreate", NULL, stream_create, NULL, NULL, NULL, napi_default,
       NULL},
      {"streamWrite", NULL, stream_write, NULL, NULL, NULL, napi_default, NULL},
      {"streamReset", NULL, stream_reset, NULL, NULL, NULL, napi_default, NULL},
      {"streamClose", NULL, stream_close, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                                props);
}
