/* The circuit breaker binding: handles over ofl_breaker_t, the shared
 * block as an external ArrayBuffer, and the per-call entry points.
 *
 * A handle is a napi external over a holder. The holder owns one breaker
 * reference (registry reference for named breakers, ownership for private
 * ones) and counts the JS objects that keep it alive: the external itself
 * and every ArrayBuffer over its shared block. Both finalizers run on the
 * env's own thread (also at env teardown), so a plain counter suffices;
 * whichever runs last gives the breaker back. No statics are mutated.
 *
 * lib/ validates every argument; the checks here only keep native code
 * safe, and each one is the failing napi status turned into an exception. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "napi_util.h"
#include "ofl_breaker.h"
#include "ofl_errors.h"

typedef struct {
  ofl_breaker_t *b;
  int refs;  /* JS objects alive over this holder (same env thread) */
  int named; /* b is from the registry, and pinned by this holder */
  int left;  /* close() already gave back the registry reference */
} holder_t;

enum { OPT_FIELDS = 11, SNAP_FIELDS = 21 };

static void holder_unref(holder_t *h) {
  if (--h->refs > 0) return;
  if (h->named) {
    if (!h->left) ofl_breaker_registry_release(h->b);
    ofl_breaker_registry_unpin(h->b);
  } else {
    ofl_breaker_free(h->b);
  }
  free(h);
}

static void finalize_holder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  holder_unref((holder_t *)data);
}

/* An external ArrayBuffer's finalizer gets the block as data and the
 * holder as hint. */
static void finalize_block(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  holder_unref((holder_t *)hint);
}

/* ---- argument readers (cheap: lib/ has validated) ---------------------- */

static int arg_holder(napi_env env, napi_value v, holder_t **out) {
  void *p = NULL;
  if (!ofl_napi_check(env, napi_get_value_external(env, v, &p), "handle"))
    return 0;
  *out = (holder_t *)p;
  return 1;
}

static int arg_i32(napi_env env, napi_value v, int32_t *out) {
  return ofl_napi_check(env, napi_get_value_int32(env, v, out), "int32");
}

/* Milliseconds from lib's clock: finite and >= 0. */
static int arg_ms(napi_env env, napi_value v, uint64_t *out) {
  double d = 0;
  if (!ofl_napi_check(env, napi_get_value_double(env, v, &d), "ms")) return 0;
  if (!(d >= 0 && d < 9.0e15)) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "breaker: time out of range");
    return 0;
  }
  *out = (uint64_t)d;
  return 1;
}

/* The data of a typed array of `type` with at least `min` elements (and
 * exactly `min` when `exact`). */
static void *arg_array(napi_env env, napi_value v, napi_typedarray_type type,
                       size_t min, int exact) {
  napi_typedarray_type t;
  size_t len = 0;
  void *data = NULL;
  if (!ofl_napi_check(
          env, napi_get_typedarray_info(env, v, &t, &len, &data, NULL, NULL),
          "typed array"))
    return NULL;
  if (t != type || len < min || (exact && len != min)) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "breaker: bad typed array");
    return NULL;
  }
  return data;
}

/* Reads up to `n` arguments of a call whose first one is a handle. */
static int args_handle(napi_env env, napi_callback_info info, size_t n,
                       napi_value *argv, holder_t **h) {
  size_t argc = n;
  if (!ofl_napi_check(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL),
                      "napi_get_cb_info"))
    return 0;
  return arg_holder(env, argv[0], h);
}

static napi_value int_result(napi_env env, int v) {
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int32(env, v, &out));
  return out;
}

/* Wraps a fresh holder; on failure gives the breaker back. */
static napi_value make_handle(napi_env env, ofl_breaker_t *b) {
  holder_t *h = calloc(1, sizeof(*h));
  if (h == NULL) {
    ofl_breaker_free(b);
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  h->b = b;
  h->refs = 1;
  if (ofl_breaker_name(b) != NULL) {
    /* close() may drop the name while JS still reads the block. */
    h->named = 1;
    ofl_breaker_registry_pin(b);
  }
  napi_value ext;
  napi_status st = napi_create_external(env, h, finalize_holder, NULL, &ext);
  if (st != napi_ok) {
    holder_unref(h);
    ofl_napi_check(env, st, "napi_create_external");
    return NULL;
  }
  return ext;
}

/* create(opts: Uint32Array(11), name: string | null, nowMs)
 *   → handle, or a negative OFL_E* status (conflict, bad options). */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const uint32_t *u = arg_array(env, argv[0], napi_uint32_array, OPT_FIELDS, 1);
  uint64_t now = 0;
  if (u == NULL || !arg_ms(env, argv[2], &now)) return NULL;
  const ofl_breaker_opts_t o = {u[0], u[1], u[2], u[3], u[4], u[5],
                                u[6], u[7], u[8], u[9], u[10]};
  napi_valuetype t;
  OFL_NAPI_CALL(env, napi_typeof(env, argv[1], &t));
  ofl_breaker_t *b = NULL;
  int rc;
  if (t == napi_string) {
    char name[256];
    size_t n = 0;
    OFL_NAPI_CALL(
        env, napi_get_value_string_utf8(env, argv[1], name, sizeof(name), &n));
    if (n + 1 >= sizeof(name)) return int_result(env, OFL_ERANGE);
    rc = ofl_breaker_registry_acquire(name, &o, now, &b);
  } else {
    rc = ofl_breaker_create(&o, now, &b);
  }
  if (rc != 0) return int_result(env, rc);
  return make_handle(env, b);
}

/* find(name) → handle of the existing named breaker, or OFL_EINVAL. */
static napi_value find(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[256];
  size_t n = 0;
  OFL_NAPI_CALL(
      env, napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &n));
  ofl_breaker_t *b = NULL;
  int rc =
      n + 1 >= sizeof(name) ? OFL_EINVAL : ofl_breaker_registry_find(name, &b);
  if (rc != 0) return int_result(env, rc);
  return make_handle(env, b);
}

/* block(h) → external ArrayBuffer over the shared block, or null where
 * the runtime forbids external buffers (lib/ then reads through word()). */
static napi_value block(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  holder_t *h;
  if (!args_handle(env, info, 1, argv, &h)) return NULL;
  size_t len = 0;
  void *p = ofl_breaker_shared_block(h->b, &len);
  napi_value ab;
  h->refs++; /* the buffer's own reference, dropped by its finalizer */
  napi_status st =
      napi_create_external_arraybuffer(env, p, len, finalize_block, h, &ab);
  if (st == napi_ok) return ab;
  h->refs--;
  if (st == napi_no_external_buffers_allowed) {
    napi_value null;
    OFL_NAPI_CALL(env, napi_get_null(env, &null));
    return null;
  }
  ofl_napi_check(env, st, "napi_create_external_arraybuffer");
  return NULL;
}

/* word(h) → the state word (the fallback when block() gave null). */
static napi_value word(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  holder_t *h;
  if (!args_handle(env, info, 1, argv, &h)) return NULL;
  _Atomic int32_t *w = (_Atomic int32_t *)ofl_breaker_shared_block(h->b, NULL);
  return int_result(env, atomic_load_explicit(w, memory_order_acquire));
}

/* acquire(h, nowMs) → permit >= 0 or a negative OFL_E* status. */
static napi_value acquire(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  holder_t *h;
  uint64_t now;
  if (!args_handle(env, info, 2, argv, &h) || !arg_ms(env, argv[1], &now))
    return NULL;
  return int_result(env, ofl_breaker_acquire(h->b, now));
}

/* release(h, permit, outcome, nowMs, latencyMs) → state or status. */
static napi_value release(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  holder_t *h;
  int32_t permit, outcome;
  uint64_t now, lat;
  if (!args_handle(env, info, 5, argv, &h) || !arg_i32(env, argv[1], &permit) ||
      !arg_i32(env, argv[2], &outcome) || !arg_ms(env, argv[3], &now) ||
      !arg_ms(env, argv[4], &lat))
    return NULL;
  const uint32_t l = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
  return int_result(env, ofl_breaker_release(h->b, permit, outcome, now, l));
}

/* settle(h, word, outcome, startMs, nowMs, latencyMs) → state or status:
 * the closed fast path, one native call per call (see ofl_breaker_settle). */
static napi_value settle(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  holder_t *h;
  int32_t w, outcome;
  uint64_t start, now, lat;
  if (!args_handle(env, info, 6, argv, &h) || !arg_i32(env, argv[1], &w) ||
      !arg_i32(env, argv[2], &outcome) || !arg_ms(env, argv[3], &start) ||
      !arg_ms(env, argv[4], &now) || !arg_ms(env, argv[5], &lat))
    return NULL;
  const uint32_t l = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
  return int_result(env, ofl_breaker_settle(h->b, w, outcome, start, now, l));
}

/* settleMany(h, word, bins: Uint32Array(24), atMs) → state or status:
 * a batch of closed fast-path successes (ofl_breaker_settle_successes). */
static napi_value settle_many(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  holder_t *h;
  int32_t w;
  uint64_t at;
  if (!args_handle(env, info, 4, argv, &h) || !arg_i32(env, argv[1], &w) ||
      !arg_ms(env, argv[3], &at))
    return NULL;
  const uint32_t *bins = (const uint32_t *)arg_array(
      env, argv[2], napi_uint32_array, OFL_BREAKER_LATENCY_BINS, 1);
  if (bins == NULL) return NULL;
  return int_result(env, ofl_breaker_settle_successes(h->b, w, bins, at));
}

/* record(h, event, count, nowMs): count stat-only events (batched). */
static napi_value record(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  holder_t *h;
  int32_t event, count;
  uint64_t now;
  if (!args_handle(env, info, 4, argv, &h) || !arg_i32(env, argv[1], &event) ||
      !arg_i32(env, argv[2], &count) || !arg_ms(env, argv[3], &now))
    return NULL;
  if (count < 0) count = 0;
  return int_result(env,
                    ofl_breaker_record_n(h->b, event, (uint32_t)count, now));
}

/* force(h, open: boolean, nowMs) */
static napi_value force(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  holder_t *h;
  bool open = false;
  uint64_t now;
  if (!args_handle(env, info, 3, argv, &h) || !arg_ms(env, argv[2], &now))
    return NULL;
  OFL_NAPI_CALL(env, napi_get_value_bool(env, argv[1], &open));
  if (open)
    ofl_breaker_force_open(h->b, now);
  else
    ofl_breaker_force_close(h->b, now);
  return NULL;
}

/* close(h): a shut-down handle gives back its registry reference now, so
 * the name goes with the last open handle, not at garbage collection. The
 * memory stays (pinned) for as long as JS can read it. */
static napi_value close_handle(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  holder_t *h;
  if (!args_handle(env, info, 1, argv, &h)) return NULL;
  if (h->named && !h->left) {
    h->left = 1;
    ofl_breaker_registry_release(h->b);
  }
  return NULL;
}

/* restore(h, state, openedAtMs, nowMs) → 0 or status. */
static napi_value restore(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  holder_t *h;
  int32_t state;
  uint64_t opened, now;
  if (!args_handle(env, info, 4, argv, &h) || !arg_i32(env, argv[1], &state) ||
      !arg_ms(env, argv[2], &opened) || !arg_ms(env, argv[3], &now))
    return NULL;
  return int_result(env, ofl_breaker_restore(h->b, state, opened, now));
}

/* snapshot(h, nowMs, out: Float64Array(21)): fills out, allocates nothing.
 * Order: fires successes failures timeouts ignored rejects semlocked
 * fallbacks latencyCount p50 p99 state generation consecutiveFailures
 * halfOpenSuccesses inFlight probes lastFailure openedAt resetAt. */
static napi_value snapshot(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  holder_t *h;
  uint64_t now;
  if (!args_handle(env, info, 3, argv, &h) || !arg_ms(env, argv[1], &now))
    return NULL;
  double *data = arg_array(env, argv[2], napi_float64_array, SNAP_FIELDS, 0);
  if (data == NULL) return NULL;
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(h->b, now, &s);
  const double v[SNAP_FIELDS] = {(double)s.fires,
                                 (double)s.successes,
                                 (double)s.failures,
                                 (double)s.timeouts,
                                 (double)s.ignored,
                                 (double)s.rejects,
                                 (double)s.semlocked,
                                 (double)s.fallbacks,
                                 (double)s.latency_count,
                                 s.latency_p50_ms,
                                 s.latency_p99_ms,
                                 s.state,
                                 s.generation,
                                 s.consecutive_failures,
                                 s.half_open_successes,
                                 s.in_flight,
                                 s.probes_in_flight,
                                 (double)s.last_failure_time_ms,
                                 (double)s.opened_at_ms,
                                 (double)s.reset_at_ms,
                                 0};
  memcpy(data, v, sizeof(v));
  return NULL;
}

/* opts(h, out: Uint32Array(11)): the breaker's normalised options. */
static napi_value opts(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  holder_t *h;
  if (!args_handle(env, info, 2, argv, &h)) return NULL;
  uint32_t *data = arg_array(env, argv[1], napi_uint32_array, OPT_FIELDS, 1);
  if (data == NULL) return NULL;
  ofl_breaker_opts_t o;
  ofl_breaker_get_opts(h->b, &o);
  const uint32_t u[OPT_FIELDS] = {o.error_threshold_percentage,
                                  o.rolling_count_timeout_ms,
                                  o.rolling_count_buckets,
                                  o.volume_threshold,
                                  o.failure_threshold,
                                  o.reset_timeout_ms,
                                  o.half_open_max_concurrent,
                                  o.success_threshold,
                                  o.capacity,
                                  o.call_timeout_ms,
                                  o.warm_up_ms};
  memcpy(data, u, sizeof(u));
  return NULL;
}

/* names() → the registered names, process-wide. */
static napi_value names(napi_env env, napi_callback_info info) {
  (void)info;
  char **v = NULL;
  size_t n = 0;
  int rc = ofl_breaker_registry_names(&v, &n);
  if (rc != 0) {
    ofl_napi_throw(env, ofl_err_name(rc), ofl_strerror(rc));
    return NULL;
  }
  napi_value arr;
  napi_status st = napi_create_array_with_length(env, n, &arr);
  for (size_t i = 0; i < n && st == napi_ok; i++) {
    napi_value s;
    st = napi_create_string_utf8(env, v[i], NAPI_AUTO_LENGTH, &s);
    if (st == napi_ok) st = napi_set_element(env, arr, (uint32_t)i, s);
  }
  ofl_breaker_registry_names_free(v, n); /* before any early return */
  OFL_NAPI_CALL(env, st);
  return arr;
}

#define FN(name) \
  { #name, NULL, name, NULL, NULL, NULL, napi_default, NULL }

napi_status ofl_napi_init_breaker(napi_env env, napi_value exports) {
  napi_value obj;
  OFL_NAPI_TRY(env, napi_create_object(env, &obj));
  napi_property_descriptor props[] = {
      FN(create),
      FN(find),
      FN(block),
      FN(word),
      FN(acquire),
      FN(release),
      FN(settle),
      FN(record),
      {"settleMany", NULL, settle_many, NULL, NULL, NULL, napi_default, NULL},
      FN(force),
      FN(restore),
      {"close", NULL, close_handle, NULL, NULL, NULL, napi_default, NULL},
      FN(snapshot),
      FN(opts),
      FN(names),
  };
  OFL_NAPI_TRY(env, napi_define_properties(
                        env, obj, sizeof(props) / sizeof(props[0]), props));
  return napi_set_named_property(env, exports, "breaker", obj);
}
