#include "napi_env.h"

#include <stdlib.h>
#include <string.h>

#include "ofl_clock.h"
#include "ofl_errors.h"

/* Separate from ofl_env_t: the close callback runs after the env's
 * instance data may already be gone, so it must touch only this. */
typedef struct ofl_async_s {
  uv_async_t handle;
  napi_async_cleanup_hook_handle hook;
  ofl_env_t *e; /* NULL once the env is torn down */
} ofl_async_t;

ofl_env_t *ofl_env_get(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return data;
}

static void job_free(napi_env env, ofl_job_t *job) {
  for (int i = 0; i < job->npins; i++)
    if (job->pins[i] != NULL) napi_delete_reference(env, job->pins[i]);
  if (job->callback != NULL) napi_delete_reference(env, job->callback);
  if (job->vt->destroy != NULL) job->vt->destroy(job);
  free(job);
}

static void unlink_pending(ofl_env_t *e, ofl_job_t *job) {
  if (job->prev)
    job->prev->next = job->next;
  else
    e->pending_head = job->next;
  if (job->next) job->next->prev = job->prev;
  job->prev = job->next = NULL;
  if (--e->pending == 0 && e->async != NULL)
    uv_unref((uv_handle_t *)&e->async->handle);
}

static int work_trampoline(ofl_task_t *task) {
  ofl_job_t *job = (ofl_job_t *)task;
  return job->vt->work(job);
}

/* Hands one settled job to JS as callback(status, result, detail):
 * status is 0 or a negative OFL_E* code that lib/errors.js turns into a
 * coded Error (so the error is built, with its stack, in JS). */
static void deliver(ofl_env_t *e, ofl_job_t *job, int status) {
  napi_env env = e->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[3], cb, recv;
  if (napi_get_undefined(env, &argv[1]) != napi_ok ||
      napi_get_undefined(env, &argv[2]) != napi_ok ||
      napi_get_global(env, &recv) != napi_ok ||
      napi_get_reference_value(env, job->callback, &cb) != napi_ok)
    goto out;
  if (status == 0 && job->vt->result != NULL &&
      job->vt->result(env, job, &argv[1]) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    status = OFL_ENOMEM; /* building the result failed: out of memory */
    napi_get_undefined(env, &argv[1]);
  }
  if (napi_create_int32(env, status, &argv[0]) != napi_ok) goto out;
  if (status != 0 && job->detail[0] != '\0' &&
      napi_create_string_utf8(env, job->detail, NAPI_AUTO_LENGTH, &argv[2]) !=
          napi_ok)
    goto out;
  if (napi_make_callback(env, e->actx, recv, cb, 3, argv, NULL) ==
      napi_pending_exception) {
    napi_value exc;
    /* The callback threw: that is the user's uncaught exception. */
    if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
      napi_fatal_exception(env, exc);
  }
out:
  napi_close_handle_scope(env, scope);
}

static void done_trampoline(ofl_task_t *task, int status) {
  ofl_job_t *job = (ofl_job_t *)task;
  ofl_env_t *e = job->env;
  unlink_pending(e, job);
  int send = !e->closing;
  if (send && job->vt->settle != NULL)
    send = job->vt->settle(e->env, job, &status);
  if (send) deliver(e, job, status);
  job_free(e->env, job);
}

static void on_async(uv_async_t *handle) {
  ofl_async_t *a = handle->data;
  ofl_env_t *e = a->e;
  if (e == NULL || e->closing) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(e->env, &scope) != napi_ok) return;
  ofl_sink_drain(e->sink);
  napi_close_handle_scope(e->env, scope);
}

static void notify(void *arg) {
  uv_async_send(&((ofl_async_t *)arg)->handle);
}

static void on_async_closed(uv_handle_t *h) {
  ofl_async_t *a = h->data;
  napi_remove_async_cleanup_hook(a->hook);
  free(a);
}

/* Env teardown (worker exit/terminate, process exit): stop this env's work
 * without touching JS, then close the handle. Runs before the instance
 * data finalizer (cleanup hooks run LIFO and napi's own came first). */
static void on_env_teardown(napi_async_cleanup_hook_handle hook, void *arg) {
  (void)hook;
  ofl_async_t *a = arg;
  ofl_env_t *e = a->e;
  e->closing = 1;
  ofl_sink_close(e->ex, e->sink);
  ofl_sink_drain(e->sink); /* frees every remaining job, no JS */
  ofl_sink_free(e->sink);
  e->sink = NULL;
  napi_async_destroy(e->env, e->actx);
  ofl_executor_release(e->ex);
  e->ex = NULL;
  e->async = NULL;
  a->e = NULL;
  uv_close((uv_handle_t *)&a->handle, on_async_closed);
}

static void free_on_close(uv_handle_t *h) {
  free(h->data);
}

int ofl_env_ensure_executor(ofl_env_t *e, const ofl_executor_config_t *cfg) {
  if (e->closing) return OFL_ECLOSED;
  if (e->ex != NULL) {
    if (cfg == NULL) return 0;
    ofl_executor_t *probe; /* same config → shares; else OFL_EBUSY */
    int err = ofl_executor_acquire(cfg, &probe);
    if (err == 0) ofl_executor_release(probe);
    return err;
  }
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(e->env, &loop) != napi_ok) return OFL_EINTERNAL;
  napi_value name;
  if (napi_create_string_utf8(e->env, "offload", NAPI_AUTO_LENGTH, &name) !=
          napi_ok ||
      napi_async_init(e->env, NULL, name, &e->actx) != napi_ok)
    return OFL_EINTERNAL;
  int err = OFL_ENOMEM;
  ofl_async_t *a = calloc(1, sizeof(*a));
  if (a == NULL) goto fail_actx;
  err = ofl_executor_acquire(cfg, &e->ex);
  if (err != 0) goto fail_a;
  if ((err = ofl_sink_create(notify, a, &e->sink)) != 0) goto fail_ex;
  if (uv_async_init(loop, &a->handle, on_async) != 0) {
    err = OFL_EINTERNAL;
    goto fail_sink;
  }
  a->handle.data = a;
  a->e = e;
  uv_unref((uv_handle_t *)&a->handle); /* only pending jobs keep us alive */
  if (napi_add_async_cleanup_hook(e->env, on_env_teardown, a, &a->hook) !=
      napi_ok) {
    /* Without a hook we could not stop work at teardown: give up. */
    a->e = NULL;
    uv_close((uv_handle_t *)&a->handle, free_on_close);
    a = NULL; /* freed by free_on_close */
    err = OFL_EINTERNAL;
    goto fail_sink_only;
  }
  e->async = a;
  return 0;

fail_sink:
  free(a);
  a = NULL;
fail_sink_only:
  ofl_sink_free(e->sink);
  e->sink = NULL;
fail_ex:
  ofl_executor_release(e->ex);
  e->ex = NULL;
fail_a:
  free(a);
fail_actx:
  napi_async_destroy(e->env, e->actx);
  return err;
}

ofl_job_t *ofl_job_alloc(size_t size, const ofl_job_vtable_t *vt) {
  if (size < sizeof(ofl_job_t)) return NULL;
  ofl_job_t *job = calloc(1, size);
  if (job != NULL) job->vt = vt;
  return job;
}

napi_status ofl_job_pin(napi_env env, ofl_job_t *job, napi_value v) {
  if (job->npins >= OFL_JOB_MAX_REFS) return napi_generic_failure;
  napi_status st = napi_create_reference(env, v, 1, &job->pins[job->npins]);
  if (st == napi_ok) job->npins++;
  return st;
}

void ofl_job_discard(napi_env env, ofl_job_t *job) {
  if (job != NULL) job_free(env, job);
}

int64_t ofl_job_submit(napi_env env, ofl_job_t *job, napi_value callback,
                       int lane, double deadline_ms) {
  ofl_env_t *e = ofl_env_get(env);
  int err = e == NULL ? OFL_EINTERNAL : ofl_env_ensure_executor(e, NULL);
  if (err != 0) {
    ofl_job_discard(env, job);
    return err;
  }
  if (napi_create_reference(env, callback, 1, &job->callback) != napi_ok) {
    ofl_job_discard(env, job);
    return OFL_EINTERNAL;
  }
  job->env = e;
  ofl_task_init(&job->task, work_trampoline, done_trampoline, job, e->sink);
  job->task.lane = lane;
  if (deadline_ms > 0)
    job->task.deadline_ns = ofl_now_ns() + (uint64_t)(deadline_ms * 1e6);
  if (++e->next_id == 0) e->next_id = 1;
  job->id = e->next_id;
  err = ofl_executor_submit(e->ex, &job->task);
  if (err != 0) {
    ofl_job_discard(env, job);
    return err;
  }
  job->next = e->pending_head;
  if (e->pending_head) e->pending_head->prev = job;
  e->pending_head = job;
  if (e->pending++ == 0) uv_ref((uv_handle_t *)&e->async->handle);
  return job->id;
}

void ofl_env_cancel(ofl_env_t *e, uint32_t id, int reason) {
  for (ofl_job_t *j = e->pending_head; j != NULL; j = j->next)
    if (j->id == id || j->group == id)
      ofl_executor_cancel(e->ex, &j->task, reason);
}

/* Allocates and pins piece i (not yet pointing at the state, so a failed
 * one is discarded without touching it). */
static ofl_group_job_t *group_piece(napi_env env, const ofl_job_vtable_t *vt,
                                    const napi_value *pins, int npins,
                                    int *err) {
  ofl_group_job_t *p = (ofl_group_job_t *)ofl_job_alloc(sizeof(*p), vt);
  if (p == NULL) {
    *err = OFL_ENOMEM;
    return NULL;
  }
  for (int k = 0; k < npins; k++) {
    if (pins[k] != NULL && ofl_job_pin(env, &p->job, pins[k]) != napi_ok) {
      ofl_job_discard(env, &p->job);
      *err = OFL_EINTERNAL;
      return NULL;
    }
  }
  return p;
}

int64_t ofl_group_submit(napi_env env, ofl_group_t *g, void *state, size_t n,
                         const ofl_job_vtable_t *vt, const napi_value *pins,
                         int npins, void (*unref)(void *state),
                         napi_value callback, int lane, double deadline_ms) {
  int64_t first = 0;
  g->env = ofl_env_get(env);
  g->refs = 1; /* the submitter's, until the loop ends */
  for (size_t i = 0; i < n; i++) {
    int err = 0;
    ofl_group_job_t *p = group_piece(env, vt, pins, npins, &err);
    if (p == NULL) {
      g->err = err;
      break;
    }
    p->state = state;
    p->index = i;
    p->job.group = (uint32_t)first;
    g->refs++;
    int64_t id = ofl_job_submit(env, &p->job, callback, lane, deadline_ms);
    if (id < 0) { /* the job was freed through its destroy hook */
      g->err = (int)id;
      break;
    }
    if (i == 0) first = id, g->id = (uint32_t)id;
    g->n++;
  }
  if (g->n > 0 && g->err != 0) ofl_env_cancel(g->env, g->id, OFL_ECANCELED);
  int submitted = g->n, err = g->err;
  unref(state);
  if (submitted == 0) return err != 0 ? err : OFL_EINTERNAL;
  return first;
}

int ofl_group_settle(ofl_group_t *g, const int *status) {
  g->settled++;
  if (*status != 0 && g->err == 0) {
    g->err = *status;
    ofl_env_cancel(g->env, g->id, OFL_ECANCELED); /* stop the rest */
  }
  return g->settled >= g->n;
}

static void env_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

napi_status ofl_env_init(napi_env env) {
  ofl_env_t *e = calloc(1, sizeof(*e));
  if (e == NULL) return napi_generic_failure;
  e->env = env;
  napi_status st = napi_set_instance_data(env, e, env_finalize, NULL);
  if (st != napi_ok) free(e);
  return st;
}
