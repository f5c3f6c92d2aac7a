#include <gtest/gtest.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

extern "C" {
#include "ofl_errors.h"
#include "ofl_executor.h"
}

namespace {

struct Spin {
  ofl_task_t task;
  std::atomic<bool> started{false};
  std::atomic<int> done_status{1};
  std::atomic<int> done_calls{0};
};

// Runs until stopped: only cancellation ends it.
int spin_work(ofl_task_t *t) {
  Spin *s = static_cast<Spin *>(t->data);
  s->started = true;
  for (;;) {
    int r = ofl_task_should_stop(t);
    if (r != 0) return r;
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

int quick_work(ofl_task_t *t) {
  static_cast<Spin *>(t->data)->started = true;
  return 0;
}

void spin_done(ofl_task_t *t, int status) {
  Spin *s = static_cast<Spin *>(t->data);
  s->done_status = status;
  s->done_calls++;
}

void noop_notify(void *) {}

TEST(ExecutorLifecycle, executor_destroy_with_work_pending) {
  ofl_executor_config_t cfg = {2, 0, 0};
  ofl_executor_t *ex;
  ofl_sink_t *sink;
  ASSERT_EQ(0, ofl_executor_create(&cfg, &ex));
  ASSERT_EQ(0, ofl_sink_create(noop_notify, nullptr, &sink));
  std::vector<Spin> jobs(100);
  for (auto &j : jobs) {
    ofl_task_init(&j.task, spin_work, spin_done, &j, sink);
    ASSERT_EQ(0, ofl_executor_submit(ex, &j.task));
  }
  while (!jobs[0].started || !jobs[1].started) std::this_thread::yield();
  ofl_executor_destroy(ex);  // must cancel queued, stop running, and join
  ofl_sink_drain(sink);
  int ran = 0;
  for (auto &j : jobs) {
    EXPECT_EQ(1, j.done_calls.load());
    EXPECT_EQ(OFL_ECANCELED, j.done_status.load());
    ran += j.started ? 1 : 0;
  }
  EXPECT_EQ(2, ran);
  ofl_sink_free(sink);
}

TEST(ExecutorLifecycle, executor_sink_close_isolates_owner) {
  ofl_executor_config_t cfg = {2, 0, 0};
  ofl_executor_t *ex;
  ofl_sink_t *a, *b;
  std::atomic<int> b_notified{0};
  ASSERT_EQ(0, ofl_executor_create(&cfg, &ex));
  ASSERT_EQ(0, ofl_sink_create(noop_notify, nullptr, &a));
  ASSERT_EQ(0, ofl_sink_create(
                   [](void *p) { (*static_cast<std::atomic<int> *>(p))++; },
                   &b_notified, &b));
  Spin running_a, queued_a[10], job_b;
  ofl_task_init(&running_a.task, spin_work, spin_done, &running_a, a);
  ASSERT_EQ(0, ofl_executor_submit(ex, &running_a.task));
  for (auto &q : queued_a) {
    ofl_task_init(&q.task, spin_work, spin_done, &q, a);
    q.task.lane = OFL_LANE_LOW;
    ASSERT_EQ(0, ofl_executor_submit(ex, &q.task));
  }
  while (!running_a.started) std::this_thread::yield();
  ofl_sink_close(ex, a);  // returns only once a's running task is finished
  EXPECT_EQ(11u, ofl_sink_drain(a));
  EXPECT_EQ(1, running_a.done_calls.load());
  for (auto &q : queued_a) EXPECT_EQ(OFL_ECANCELED, q.done_status.load());
  Spin late;
  ofl_task_init(&late.task, quick_work, spin_done, &late, a);
  EXPECT_EQ(OFL_ECLOSED, ofl_executor_submit(ex, &late.task));
  // Another owner's work is unaffected.
  ofl_task_init(&job_b.task, quick_work, spin_done, &job_b, b);
  ASSERT_EQ(0, ofl_executor_submit(ex, &job_b.task));
  while (job_b.done_calls.load() == 0) {
    ofl_sink_drain(b);
    std::this_thread::yield();
  }
  EXPECT_EQ(0, job_b.done_status.load());
  EXPECT_GE(b_notified.load(), 1);
  ofl_sink_close(ex, b);
  ofl_executor_destroy(ex);
  ofl_sink_free(a);
  ofl_sink_free(b);
}

TEST(ExecutorLifecycle, executor_global_refcount_and_config) {
  ofl_executor_t *x, *y;
  ofl_executor_config_t cfg = {3, 100, 0};
  ASSERT_EQ(0, ofl_executor_acquire(&cfg, &x));
  EXPECT_TRUE(ofl_executor_started());
  ASSERT_EQ(0, ofl_executor_acquire(nullptr, &y));  // no opinion: shares
  EXPECT_EQ(x, y);
  ofl_executor_config_t same = {3, 100, 0};
  ASSERT_EQ(0, ofl_executor_acquire(&same, &y));
  ofl_executor_config_t other = {4, 100, 0};
  EXPECT_EQ(OFL_EBUSY, ofl_executor_acquire(&other, &y));
  ofl_executor_stats_t st;
  ofl_executor_stats(x, &st);
  EXPECT_EQ(3u, st.threads);
  EXPECT_EQ(100u, st.max_queue);
  ofl_executor_release(x);
  ofl_executor_release(x);
  EXPECT_TRUE(ofl_executor_started());
  ofl_executor_release(x);
  EXPECT_FALSE(ofl_executor_started());
  // A new generation may use a new config.
  ASSERT_EQ(0, ofl_executor_acquire(&other, &y));
  ofl_executor_release(y);
}

// Many producers, many sinks, concurrent cancels: run under TSan in CI.
TEST(ExecutorLifecycle, executor_stress_many_producers) {
  ofl_executor_config_t cfg = {4, 100000, 0};
  ofl_executor_t *ex;
  ASSERT_EQ(0, ofl_executor_create(&cfg, &ex));
  constexpr int kProducers = 4, kJobs = 2000;
  std::vector<std::thread> producers;
  std::atomic<long> total_done{0};
  for (int p = 0; p < kProducers; p++) {
    producers.emplace_back([&, p] {
      ofl_sink_t *sink;
      ASSERT_EQ(0, ofl_sink_create(noop_notify, nullptr, &sink));
      std::vector<Spin> jobs(kJobs);
      for (int i = 0; i < kJobs; i++) {
        ofl_task_init(&jobs[i].task, quick_work, spin_done, &jobs[i], sink);
        jobs[i].task.lane = (i + p) % OFL_LANE_COUNT;
        ASSERT_EQ(0, ofl_executor_submit(ex, &jobs[i].task));
        if (i % 7 == 0) ofl_executor_cancel(ex, &jobs[i].task, OFL_ECANCELED);
        if (i % 64 == 0) ofl_sink_drain(sink);
      }
      long seen = 0;
      while (seen < kJobs) {
        ofl_sink_drain(sink);
        seen = 0;
        for (auto &j : jobs) seen += j.done_calls.load();
      }
      for (auto &j : jobs) EXPECT_EQ(1, j.done_calls.load());
      total_done += seen;
      ofl_sink_close(ex, sink);
      ofl_sink_free(sink);
    });
  }
  for (auto &t : producers) t.join();
  EXPECT_EQ(kProducers * kJobs, total_done.load());
  ofl_executor_stats_t st;
  ofl_executor_stats(ex, &st);
  EXPECT_EQ((uint64_t)kProducers * kJobs, st.completed + st.cancelled);
  EXPECT_EQ(0u, st.queued);
  EXPECT_GE(st.wait_time.max, st.wait_time.p50);
  ofl_executor_destroy(ex);
}

#ifdef __linux__
// A task that records its thread's nice value.
struct NiceSeen {
  std::atomic<int> nice{-100};
  std::atomic<bool> ran{false};
};

int nice_work(ofl_task_t *t) {
  NiceSeen *s = static_cast<NiceSeen *>(t->data);
  errno = 0;
  const int n = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
  s->nice = errno == 0 ? n : -101;
  s->ran = true;
  return 0;
}

TEST(ExecutorLifecycle, executor_nice_lowers_worker_priority_only) {
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
  ASSERT_EQ(0, errno);
  for (int inc : {0, 5}) {
    ofl_executor_config_t cfg = {1, 0, inc};
    ofl_executor_t *ex;
    ofl_sink_t *sink;
    ASSERT_EQ(0, ofl_executor_create(&cfg, &ex));
    ASSERT_EQ(0, ofl_sink_create(noop_notify, nullptr, &sink));
    NiceSeen seen;
    ofl_task_t task;
    ofl_task_init(
        &task, nice_work, [](ofl_task_t *, int) {}, &seen, sink);
    ASSERT_EQ(0, ofl_executor_submit(ex, &task));
    while (!seen.ran) std::this_thread::yield();
    ofl_executor_destroy(ex);
    ofl_sink_drain(sink);
    ofl_sink_free(sink);
    EXPECT_EQ(std::min(19, base + inc), seen.nice.load())
        << "increment " << inc;
  }
  // The calling thread is untouched.
  EXPECT_EQ(base, getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)));
  ofl_executor_config_t bad = {1, 0, 20};
  ofl_executor_t *ex = nullptr;
  EXPECT_EQ(OFL_EINVAL, ofl_executor_create(&bad, &ex));
}
#endif

}  // namespace
