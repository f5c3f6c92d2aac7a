#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "histogram.h"
#include "ofl_clock.h"
#include "ofl_errors.h"
#include "ofl_executor.h"

#define OFL__DEFAULT_MAX_QUEUE 4096

typedef struct {
  ofl_task_t *head, *tail;
} ofl__list_t;

struct ofl_sink_s {
  uv_mutex_t mutex; /* guards done list; taken after ex->mutex, never before */
  ofl_task_t *done_head, *done_tail;
  void (*notify)(void *arg);
  void *notify_arg;
  /* Under the executor mutex: */
  int closed;
  size_t running;
};

struct ofl_executor_s {
  /* Lock order: ex->mutex, then sink->mutex. Pool threads never hold
   * a sink mutex while waiting on anything. */
  uv_mutex_t mutex;
  uv_cond_t work_cond; /* signalled when a task is queued or on stop */
  uv_cond_t idle_cond; /* broadcast when a closing sink's task finishes */
  ofl__list_t lanes[OFL_LANE_COUNT];
  ofl__list_t running_list;
  size_t queued, running, max_queue;
  int stopping;
  unsigned nthreads;
  int nice; /* added to each worker's nice value (Linux) */
  uv_thread_t *threads;
  uint64_t completed, rejected, cancelled, timed_out;
  ofl__hist_t wait_hist, run_hist;
};

static void list_push(ofl__list_t *l, ofl_task_t *t) {
  t->next = NULL;
  t->prev = l->tail;
  if (l->tail)
    l->tail->next = t;
  else
    l->head = t;
  l->tail = t;
}

static void list_remove(ofl__list_t *l, ofl_task_t *t) {
  if (t->prev)
    t->prev->next = t->next;
  else
    l->head = t->next;
  if (t->next)
    t->next->prev = t->prev;
  else
    l->tail = t->prev;
  t->prev = t->next = NULL;
}

/* ---- sinks ------------------------------------------------------------ */

int ofl_sink_create(void (*notify)(void *arg), void *arg, ofl_sink_t **out) {
  ofl_sink_t *s = calloc(1, sizeof(*s));
  if (s == NULL) return OFL_ENOMEM;
  if (uv_mutex_init(&s->mutex) != 0) {
    free(s);
    return OFL_ENOMEM;
  }
  s->notify = notify;
  s->notify_arg = arg;
  *out = s;
  return 0;
}

/* Called with ex->mutex held. */
static void sink_push_locked(ofl_sink_t *s, ofl_task_t *t, int status) {
  t->status = status;
  t->state = OFL_TASK_DONE;
  t->done_next = NULL;
  uv_mutex_lock(&s->mutex);
  int was_empty = s->done_head == NULL;
  if (s->done_tail)
    s->done_tail->done_next = t;
  else
    s->done_head = t;
  s->done_tail = t;
  uv_mutex_unlock(&s->mutex);
  /* Notifying under ex->mutex is what lets ofl_sink_close guarantee that
   * no notify happens after it returns. */
  if (was_empty && !s->closed && s->notify) s->notify(s->notify_arg);
}

size_t ofl_sink_drain(ofl_sink_t *s) {
  uv_mutex_lock(&s->mutex);
  ofl_task_t *t = s->done_head;
  s->done_head = s->done_tail = NULL;
  uv_mutex_unlock(&s->mutex);
  size_t n = 0;
  while (t != NULL) {
    ofl_task_t *next = t->done_next; /* done() may free t */
    t->done(t, t->status);
    t = next;
    n++;
  }
  return n;
}

void ofl_sink_free(ofl_sink_t *s) {
  if (s == NULL) return;
  uv_mutex_destroy(&s->mutex);
  free(s);
}

/* ---- pool threads ----------------------------------------------------- */

static ofl_task_t *dequeue_locked(ofl_executor_t *ex) {
  for (int lane = 0; lane < OFL_LANE_COUNT; lane++) {
    ofl_task_t *t = ex->lanes[lane].head;
    if (t != NULL) {
      list_remove(&ex->lanes[lane], t);
      ex->queued--;
      return t;
    }
  }
  return NULL;
}

/* Linux keeps a nice value per thread: a positive increment makes the
 * kernel prefer the event loop (and everything else) when the CPUs are
 * saturated, and costs nothing while they are not. */
static void lower_priority(int nice) {
#ifdef __linux__
  if (nice <= 0) return;
  const id_t tid = (id_t)syscall(SYS_gettid);
  errno = 0;
  const int cur = getpriority(PRIO_PROCESS, tid);
  if (cur == -1 && errno != 0) return;
  (void)setpriority(PRIO_PROCESS, tid, cur + nice > 19 ? 19 : cur + nice);
#else
  (void)nice;
#endif
}

static void worker_main(void *arg) {
  ofl_executor_t *ex = arg;
  lower_priority(ex->nice);
  uv_mutex_lock(&ex->mutex);
  for (;;) {
    ofl_task_t *t;
    while (!ex->stopping && (t = dequeue_locked(ex)) == NULL)
      uv_cond_wait(&ex->work_cond, &ex->mutex);
    if (ex->stopping) break;

    uint64_t now = ofl_now_ns();
    ofl__hist_record(&ex->wait_hist, now - t->enqueued_ns);
    if (t->deadline_ns != 0 && now >= t->deadline_ns) {
      ex->timed_out++;
      sink_push_locked(t->sink, t, OFL_ETIMEDOUT);
      continue;
    }
    t->state = OFL_TASK_RUNNING;
    t->started_ns = now;
    list_push(&ex->running_list, t);
    ex->running++;
    t->sink->running++;
    uv_mutex_unlock(&ex->mutex);

    int status = t->work(t);

    uv_mutex_lock(&ex->mutex);
    ofl__hist_record(&ex->run_hist, ofl_now_ns() - t->started_ns);
    list_remove(&ex->running_list, t);
    ex->running--;
    if (status == OFL_ECANCELED)
      ex->cancelled++;
    else if (status == OFL_ETIMEDOUT)
      ex->timed_out++;
    else
      ex->completed++;
    ofl_sink_t *s = t->sink;
    sink_push_locked(s, t, status);
    if (--s->running == 0 && s->closed) uv_cond_broadcast(&ex->idle_cond);
  }
  uv_mutex_unlock(&ex->mutex);
}

/* ---- lifetime --------------------------------------------------------- */

unsigned ofl_executor_default_threads(void) {
  const char *env = getenv("OFFLOAD_THREADS");
  if (env != NULL && *env != '\0') {
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (end != NULL && *end == '\0' && v >= 1 && v <= 256) return (unsigned)v;
  }
  unsigned n = uv_available_parallelism();
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  return n;
}

int ofl_executor_default_nice(void) {
  const char *env = getenv("OFFLOAD_NICE");
  if (env != NULL && *env != '\0') {
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (end != NULL && *end == '\0' && v >= 0 && v <= 19) return (int)v;
  }
  return 0;
}

int ofl_executor_create(const ofl_executor_config_t *cfg,
                        ofl_executor_t **out) {
  unsigned n =
      cfg && cfg->threads ? cfg->threads : ofl_executor_default_threads();
  if (n > 256) return OFL_EINVAL;
  ofl_executor_t *ex = calloc(1, sizeof(*ex));
  if (ex == NULL) return OFL_ENOMEM;
  ex->max_queue =
      cfg && cfg->max_queue ? cfg->max_queue : OFL__DEFAULT_MAX_QUEUE;
  ex->nice = cfg ? cfg->nice : 0;
  if (ex->nice < 0 || ex->nice > 19) {
    free(ex);
    return OFL_EINVAL;
  }
  ex->threads = calloc(n, sizeof(uv_thread_t));
  if (ex->threads == NULL) goto fail_alloc;
  if (uv_mutex_init(&ex->mutex) != 0) goto fail_alloc;
  if (uv_cond_init(&ex->work_cond) != 0) goto fail_mutex;
  if (uv_cond_init(&ex->idle_cond) != 0) goto fail_cond;
  for (unsigned i = 0; i < n; i++) {
    if (uv_thread_create(&ex->threads[i], worker_main, ex) != 0) {
      ex->nthreads = i;
      ofl_executor_destroy(ex);
      return OFL_ENOMEM;
    }
  }
  ex->nthreads = n;
  *out = ex;
  return 0;

fail_cond:
  uv_cond_destroy(&ex->work_cond);
fail_mutex:
  uv_mutex_destroy(&ex->mutex);
fail_alloc:
  free(ex->threads);
  free(ex);
  return OFL_ENOMEM;
}

void ofl_executor_destroy(ofl_executor_t *ex) {
  if (ex == NULL) return;
  uv_mutex_lock(&ex->mutex);
  ex->stopping = 1;
  ofl_task_t *t;
  while ((t = dequeue_locked(ex)) != NULL) {
    ex->cancelled++;
    sink_push_locked(t->sink, t, OFL_ECANCELED);
  }
  for (t = ex->running_list.head; t != NULL; t = t->next)
    atomic_store(&t->stop, OFL_ECANCELED);
  uv_cond_broadcast(&ex->work_cond);
  uv_mutex_unlock(&ex->mutex);
  /* A thread inside work() sees the stop flag at its next check and pushes
   * its completion before it notices `stopping`. */
  for (unsigned i = 0; i < ex->nthreads; i++) uv_thread_join(&ex->threads[i]);
  uv_cond_destroy(&ex->idle_cond);
  uv_cond_destroy(&ex->work_cond);
  uv_mutex_destroy(&ex->mutex);
  free(ex->threads);
  free(ex);
}

void ofl_sink_close(ofl_executor_t *ex, ofl_sink_t *s) {
  uv_mutex_lock(&ex->mutex);
  s->closed = 1;
  for (int lane = 0; lane < OFL_LANE_COUNT; lane++) {
    ofl_task_t *t = ex->lanes[lane].head;
    while (t != NULL) {
      ofl_task_t *next = t->next;
      if (t->sink == s) {
        list_remove(&ex->lanes[lane], t);
        ex->queued--;
        ex->cancelled++;
        sink_push_locked(s, t, OFL_ECANCELED);
      }
      t = next;
    }
  }
  for (ofl_task_t *t = ex->running_list.head; t != NULL; t = t->next)
    if (t->sink == s) atomic_store(&t->stop, OFL_ECANCELED);
  while (s->running > 0) uv_cond_wait(&ex->idle_cond, &ex->mutex);
  uv_mutex_unlock(&ex->mutex);
}

/* ---- tasks ------------------------------------------------------------ */

void ofl_task_init(ofl_task_t *t, ofl_work_fn work, ofl_done_fn done,
                   void *data, ofl_sink_t *sink) {
  memset(t, 0, sizeof(*t));
  t->work = work;
  t->done = done;
  t->data = data;
  t->sink = sink;
  t->lane = OFL_LANE_NORMAL;
  atomic_init(&t->stop, 0);
  t->state = OFL_TASK_IDLE;
}

int ofl_executor_submit(ofl_executor_t *ex, ofl_task_t *t) {
  if (ex == NULL || t == NULL || t->work == NULL || t->done == NULL ||
      t->sink == NULL || t->lane < 0 || t->lane >= OFL_LANE_COUNT ||
      t->state != OFL_TASK_IDLE)
    return OFL_EINVAL;
  uint64_t now = ofl_now_ns();
  uv_mutex_lock(&ex->mutex);
  int err = 0;
  if (ex->stopping || t->sink->closed)
    err = OFL_ECLOSED;
  else if (ex->queued >= ex->max_queue)
    err = OFL_EQUEUEFULL;
  else if (t->deadline_ns != 0 && now >= t->deadline_ns)
    err = OFL_ETIMEDOUT;
  if (err != 0) {
    ex->rejected++;
    uv_mutex_unlock(&ex->mutex);
    return err;
  }
  t->enqueued_ns = now;
  t->state = OFL_TASK_QUEUED;
  list_push(&ex->lanes[t->lane], t);
  ex->queued++;
  uv_cond_signal(&ex->work_cond);
  uv_mutex_unlock(&ex->mutex);
  return 0;
}

void ofl_executor_cancel(ofl_executor_t *ex, ofl_task_t *t, int reason) {
  if (reason != OFL_ETIMEDOUT) reason = OFL_ECANCELED;
  uv_mutex_lock(&ex->mutex);
  if (t->state == OFL_TASK_QUEUED) {
    list_remove(&ex->lanes[t->lane], t);
    ex->queued--;
    if (reason == OFL_ETIMEDOUT)
      ex->timed_out++;
    else
      ex->cancelled++;
    sink_push_locked(t->sink, t, reason);
  } else if (t->state == OFL_TASK_RUNNING) {
    int expected = 0;
    atomic_compare_exchange_strong(&t->stop, &expected, reason);
  }
  uv_mutex_unlock(&ex->mutex);
}

int ofl_task_should_stop(ofl_task_t *t) {
  int s = atomic_load_explicit(&t->stop, memory_order_relaxed);
  if (s != 0) return s;
  if (t->deadline_ns != 0 && ofl_now_ns() >= t->deadline_ns) {
    atomic_store_explicit(&t->stop, OFL_ETIMEDOUT, memory_order_relaxed);
    return OFL_ETIMEDOUT;
  }
  return 0;
}

/* ---- observability ---------------------------------------------------- */

void ofl_executor_stats(ofl_executor_t *ex, ofl_executor_stats_t *o) {
  memset(o, 0, sizeof(*o));
  if (ex == NULL) return;
  uv_mutex_lock(&ex->mutex);
  o->threads = ex->nthreads;
  o->queued = ex->queued;
  o->running = ex->running;
  o->max_queue = ex->max_queue;
  o->completed = ex->completed;
  o->rejected = ex->rejected;
  o->cancelled = ex->cancelled;
  o->timed_out = ex->timed_out;
  o->wait_time.p50 = ofl__hist_quantile_ms(&ex->wait_hist, 0.50);
  o->wait_time.p99 = ofl__hist_quantile_ms(&ex->wait_hist, 0.99);
  o->wait_time.max = (double)ex->wait_hist.max_ns / 1e6;
  o->run_time.p50 = ofl__hist_quantile_ms(&ex->run_hist, 0.50);
  o->run_time.p99 = ofl__hist_quantile_ms(&ex->run_hist, 0.99);
  o->run_time.max = (double)ex->run_hist.max_ns / 1e6;
  ofl__hist_buckets(&ex->wait_hist, &o->wait_buckets);
  ofl__hist_buckets(&ex->run_hist, &o->run_buckets);
  uv_mutex_unlock(&ex->mutex);
}

_Static_assert(OFL_EXECUTOR_WAIT_BINS == OFL__HIST_BUCKETS,
               "window bins match the wait histogram");

double ofl_executor_recent_wait_ms(ofl_executor_t *ex, ofl_executor_window_t *w,
                                   double q) {
  if (ex == NULL || w == NULL) return 0.0;
  ofl__hist_t recent; /* 2.5 KiB on the stack, off the pool's mutex */
  memset(&recent, 0, sizeof(recent));
  uint64_t oldest = 0;
  uv_mutex_lock(&ex->mutex);
  for (int b = 0; b < OFL__HIST_BUCKETS; b++) {
    const uint64_t c = ex->wait_hist.counts[b];
    /* Counts only grow; a fresh window (all zero) takes the lifetime. */
    recent.counts[b] = c - w->counts[b];
    recent.total += recent.counts[b];
    w->counts[b] = c;
  }
  recent.max_ns = ex->wait_hist.max_ns; /* an upper bound: clamps only */
  for (int lane = 0; lane < OFL_LANE_COUNT; lane++) {
    const ofl_task_t *t = ex->lanes[lane].head; /* FIFO: the lane's oldest */
    if (t != NULL && (oldest == 0 || t->enqueued_ns < oldest))
      oldest = t->enqueued_ns;
  }
  uv_mutex_unlock(&ex->mutex);
  const double waited = ofl__hist_quantile_ms(&recent, q);
  const uint64_t now = ofl_now_ns();
  const double age =
      oldest == 0 || now <= oldest ? 0.0 : (double)(now - oldest) / 1e6;
  return waited > age ? waited : age;
}
