/* configure(), stats(), cancel() and the internal spin task. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "napi_env.h"
#include "ofl_clock.h"
#include "ofl_errors.h"

static napi_value configure(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t threads = 0, max_queue = 0, nice = 0;
  if (argc < 3 || ofl_napi_get_u32(env, argv[0], "threads", &threads) != 0 ||
      ofl_napi_get_u32(env, argv[1], "maxQueue", &max_queue) != 0 ||
      ofl_napi_get_u32(env, argv[2], "niceIncrement", &nice) != 0)
    return NULL;
  if (nice > 19) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "niceIncrement");
    return NULL;
  }
  ofl_executor_config_t cfg = {threads, max_queue, (int)nice};
  int err = ofl_env_ensure_executor(ofl_env_get(env), &cfg);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int32(env, err, &out));
  return out;
}

static napi_status set_num(napi_env env, napi_value obj, const char *k,
                           double v) {
  napi_value n;
  napi_status st = napi_create_double(env, v, &n);
  return st == napi_ok ? napi_set_named_property(env, obj, k, n) : st;
}

/* buckets: [{ le, count }] cumulative, ending with { le: Infinity }. */
static napi_status buckets(napi_env env, napi_value obj,
                           const ofl_histogram_t *h) {
  const double *bounds = NULL;
  const size_t n = ofl_executor_buckets(&bounds);
  napi_value arr;
  OFL_NAPI_TRY(env, napi_create_array_with_length(env, n + 1, &arr));
  for (size_t i = 0; i <= n; i++) {
    napi_value b;
    OFL_NAPI_TRY(env, napi_create_object(env, &b));
    OFL_NAPI_TRY(env, set_num(env, b, "le", i < n ? bounds[i] : INFINITY));
    OFL_NAPI_TRY(
        env, set_num(env, b, "count", (double)(i < n ? h->le[i] : h->count)));
    OFL_NAPI_TRY(env, napi_set_element(env, arr, (uint32_t)i, b));
  }
  OFL_NAPI_TRY(env, set_num(env, obj, "count", (double)h->count));
  OFL_NAPI_TRY(env, set_num(env, obj, "sum", h->sum_ms));
  return napi_set_named_property(env, obj, "buckets", arr);
}

static napi_status latency(napi_env env, napi_value obj, const char *k,
                           const ofl_latency_t *l, const ofl_histogram_t *h) {
  napi_value o;
  OFL_NAPI_TRY(env, napi_create_object(env, &o));
  OFL_NAPI_TRY(env, set_num(env, o, "p50", l->p50));
  OFL_NAPI_TRY(env, set_num(env, o, "p99", l->p99));
  OFL_NAPI_TRY(env, set_num(env, o, "max", l->max));
  OFL_NAPI_TRY(env, buckets(env, o, h));
  return napi_set_named_property(env, obj, k, o);
}

static napi_value stats(napi_env env, napi_callback_info info) {
  (void)info;
  ofl_env_t *e = ofl_env_get(env);
  ofl_executor_stats_t s;
  ofl_executor_stats(e ? e->ex : NULL, &s);
  if (e == NULL || e->ex == NULL) s.threads = 0; /* not started yet */
  napi_value o;
  OFL_NAPI_CALL(env, napi_create_object(env, &o));
  OFL_NAPI_CALL(env, set_num(env, o, "threads", s.threads));
  OFL_NAPI_CALL(env, set_num(env, o, "maxQueue", (double)s.max_queue));
  OFL_NAPI_CALL(env, set_num(env, o, "queued", (double)s.queued));
  OFL_NAPI_CALL(env, set_num(env, o, "running", (double)s.running));
  OFL_NAPI_CALL(env, set_num(env, o, "completed", (double)s.completed));
  OFL_NAPI_CALL(env, set_num(env, o, "rejected", (double)s.rejected));
  OFL_NAPI_CALL(env, set_num(env, o, "cancelled", (double)s.cancelled));
  OFL_NAPI_CALL(env, set_num(env, o, "timedOut", (double)s.timed_out));
  OFL_NAPI_CALL(env, set_num(env, o, "pending", e ? (double)e->pending : 0));
  OFL_NAPI_CALL(env,
                latency(env, o, "waitTime", &s.wait_time, &s.wait_buckets));
  OFL_NAPI_CALL(env, latency(env, o, "runTime", &s.run_time, &s.run_buckets));
  return o;
}

static napi_value cancel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t id = 0, timeout = 0;
  if (ofl_napi_get_u32(env, argv[0], "id", &id) != 0 ||
      ofl_napi_get_u32(env, argv[1], "timeout", &timeout) != 0)
    return NULL;
  ofl_env_t *e = ofl_env_get(env);
  if (e != NULL && e->ex != NULL)
    ofl_env_cancel(e, id, timeout ? OFL_ETIMEDOUT : OFL_ECANCELED);
  return NULL;
}

/* recentWait(window: BigUint64Array(OFL_EXECUTOR_WAIT_BINS), q) → ms:
 * the q-quantile of queue waits since the previous call with `window`, or
 * the oldest queued task's age if larger (ofl_executor_recent_wait_ms).
 * 0 before the executor has started. */
static napi_value recent_wait(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type t;
  size_t len = 0;
  void *data = NULL;
  OFL_NAPI_CALL(
      env, napi_get_typedarray_info(env, argv[0], &t, &len, &data, NULL, NULL));
  double q = 0;
  if (ofl_napi_get_double(env, argv[1], "q", &q) != 0) return NULL;
  if (t != napi_biguint64_array || len != OFL_EXECUTOR_WAIT_BINS ||
      !(q >= 0 && q <= 1)) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE",
                   "recentWait: bad window or quantile");
    return NULL;
  }
  ofl_env_t *e = ofl_env_get(env);
  const double ms = ofl_executor_recent_wait_ms(
      e ? e->ex : NULL, (ofl_executor_window_t *)data, q);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_double(env, ms, &out));
  return out;
}

/* ---- internal spin task: busy-waits, for executor tests ---------------- */

typedef struct {
  ofl_job_t job;
  double ms;
  double elapsed;
} spin_job_t;

static int spin_work(ofl_job_t *job) {
  spin_job_t *s = (spin_job_t *)job;
  uint64_t start = ofl_now_ns();
  uint64_t end = start + (uint64_t)(s->ms * 1e6);
  for (;;) {
    uint64_t now = ofl_now_ns();
    if (now >= end) break;
    int stop = ofl_task_should_stop(&job->task);
    if (stop != 0) return stop;
  }
  s->elapsed = (double)(ofl_now_ns() - start) / 1e6;
  return 0;
}

static napi_status spin_result(napi_env env, ofl_job_t *job, napi_value *out) {
  return napi_create_double(env, ((spin_job_t *)job)->elapsed, out);
}

static const ofl_job_vtable_t spin_vt = {spin_work, spin_result, NULL, NULL,
                                         "spin"};

/* spin(ms, lane, deadlineMs, callback) → id | negative OFL_E* */
static napi_value spin(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double ms = 0, deadline = 0;
  uint32_t lane = 0;
  if (ofl_napi_get_double(env, argv[0], "ms", &ms) != 0 ||
      ofl_napi_get_u32(env, argv[1], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[2], "deadline", &deadline) != 0)
    return NULL;
  if (!(ms >= 0 && ms <= 3.6e6) || lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "spin: ms or lane out of range");
    return NULL;
  }
  spin_job_t *s = (spin_job_t *)ofl_job_alloc(sizeof(*s), &spin_vt);
  if (s == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  s->ms = ms;
  int64_t id = ofl_job_submit(env, &s->job, argv[3], (int)lane, deadline);
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

/* The error table, so lib/errors.js maps codes from one source. */
static napi_value error_table(napi_env env) {
  napi_value o;
  OFL_NAPI_CALL(env, napi_create_object(env, &o));
  for (int err = -1; err >= OFL_ERR_MIN; err--) {
    napi_value pair, code, msg;
    OFL_NAPI_CALL(env, napi_create_array_with_length(env, 2, &pair));
    OFL_NAPI_CALL(env, napi_create_string_utf8(env, ofl_err_name(err),
                                               NAPI_AUTO_LENGTH, &code));
    OFL_NAPI_CALL(env, napi_create_string_utf8(env, ofl_strerror(err),
                                               NAPI_AUTO_LENGTH, &msg));
    OFL_NAPI_CALL(env, napi_set_element(env, pair, 0, code));
    OFL_NAPI_CALL(env, napi_set_element(env, pair, 1, msg));
    char key[16];
    snprintf(key, sizeof(key), "%d", err);
    OFL_NAPI_CALL(env, napi_set_named_property(env, o, key, pair));
  }
  return o;
}

napi_status ofl_napi_init_executor(napi_env env, napi_value exports) {
  napi_value table = error_table(env);
  if (table == NULL) return napi_pending_exception;
  napi_property_descriptor props[] = {
      {"configure", NULL, configure, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, cancel, NULL, NULL, NULL, napi_default, NULL},
      {"recentWait", NULL, recent_wait, NULL, NULL, NULL, napi_default, NULL},
      {"spin", NULL, spin, NULL, NULL, NULL, napi_default, NULL},
      {"errors", NULL, NULL, NULL, NULL, table, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                                props);
}
