/* The WorkerPool's native wake (lib/pool/dispatch.js): a uv_async_t on the
 * loop of the env that created the pool, whose callback calls the pool's
 * drain. The pool's workers signal it by the id they got at setup, through
 * the core's process-wide registry (ofl_pool.h): a signal to a handle that
 * is closed, or whose env is gone, is a no-op there, never a call on freed
 * memory. The handle is always unref'd: a pool keeps the loop alive through
 * its busy workers, never through this handle (uv_async_send wakes an
 * unref'd handle all the same). */
#include <stdlib.h>
#include <uv.h>

#include "napi_env.h"
#include "napi_modules.h"
#include "ofl_errors.h"
#include "ofl_pool.h"

/* Owned by its env: linked into e->wakes until closed or torn down. The
 * struct itself lives until libuv's close callback, which touches only it. */
typedef struct ofl_wake_s {
  uv_async_t handle;
  napi_async_cleanup_hook_handle hook; /* NULL: not added */
  napi_env env;
  napi_ref fn;
  napi_async_context actx;
  uint64_t id; /* 0: not registered */
  ofl_env_t *e;
  struct ofl_wake_s *prev, *next;
  int closing;
} ofl_wake_t;

/* Any thread, under the registry's lock. */
static void wake_send(void *arg) {
  uv_async_send(&((ofl_wake_t *)arg)->handle);
}

static void on_wake(uv_async_t *handle) {
  ofl_wake_t *w = handle->data;
  if (w->closing) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv;
  /* A callback scope: the promises the drain settles run their reactions
   * before this returns, as after any other callback from the loop. */
  if (napi_get_reference_value(env, w->fn, &fn) == napi_ok && fn != NULL &&
      napi_get_global(env, &recv) == napi_ok &&
      napi_make_callback(env, w->actx, recv, fn, 0, NULL, NULL) ==
          napi_pending_exception) {
    napi_value exc;
    /* The drain threw: that is an uncaught exception, as from a timer. */
    if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
      napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static void on_wake_closed(uv_handle_t *h) {
  ofl_wake_t *w = h->data;
  if (w->hook != NULL) napi_remove_async_cleanup_hook(w->hook);
  free(w);
}

/* Stops signals (after unregister returns none is in flight and none
 * follows), drops the JS side and closes the handle. */
static void wake_close(ofl_wake_t *w) {
  w->closing = 1;
  if (w->id != 0) ofl_pool_wake_unregister(w->id);
  w->id = 0;
  if (w->prev != NULL)
    w->prev->next = w->next;
  else if (w->e != NULL && w->e->wakes == w)
    w->e->wakes = w->next;
  if (w->next != NULL) w->next->prev = w->prev;
  w->prev = w->next = NULL;
  w->e = NULL;
  if (w->fn != NULL) napi_delete_reference(w->env, w->fn);
  w->fn = NULL;
  if (w->actx != NULL) napi_async_destroy(w->env, w->actx);
  w->actx = NULL;
  uv_close((uv_handle_t *)&w->handle, on_wake_closed);
}

/* Env teardown (worker exit or terminate, process exit) with the pool
 * still open: no JS runs, the handle closes; the close callback removes
 * this hook, which lets teardown go on. */
static void on_wake_teardown(napi_async_cleanup_hook_handle hook, void *arg) {
  (void)hook;
  ofl_wake_t *w = arg;
  if (!w->closing) wake_close(w);
}

static int get_id(napi_env env, napi_value v, uint64_t *out) {
  double d = 0;
  if (ofl_napi_get_double(env, v, "id", &d) != 0) return OFL_EINVAL;
  if (!(d >= 1 && d < 9007199254740992.0) || d != (double)(uint64_t)d) {
    ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "poolWake: bad id");
    return OFL_ERANGE;
  }
  *out = (uint64_t)d;
  return 0;
}

/* The one `id` argument of poolWakeClose and poolWakeSignal; throws. */
static int id_arg(napi_env env, napi_callback_info info, uint64_t *id) {
  size_t argc = 1;
  napi_value argv[1];
  if (!ofl_napi_check(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL),
                      "napi_get_cb_info"))
    return OFL_EINTERNAL;
  if (argc < 1) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "id missing");
    return OFL_EINVAL;
  }
  return get_id(env, argv[0], id);
}

/* poolWakeOpen(drain) → id: a wake handle on this env's loop. */
static napi_value wake_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype type = napi_undefined;
  if (argc >= 1) OFL_NAPI_CALL(env, napi_typeof(env, argv[0], &type));
  if (type != napi_function) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE",
                   "The \"drain\" argument must be of type function");
    return NULL;
  }
  ofl_env_t *e = ofl_env_get(env);
  uv_loop_t *loop = NULL;
  if (e == NULL || e->closing ||
      napi_get_uv_event_loop(env, &loop) != napi_ok || loop == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_INTERNAL", "poolWakeOpen: no loop");
    return NULL;
  }
  ofl_wake_t *w = calloc(1, sizeof(*w));
  if (w == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  w->env = env;
  if (uv_async_init(loop, &w->handle, on_wake) != 0) {
    free(w);
    ofl_napi_throw(env, "ERR_OFFLOAD_INTERNAL", "poolWakeOpen: uv_async_init");
    return NULL;
  }
  w->handle.data = w;
  uv_unref((uv_handle_t *)&w->handle);
  /* From here on every failure goes through wake_close (it undoes what
   * was done, and frees w in the close callback). */
  napi_value name;
  int err = OFL_EINTERNAL;
  if (napi_create_reference(env, argv[0], 1, &w->fn) != napi_ok ||
      napi_create_string_utf8(env, "offload.WorkerPool", NAPI_AUTO_LENGTH,
                              &name) != napi_ok ||
      napi_async_init(env, NULL, name, &w->actx) != napi_ok ||
      napi_add_async_cleanup_hook(env, on_wake_teardown, w, &w->hook) !=
          napi_ok)
    goto fail;
  err = ofl_pool_wake_register(wake_send, w, &w->id);
  if (err != 0) goto fail;
  w->e = e;
  w->next = e->wakes;
  if (e->wakes != NULL) e->wakes->prev = w;
  e->wakes = w;
  napi_value out;
  if (napi_create_double(env, (double)w->id, &out) != napi_ok) goto fail;
  return out;

fail:
  wake_close(w);
  {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
      ofl_napi_throw(env, ofl_err_name(err), "poolWakeOpen failed");
  }
  return NULL;
}

/* poolWakeClose(id) → whether this env had such an open handle. */
static napi_value wake_close_js(napi_env env, napi_callback_info info) {
  uint64_t id = 0;
  if (id_arg(env, info, &id) != 0) return NULL;
  ofl_env_t *e = ofl_env_get(env);
  ofl_wake_t *w = e == NULL ? NULL : e->wakes;
  while (w != NULL && w->id != id) w = w->next;
  if (w != NULL) wake_close(w);
  napi_value out;
  OFL_NAPI_CALL(env, napi_get_boolean(env, w != NULL, &out));
  return out;
}

/* poolWakeSignal(id): from any env (a pool's worker). A closed or unknown
 * id is a no-op. */
static napi_value wake_signal(napi_env env, napi_callback_info info) {
  uint64_t id = 0;
  if (id_arg(env, info, &id) != 0) return NULL;
  ofl_pool_wake_signal(id);
  return NULL;
}

/* poolWakeCount() → handles registered in the process (a test hook). */
static napi_value wake_count(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  OFL_NAPI_CALL(env,
                napi_create_double(env, (double)ofl_pool_wake_count(), &out));
  return out;
}

napi_status ofl_napi_init_pool(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"poolWakeOpen", NULL, wake_open, NULL, NULL, NULL, napi_default, NULL},
      {"poolWakeClose", NULL, wake_close_js, NULL, NULL, NULL, napi_default,
       NULL},
      {"poolWakeSignal", NULL, wake_signal, NULL, NULL, NULL, napi_default,
       NULL},
      {"poolWakeCount", NULL, wake_count, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                                props);
}
