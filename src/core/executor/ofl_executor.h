/* offload core: the native executor.
 *
 * One process-wide pool of libuv threads that runs every offload task. It
 * never uses libuv's shared threadpool (uv_queue_work), which fs, dns and
 * zlib depend on.
 *
 * Tiers:
 *  1. Lifetime: ofl_executor_create/ofl_executor_destroy (explicit handle,
 *     used by tests), ofl_executor_acquire/ofl_executor_release (the
 *     refcounted process-wide instance the addon uses).
 *  2. Completion sinks: each submitter (a Node env) owns an ofl_sink_t. The
 *     executor pushes finished tasks onto it and calls its notify hook once
 *     per batch; the owner drains it on its own thread.
 *  3. Tasks: ofl_task_init + ofl_executor_submit; ofl_task_cancel drops a
 *     queued task or flags a running one; kernels poll
 *     ofl_task_should_stop() between chunks.
 *  4. Observability: ofl_executor_stats.
 *
 * Callback contract (as libuv's): if ofl_executor_submit returns an error,
 * neither the work nor the done callback ever runs for that task.
 */
#ifndef OFL_EXECUTOR_H
#define OFL_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

/* The task struct is embedded by C++ tests too; both types share layout. */
#ifdef __cplusplus
#include <atomic>
typedef std::atomic<int> ofl_atomic_int;
#else
#include <stdatomic.h>
typedef atomic_int ofl_atomic_int;
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ofl_executor_s ofl_executor_t;
typedef struct ofl_sink_s ofl_sink_t;
typedef struct ofl_task_s ofl_task_t;

typedef enum {
  OFL_LANE_HIGH = 0,
  OFL_LANE_NORMAL = 1,
  OFL_LANE_LOW = 2,
  OFL_LANE_COUNT = 3
} ofl_lane_t;

/* Runs on a pool thread. @return 0 or a negative OFL_E* code. */
typedef int (*ofl_work_fn)(ofl_task_t *task);
/* Runs on the sink owner's thread, from ofl_sink_drain(). status is the work
 * result, or OFL_ECANCELED / OFL_ETIMEDOUT when the task was dropped before
 * it ran (then the work callback never ran). */
typedef void (*ofl_done_fn)(ofl_task_t *task, int status);

enum { OFL_TASK_IDLE, OFL_TASK_QUEUED, OFL_TASK_RUNNING, OFL_TASK_DONE };

/* Embed this in your own baton. Fields below `public` are yours to set
 * through ofl_task_init; the rest belong to the executor. */
struct ofl_task_s {
  /* public */
  ofl_work_fn work;
  ofl_done_fn done;
  void *data;
  ofl_sink_t *sink;
  uint64_t deadline_ns; /* absolute ofl_now_ns(); 0 = none */
  int lane;
  /* executor-owned */
  ofl_task_t *prev, *next;
  ofl_task_t *done_next;
  ofl_atomic_int stop; /* 0, or the OFL_E* code a kernel should stop with */
  int state;
  int status;
  uint64_t enqueued_ns;
  uint64_t started_ns;
};

typedef struct {
  unsigned threads; /* 0 = available parallelism */
  size_t max_queue; /* 0 = default (4096) */
  /* 0..19 added to each worker thread's nice value (Linux only: elsewhere
   * ignored), so that saturated workers yield the CPU to the JS thread. */
  int nice;
} ofl_executor_config_t;

typedef struct {
  double p50, p99, max; /* milliseconds */
} ofl_latency_t;

/* Fixed histogram buckets for metrics libraries (Prometheus `le`, an
 * OpenTelemetry explicit-bucket histogram): upper bounds in milliseconds,
 * inclusive, from 10 us to 10 s; +Inf is `count`. They never change. */
#define OFL_EXECUTOR_BUCKETS 19

/* Cumulative counts since the executor started: le[i] tasks took at most
 * the i-th bound; count is every task measured, sum_ms their total. */
typedef struct {
  uint64_t le[OFL_EXECUTOR_BUCKETS];
  uint64_t count;
  double sum_ms;
} ofl_histogram_t;

typedef struct {
  unsigned threads;
  size_t queued, running;
  uint64_t completed, rejected, cancelled, timed_out;
  ofl_latency_t wait_time, run_time;
  /* Wait: every task that left the queue for a thread (a task whose
   * deadline had passed by then included). Run: every task that ran. */
  ofl_histogram_t wait_buckets, run_buckets;
  size_t max_queue;
} ofl_executor_stats_t;

/* ---- 1. lifetime ------------------------------------------------------ */

/* OFFLOAD_NICE when it holds 0..19, else 0. */
int ofl_executor_default_nice(void);

/* Starts cfg->threads threads. @return 0 or OFL_EINVAL/OFL_ENOMEM. */
int ofl_executor_create(const ofl_executor_config_t *cfg, ofl_executor_t **out);

/* Cancels every queued task (their done callbacks run with OFL_ECANCELED at
 * the owners' next drain), flags running ones, joins the threads, frees.
 * Sinks must be detached (ofl_sink_close) or outlive this call. NULL ok. */
void ofl_executor_destroy(ofl_executor_t *ex);

/* The process-wide executor, created on first acquire with cfg (NULL =
 * defaults from OFFLOAD_THREADS or the available parallelism). Later
 * acquires with a differing explicit cfg fail with OFL_EBUSY. Threadsafe.
 * @return 0, OFL_EBUSY or OFL_ENOMEM. */
int ofl_executor_acquire(const ofl_executor_config_t *cfg,
                         ofl_executor_t **out);
/* Drops one reference; the last one destroys the executor. */
void ofl_executor_release(ofl_executor_t *ex);
/* @return nonzero if the process-wide executor exists now. */
int ofl_executor_started(void);

/* Default thread count: OFFLOAD_THREADS, else the available parallelism
 * (cgroup-aware through uv_available_parallelism), clamped to 1..256. */
unsigned ofl_executor_default_threads(void);

/* ---- 2. sinks --------------------------------------------------------- */

/* notify(arg) is called from a pool thread when the sink goes from empty to
 * non-empty; it must be cheap and threadsafe (e.g. uv_async_send). */
int ofl_sink_create(void (*notify)(void *arg), void *arg, ofl_sink_t **out);

/* Runs the done callback of every finished task, in completion order, on
 * the calling thread. @return the number of tasks drained. */
size_t ofl_sink_drain(ofl_sink_t *sink);

/* Detaches the sink from ex: drops its queued tasks, flags its running
 * tasks with OFL_ECANCELED and waits for them to finish. notify is never
 * called again. Afterwards ofl_sink_drain() delivers every remaining
 * completion (so batons can be freed), then ofl_sink_free(). */
void ofl_sink_close(ofl_executor_t *ex, ofl_sink_t *sink);
void ofl_sink_free(ofl_sink_t *sink);

/* ---- 3. tasks --------------------------------------------------------- */

void ofl_task_init(ofl_task_t *task, ofl_work_fn work, ofl_done_fn done,
                   void *data, ofl_sink_t *sink);

/* Queues the task. Never blocks. @return 0, OFL_EQUEUEFULL (queue at
 * max_queue), OFL_ECLOSED (executor shutting down), OFL_ETIMEDOUT (deadline
 * already past) or OFL_EINVAL. On error the task is untouched. */
int ofl_executor_submit(ofl_executor_t *ex, ofl_task_t *task);

/* Requests cancellation with reason (OFL_ECANCELED or OFL_ETIMEDOUT). A
 * queued task is dropped (work never runs; done gets reason). A running
 * task sees the flag at its next ofl_task_should_stop(). Idempotent.
 * Call only from the sink owner's thread before the task's done ran. */
void ofl_executor_cancel(ofl_executor_t *ex, ofl_task_t *task, int reason);

/* For kernels, between chunks. @return 0 to go on, else the OFL_E* code to
 * stop with (cancelled, or the deadline passed). Cheap: one atomic load and,
 * with a deadline, one clock read. */
int ofl_task_should_stop(ofl_task_t *task);

/* ---- 4. observability ------------------------------------------------- */
/* Zeroes out for NULL ex. Threadsafe. */
void ofl_executor_stats(ofl_executor_t *ex, ofl_executor_stats_t *out);

/* Sets *bounds_ms (if not NULL) to the OFL_EXECUTOR_BUCKETS upper bounds,
 * in ms, ascending: 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 25 50 100 250
 * 500 1000 2500 5000 10000. Static storage. @return OFL_EXECUTOR_BUCKETS. */
size_t ofl_executor_buckets(const double **bounds_ms);

/* Queue wait over a recent window (load shedding). The stats above are
 * lifetime figures, which cannot show a recovery; a window is the interval
 * between two calls with the same ofl_executor_window_t (zero it before the
 * first call; each caller keeps its own). */
#define OFL_EXECUTOR_WAIT_BINS 320
typedef struct {
  uint64_t counts[OFL_EXECUTOR_WAIT_BINS]; /* wait histogram at last call */
} ofl_executor_window_t;

/* @return in ms, the larger of the q-quantile (0..1) of the waits of tasks
 * that left the queue since the previous call with w (0 if none did), and
 * the age of the oldest task still queued (a stuck queue has no departures
 * to measure); then starts a new window in w. 0 for NULL ex or w.
 * Threadsafe. */
double ofl_executor_recent_wait_ms(ofl_executor_t *ex, ofl_executor_window_t *w,
                                   double q);

#ifdef __cplusplus
}
#endif
#endif
