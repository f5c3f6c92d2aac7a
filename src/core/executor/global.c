/* The refcounted process-wide executor. Every Node env that uses offload
 * holds one reference; the last release joins the threads. */
#include <stdlib.h>
#include <uv.h>

#include "ofl_errors.h"
#include "ofl_executor.h"

static uv_once_t g_once = UV_ONCE_INIT;
static uv_mutex_t g_lock; /* guards the three fields below */
static ofl_executor_t *g_ex;
static ofl_executor_config_t g_cfg;
static size_t g_refs;

static void global_init(void) {
  if (uv_mutex_init(&g_lock) != 0) abort();
}

static ofl_executor_config_t resolve(const ofl_executor_config_t *cfg) {
  ofl_executor_config_t r = {0, 0, 0};
  if (cfg != NULL) r = *cfg;
  if (r.threads == 0) r.threads = ofl_executor_default_threads();
  if (r.max_queue == 0) r.max_queue = 4096;
  if (r.nice == 0) r.nice = ofl_executor_default_nice();
  return r;
}

int ofl_executor_acquire(const ofl_executor_config_t *cfg,
                         ofl_executor_t **out) {
  uv_once(&g_once, global_init);
  ofl_executor_config_t want = resolve(cfg);
  int err = 0;
  uv_mutex_lock(&g_lock);
  if (g_ex == NULL) {
    err = ofl_executor_create(&want, &g_ex);
    if (err == 0) g_cfg = want;
  } else if (cfg != NULL &&
             (want.threads != g_cfg.threads ||
              want.max_queue != g_cfg.max_queue || want.nice != g_cfg.nice)) {
    err = OFL_EBUSY;
  }
  if (err == 0) {
    g_refs++;
    *out = g_ex;
  }
  uv_mutex_unlock(&g_lock);
  return err;
}

void ofl_executor_release(ofl_executor_t *ex) {
  if (ex == NULL) return;
  uv_once(&g_once, global_init);
  ofl_executor_t *dead = NULL;
  uv_mutex_lock(&g_lock);
  if (ex == g_ex && g_refs > 0 && --g_refs == 0) {
    dead = g_ex;
    g_ex = NULL;
  }
  uv_mutex_unlock(&g_lock);
  ofl_executor_destroy(dead);
}

int ofl_executor_started(void) {
  uv_once(&g_once, global_init);
  uv_mutex_lock(&g_lock);
  int r = g_ex != NULL;
  uv_mutex_unlock(&g_lock);
  return r;
}
