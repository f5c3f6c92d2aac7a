/* Per-env state and the async job machinery every binding shares.
 *
 * A job is a baton (STYLE.md lesson 6): the JS thread fills it, a pool
 * thread reads only the baton, and completion on the JS thread settles the
 * JS callback and frees it. Completions arrive in batches through one
 * uv_async_t per env. */
#ifndef OFL_NAPI_ENV_H
#define OFL_NAPI_ENV_H

#include <uv.h>

#include "napi_util.h"
#include "ofl_executor.h"

typedef struct ofl_env_s ofl_env_t;
typedef struct ofl_job_s ofl_job_t;

typedef struct {
  /* Pool thread. @return 0 or a negative OFL_E* code. */
  int (*work)(ofl_job_t *job);
  /* JS thread, status == 0 only: build the result value. NULL → undefined. */
  napi_status (*result)(napi_env env, ofl_job_t *job, napi_value *out);
  /* Any thread that owns the job last (JS thread, or teardown): release
   * native resources. napi refs are released by the machinery. */
  void (*destroy)(ofl_job_t *job);
  /* Optional, JS thread, before delivery: for jobs split into a group of
   * pieces. May change *status; @return 1 to call the JS callback now, 0
   * to skip it (another piece of the group will deliver). */
  int (*settle)(napi_env env, ofl_job_t *job, int *status);
  const char *name;
} ofl_job_vtable_t;

#define OFL_JOB_MAX_REFS 4

struct ofl_job_s {
  ofl_task_t task; /* first: the executor hands us back this pointer */
  const ofl_job_vtable_t *vt;
  ofl_env_t *env;
  napi_ref callback;
  napi_ref pins[OFL_JOB_MAX_REFS]; /* inputs kept alive until completion */
  int npins;
  uint32_t id;
  uint32_t group; /* set before submit: ofl_env_cancel(group) reaches it */
  ofl_job_t *prev, *next; /* env's pending list */
  char detail[160];       /* optional error detail from work() */
};

struct ofl_env_s {
  napi_env env;
  ofl_executor_t *ex; /* acquired lazily: configure() may come first */
  ofl_sink_t *sink;
  struct ofl_async_s *async;
  napi_async_context actx;
  ofl_job_t *pending_head;
  size_t pending;
  uint32_t next_id;
  int closing;
  struct ofl_wake_s *wakes; /* WorkerPool wake handles (pool_binding.c) */
};

/* Instance data of the calling env (never NULL after module init). */
ofl_env_t *ofl_env_get(napi_env env);

/* Acquire the process-wide executor for this env (cfg NULL = defaults).
 * @return 0, OFL_EBUSY (already running with another config) or
 * OFL_ENOMEM. */
int ofl_env_ensure_executor(ofl_env_t *e, const ofl_executor_config_t *cfg);

/* Allocates a zeroed job of `size` bytes (>= sizeof(ofl_job_t)). */
ofl_job_t *ofl_job_alloc(size_t size, const ofl_job_vtable_t *vt);

/* Pins v until the job completes. @return napi status. */
napi_status ofl_job_pin(napi_env env, ofl_job_t *job, napi_value v);

/* Submits the job; callback(status, result, detail) runs on completion.
 * lane: 0..2, deadline_ms: relative, 0 = none.
 * @return the job id (> 0), or a negative OFL_E* code (the job is freed,
 * the callback never runs). */
int64_t ofl_job_submit(napi_env env, ofl_job_t *job, napi_value callback,
                       int lane, double deadline_ms);

/* Cancels the pending job with this id, and every job whose group is this
 * id (no-op when unknown/finished). */
void ofl_env_cancel(ofl_env_t *e, uint32_t id, int reason);

/* Frees a job that was never submitted (releases pins). */
void ofl_job_discard(napi_env env, ofl_job_t *job);

/* ---- job groups: pieces of one call that deliver one result ---- */

/* The shared part of a group's state (its first member). refs counts
 * pieces not yet destroyed; the other fields are the JS thread's. */
typedef struct {
  int refs;    /* pieces not yet destroyed (+1 while submitting) */
  int n;       /* pieces submitted */
  int settled; /* pieces settled */
  int err;     /* first failure */
  uint32_t id; /* the first piece's id: cancelling it reaches them all */
  ofl_env_t *env;
} ofl_group_t;

/* A piece's job: which group state it shares and which piece it is. */
typedef struct {
  ofl_job_t job; /* first */
  void *state;
  size_t index;
} ofl_group_job_t;

/* Submits pieces 0..n-1 as one group: each an ofl_group_job_t run by vt,
 * pinning pins[0..npins) (NULL entries skipped, so a pin keeps its slot
 * only while every earlier one is present), with job->group the group id.
 * vt->destroy must drop the piece's reference to state with unref. On a
 * failure part-way, the submitted pieces are cancelled and settle with
 * it. unref(state) drops the submitter's own reference (refs--, freeing
 * the state at 0) before returning.
 * @return the group id, or a negative OFL_E* when nothing was submitted. */
int64_t ofl_group_submit(napi_env env, ofl_group_t *g, void *state, size_t n,
                         const ofl_job_vtable_t *vt, const napi_value *pins,
                         int npins, void (*unref)(void *state),
                         napi_value callback, int lane, double deadline_ms);

/* For a piece's settle hook: records a failure (cancelling the rest).
 * @return 1 when every submitted piece has settled (deliver now). */
int ofl_group_settle(ofl_group_t *g, const int *status);

/* Installs per-env state; called from module init. */
napi_status ofl_env_init(napi_env env);

#endif
