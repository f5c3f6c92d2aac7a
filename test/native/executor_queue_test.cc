#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

extern "C" {
#include "ofl_clock.h"
#include "ofl_errors.h"
#include "ofl_executor.h"
}

namespace {

struct Gate {
  std::atomic<bool> open{false};
  std::atomic<int> entered{0};
  void wait_entered(int n) {
    while (entered.load() < n) std::this_thread::yield();
  }
};

struct Job {
  ofl_task_t task;
  int id = 0;
  Gate *gate = nullptr;
  std::vector<int> *order = nullptr;
  std::mutex *order_mu = nullptr;
  std::atomic<bool> ran{false};
  std::atomic<bool> saw_stop{false};
  int done_status = 1;
  bool done = false;
};

int job_work(ofl_task_t *t) {
  Job *j = static_cast<Job *>(t->data);
  j->ran = true;
  if (j->order) {
    std::lock_guard<std::mutex> g(*j->order_mu);
    j->order->push_back(j->id);
  }
  if (j->gate) {
    j->gate->entered++;
    for (;;) {
      int s = ofl_task_should_stop(t);
      if (s != 0) {
        j->saw_stop = true;
        return s;
      }
      if (j->gate->open.load()) break;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  return 0;
}

void job_done(ofl_task_t *t, int status) {
  Job *j = static_cast<Job *>(t->data);
  j->done_status = status;
  j->done = true;
}

struct Fixture : ::testing::Test {
  ofl_executor_t *ex = nullptr;
  ofl_sink_t *sink = nullptr;
  std::atomic<int> notified{0};
  static void notify(void *arg) { static_cast<Fixture *>(arg)->notified++; }

  void start(unsigned threads, size_t max_queue = 0) {
    ofl_executor_config_t cfg = {threads, max_queue, 0};
    ASSERT_EQ(0, ofl_executor_create(&cfg, &ex));
    ASSERT_EQ(0, ofl_sink_create(&Fixture::notify, this, &sink));
  }
  void init(Job &j, int id, int lane = OFL_LANE_NORMAL) {
    ofl_task_init(&j.task, job_work, job_done, &j, sink);
    j.task.lane = lane;
    j.id = id;
  }
  // Occupies the (single) pool thread until gate.open.
  void block(Job &blocker, Gate &gate) {
    init(blocker, -1);
    blocker.gate = &gate;
    ASSERT_EQ(0, ofl_executor_submit(ex, &blocker.task));
    gate.wait_entered(1);
  }
  // Queues n recording jobs with the given lanes (all normal if empty).
  void queue_recorders(std::vector<Job> &jobs, std::vector<int> &order,
                       std::mutex &mu, const std::vector<int> &lanes,
                       std::vector<Job *> &ptrs) {
    for (size_t i = 0; i < jobs.size(); i++) {
      init(jobs[i], (int)i, lanes.empty() ? OFL_LANE_NORMAL : lanes[i]);
      jobs[i].order = &order;
      jobs[i].order_mu = &mu;
      ASSERT_EQ(0, ofl_executor_submit(ex, &jobs[i].task));
      ptrs.push_back(&jobs[i]);
    }
  }
  // Drains until every job in the list is done (or 10 s pass).
  void drain_until(std::vector<Job *> jobs) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      ofl_sink_drain(sink);
      bool all = true;
      for (Job *j : jobs) all = all && j->done;
      if (all) return;
      ASSERT_LT(std::chrono::steady_clock::now(), end) << "tasks never completed";
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  void TearDown() override {
    if (ex) {
      ofl_sink_close(ex, sink);
      ofl_sink_drain(sink);
      ofl_executor_destroy(ex);
    }
    ofl_sink_free(sink);
  }
};

using ExecutorQueue = Fixture;

TEST_F(ExecutorQueue, executor_fifo_within_lane) {
  start(1);
  Gate gate;
  std::vector<int> order;
  std::mutex mu;
  Job blocker;
  block(blocker, gate);
  std::vector<Job> jobs(50);
  std::vector<Job *> ptrs{&blocker};
  queue_recorders(jobs, order, mu, {}, ptrs);
  gate.open = true;
  drain_until(ptrs);
  ASSERT_EQ(50u, order.size());
  for (int i = 0; i < 50; i++) EXPECT_EQ(i, order[i]);
}

TEST_F(ExecutorQueue, executor_priority_lanes) {
  start(1);
  Gate gate;
  std::vector<int> order;
  std::mutex mu;
  Job blocker;
  block(blocker, gate);
  // Submitted low, normal, high, low, high: runs high, high, normal, low, low.
  std::vector<Job> jobs(5);
  std::vector<Job *> ptrs{&blocker};
  queue_recorders(jobs, order, mu,
                  {OFL_LANE_LOW, OFL_LANE_NORMAL, OFL_LANE_HIGH, OFL_LANE_LOW,
                   OFL_LANE_HIGH},
                  ptrs);
  gate.open = true;
  drain_until(ptrs);
  EXPECT_EQ((std::vector<int>{2, 4, 1, 0, 3}), order);
}

TEST_F(ExecutorQueue, executor_cancel_queued_never_runs) {
  start(1);
  Gate gate;
  Job blocker, victim;
  block(blocker, gate);
  init(victim, 1);
  ASSERT_EQ(0, ofl_executor_submit(ex, &victim.task));
  ofl_executor_cancel(ex, &victim.task, OFL_ECANCELED);
  ofl_executor_cancel(ex, &victim.task, OFL_ECANCELED);  // idempotent
  gate.open = true;
  drain_until({&blocker, &victim});
  EXPECT_FALSE(victim.ran.load());
  EXPECT_EQ(OFL_ECANCELED, victim.done_status);
  EXPECT_EQ(0, blocker.done_status);
  ofl_executor_stats_t st;
  ofl_executor_stats(ex, &st);
  EXPECT_EQ(1u, st.cancelled);
  EXPECT_EQ(1u, st.completed);
}

TEST_F(ExecutorQueue, executor_cancel_running_sees_flag) {
  start(2);
  Gate gate;  // never opened: only the stop flag ends the job
  Job j;
  init(j, 0);
  j.gate = &gate;
  ASSERT_EQ(0, ofl_executor_submit(ex, &j.task));
  gate.wait_entered(1);
  ofl_executor_cancel(ex, &j.task, OFL_ECANCELED);
  drain_until({&j});
  EXPECT_TRUE(j.saw_stop.load());
  EXPECT_EQ(OFL_ECANCELED, j.done_status);
}

TEST_F(ExecutorQueue, executor_deadline_stops_running_and_queued) {
  start(1);
  Gate gate;
  Job running, queued;
  init(running, 0);
  running.gate = &gate;
  running.task.deadline_ns = ofl_now_ns() + 20 * 1000000ull;
  init(queued, 1);
  queued.task.deadline_ns = ofl_now_ns() + 5 * 1000000ull;
  ASSERT_EQ(0, ofl_executor_submit(ex, &running.task));
  ASSERT_EQ(0, ofl_executor_submit(ex, &queued.task));
  drain_until({&running, &queued});
  EXPECT_EQ(OFL_ETIMEDOUT, running.done_status);
  EXPECT_EQ(OFL_ETIMEDOUT, queued.done_status);
  EXPECT_FALSE(queued.ran.load());
  Job late;
  init(late, 2);
  late.task.deadline_ns = 1;  // already past
  EXPECT_EQ(OFL_ETIMEDOUT, ofl_executor_submit(ex, &late.task));
  ofl_executor_stats_t st;
  ofl_executor_stats(ex, &st);
  EXPECT_EQ(2u, st.timed_out);
  EXPECT_EQ(1u, st.rejected);
}

TEST_F(ExecutorQueue, executor_full_queue_fails_fast) {
  start(1, 4);
  Gate gate;
  Job blocker;
  block(blocker, gate);
  std::vector<Job> jobs(5);
  std::vector<Job *> ptrs{&blocker};
  for (int i = 0; i < 4; i++) {
    init(jobs[i], i);
    ASSERT_EQ(0, ofl_executor_submit(ex, &jobs[i].task));
    ptrs.push_back(&jobs[i]);
  }
  init(jobs[4], 4);
  EXPECT_EQ(OFL_EQUEUEFULL, ofl_executor_submit(ex, &jobs[4].task));
  EXPECT_EQ(OFL_TASK_IDLE, jobs[4].task.state);  // untouched on error
  ofl_executor_stats_t st;
  ofl_executor_stats(ex, &st);
  EXPECT_EQ(4u, st.queued);
  EXPECT_EQ(1u, st.running);
  EXPECT_EQ(1u, st.rejected);
  gate.open = true;
  drain_until(ptrs);
  EXPECT_FALSE(jobs[4].done);
}

TEST_F(ExecutorQueue, executor_invalid_submit) {
  start(1);
  Job j;
  init(j, 0);
  j.task.lane = 7;
  EXPECT_EQ(OFL_EINVAL, ofl_executor_submit(ex, &j.task));
  EXPECT_EQ(OFL_EINVAL, ofl_executor_submit(nullptr, &j.task));
}

}  // namespace

TEST_F(ExecutorQueue, executor_recent_wait_windows) {
  start(1);
  ofl_executor_window_t w;
  memset(&w, 0, sizeof(w));
  EXPECT_EQ(0.0, ofl_executor_recent_wait_ms(ex, &w, 0.99));  // nothing yet
  Gate gate;
  Job blocker, queued;
  block(blocker, gate);
  init(queued, 1);
  ASSERT_EQ(0, ofl_executor_submit(ex, &queued.task));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  // Stuck: no task left the queue, the oldest queued one has waited 30 ms.
  double ms = ofl_executor_recent_wait_ms(ex, &w, 0.99);
  EXPECT_GE(ms, 29.0);
  EXPECT_LT(ms, 10000.0);
  gate.open = true;
  drain_until({&blocker, &queued});
  // The queued task's measured wait is in this window.
  EXPECT_GE(ofl_executor_recent_wait_ms(ex, &w, 0.99), 29.0);
  // Nothing since: an empty window and an empty queue.
  EXPECT_EQ(0.0, ofl_executor_recent_wait_ms(ex, &w, 0.99));
  EXPECT_EQ(0.0, ofl_executor_recent_wait_ms(nullptr, &w, 0.99));
  EXPECT_EQ(0.0, ofl_executor_recent_wait_ms(ex, nullptr, 0.99));
}

TEST_F(ExecutorQueue, executor_stats_fixed_buckets) {
  const double *bounds = nullptr;
  ASSERT_EQ((size_t)OFL_EXECUTOR_BUCKETS, ofl_executor_buckets(&bounds));
  EXPECT_EQ((size_t)OFL_EXECUTOR_BUCKETS, ofl_executor_buckets(nullptr));
  EXPECT_EQ(0.01, bounds[0]);
  EXPECT_EQ(1.0, bounds[6]);
  EXPECT_EQ(10000.0, bounds[OFL_EXECUTOR_BUCKETS - 1]);
  for (int i = 1; i < OFL_EXECUTOR_BUCKETS; i++) EXPECT_LT(bounds[i - 1], bounds[i]);

  ofl_executor_stats_t s;
  ofl_executor_stats(nullptr, &s);
  EXPECT_EQ(0u, s.run_buckets.count);

  start(1);
  ofl_executor_stats(ex, &s);
  EXPECT_EQ(0u, s.wait_buckets.count);
  EXPECT_EQ(0.0, s.run_buckets.sum_ms);
  // The blocker runs at least 30 ms and the queued job waits that long:
  // both land above the 25 ms bound (index 10).
  Gate gate;
  Job blocker, queued;
  std::vector<Job> quick(5);
  block(blocker, gate);
  init(queued, 1);
  ASSERT_EQ(0, ofl_executor_submit(ex, &queued.task));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  gate.open = true;
  drain_until({&blocker, &queued});
  std::vector<Job *> ptrs;
  for (size_t i = 0; i < quick.size(); i++) {
    init(quick[i], (int)(10 + i));
    ASSERT_EQ(0, ofl_executor_submit(ex, &quick[i].task));
    ptrs.push_back(&quick[i]);
  }
  drain_until(ptrs);
  ofl_executor_stats(ex, &s);
  EXPECT_EQ(7u, s.run_buckets.count);
  EXPECT_EQ(7u, s.wait_buckets.count);
  EXPECT_GE(s.run_buckets.sum_ms, 30.0);
  EXPECT_GE(s.wait_buckets.sum_ms, 29.0);
  ASSERT_EQ(10.0, bounds[9]);
  ASSERT_EQ(25.0, bounds[10]);
  // Cumulative: never decreasing, never past count.
  for (int i = 1; i < OFL_EXECUTOR_BUCKETS; i++) {
    EXPECT_LE(s.run_buckets.le[i - 1], s.run_buckets.le[i]);
    EXPECT_LE(s.wait_buckets.le[i - 1], s.wait_buckets.le[i]);
  }
  EXPECT_LE(s.run_buckets.le[OFL_EXECUTOR_BUCKETS - 1], s.run_buckets.count);
  // The blocker (>= 30 ms run) is not within 25 ms; the six others ran a
  // few instructions each but a loaded machine may stall one: at most 6.
  EXPECT_LE(s.run_buckets.le[10], 6u);
  EXPECT_LE(s.wait_buckets.le[10], 6u);
}
