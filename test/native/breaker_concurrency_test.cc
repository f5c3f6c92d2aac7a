// Real threads against one breaker.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "ofl_breaker.h"

namespace {

// Releases all waiters at once (C++17 has no std::barrier).
class Barrier {
 public:
  explicit Barrier(int n) : left_(n) {}
  void Wait() {
    left_.fetch_sub(1);
    while (left_.load() > 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> left_;
};

}  // namespace

// 100 threads race acquire at the exact moment the reset timeout elapses:
// exactly half_open_max_concurrent probes, one half-open transition.
TEST(BreakerConcurrency, HundredAcquiresAtHalfOpen) {
  for (uint32_t max : {1u, 3u}) {
    for (int round = 0; round < 20; round++) {
      ofl_breaker_opts_t o;
      ofl_breaker_opts_init(&o);
      o.reset_timeout_ms = 1000;
      o.half_open_max_concurrent = max;
      ofl_breaker_t *b = nullptr;
      ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
      ofl_breaker_force_open(b, 0);
      ofl_breaker_stats_t s;
      ofl_breaker_snapshot(b, 0, &s);
      const uint32_t gen_open = s.generation;

      constexpr int kThreads = 100;
      Barrier barrier(kThreads);
      std::vector<int> result(kThreads);
      std::vector<std::thread> ts;
      for (int i = 0; i < kThreads; i++)
        ts.emplace_back([&, i] {
          barrier.Wait();
          result[static_cast<size_t>(i)] = ofl_breaker_acquire(b, 1000);
        });
      for (auto &t : ts) t.join();

      int probes = 0, rejected = 0;
      for (int r : result) {
        if (r >= 0) {
          EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(r));
          probes++;
        } else {
          EXPECT_EQ(OFL_ECIRCUITOPEN, r);
          rejected++;
        }
      }
      EXPECT_EQ(static_cast<int>(max), probes);
      EXPECT_EQ(kThreads - static_cast<int>(max), rejected);
      ofl_breaker_snapshot(b, 1000, &s);
      EXPECT_EQ(gen_open + 1, s.generation) << "exactly one transition";
      EXPECT_EQ(OFL_BREAKER_HALF_OPEN, s.state);
      EXPECT_EQ(static_cast<int32_t>(max), s.probes_in_flight);
      EXPECT_EQ(static_cast<uint64_t>(kThreads), s.fires);
      EXPECT_EQ(static_cast<uint64_t>(rejected), s.rejects);
      ofl_breaker_free(b);
    }
  }
}

// Ten threads hammer one registry breaker; every count is exact.
TEST(BreakerConcurrency, TenThreadsKeepExactCounts) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  o.volume_threshold = UINT32_MAX;  // stay closed: count only
  o.rolling_count_timeout_ms = 1000000;
  o.rolling_count_buckets = 10;
  o.capacity = 4;
  constexpr int kThreads = 10;
  constexpr int kCalls = 20000;
  std::atomic<uint64_t> ok{0}, fail{0}, tmo{0}, ign{0}, sem{0}, fb{0};
  Barrier barrier(kThreads);
  std::vector<std::thread> ts;
  for (int i = 0; i < kThreads; i++)
    ts.emplace_back([&, i] {
      ofl_breaker_t *b = nullptr;
      ASSERT_EQ(0, ofl_breaker_registry_acquire("hammer", &o, 0, &b));
      barrier.Wait();
      uint32_t x = 2463534242u + static_cast<uint32_t>(i);
      for (int c = 0; c < kCalls; c++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        // Time moves forward by thread, in [0, 900000): all in one window.
        const uint64_t now = static_cast<uint64_t>(c) * 45;
        int p = ofl_breaker_acquire(b, now);
        if (p == OFL_ESEMLOCKED) {
          sem++;
          continue;
        }
        ASSERT_GE(p, 0);
        const int outcome = static_cast<int>(x % 4);
        ASSERT_EQ(OFL_BREAKER_CLOSED,
                  ofl_breaker_release(b, p, outcome, now, x % 50));
        (outcome == OFL_BREAKER_SUCCESS   ? ok
         : outcome == OFL_BREAKER_FAILURE ? fail
         : outcome == OFL_BREAKER_TIMEOUT ? tmo
                                          : ign)++;
        if (x % 7 == 0) {
          ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, now);
          fb++;
        }
      }
      ofl_breaker_registry_release(b);
    });
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_registry_acquire("hammer", &o, 0, &b));
  for (auto &t : ts) t.join();
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 900000, &s);
  const uint64_t calls = static_cast<uint64_t>(kThreads) * kCalls;
  EXPECT_EQ(calls, s.fires);
  EXPECT_EQ(sem.load(), s.semlocked);
  EXPECT_EQ(calls - sem.load(),
            s.successes + s.failures + s.ignored);  // failures incl. timeouts
  EXPECT_EQ(ok.load(), s.successes);
  EXPECT_EQ(fail.load() + tmo.load(), s.failures);
  EXPECT_EQ(tmo.load(), s.timeouts);
  EXPECT_EQ(ign.load(), s.ignored);
  EXPECT_EQ(fb.load(), s.fallbacks);
  EXPECT_EQ(s.successes + s.failures, s.latency_count);
  EXPECT_EQ(0, s.in_flight);
  EXPECT_EQ(OFL_BREAKER_CLOSED, s.state);
  EXPECT_EQ(0u, s.generation);
  ofl_breaker_registry_release(b);
}

// Threads mixing calls with trips, probes and forced transitions: the
// invariants hold at quiescence (permits all returned, state coherent).
TEST(BreakerConcurrency, ChaosKeepsInvariants) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  o.reset_timeout_ms = 5;
  o.half_open_max_concurrent = 2;
  o.success_threshold = 2;
  o.capacity = 6;
  o.rolling_count_timeout_ms = 100;
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  constexpr int kThreads = 8;
  std::atomic<uint64_t> clock{0};
  std::atomic<int> max_probes{0};
  Barrier barrier(kThreads);
  std::vector<std::thread> ts;
  for (int i = 0; i < kThreads; i++)
    ts.emplace_back([&, i] {
      barrier.Wait();
      uint32_t x = 88172645u * static_cast<uint32_t>(i + 1);
      for (int c = 0; c < 20000; c++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const uint64_t now = clock.fetch_add(x % 2);
        if (x % 997 == 0) {
          ofl_breaker_force_open(b, now);
          continue;
        }
        int p = ofl_breaker_acquire(b, now);
        if (p < 0) {
          ASSERT_TRUE(p == OFL_ECIRCUITOPEN || p == OFL_ESEMLOCKED) << p;
          continue;
        }
        const int32_t *i32 =
            static_cast<const int32_t *>(ofl_breaker_shared_block(b, nullptr));
        const int probes =
            __atomic_load_n(&i32[OFL_BREAKER_SLOT_PROBES], __ATOMIC_RELAXED);
        int seen = max_probes.load();
        while (probes > seen && !max_probes.compare_exchange_weak(seen, probes)) {
        }
        const int outcome = (x >> 8) % 3 == 0 ? OFL_BREAKER_FAILURE
                                               : OFL_BREAKER_SUCCESS;
        const int st =
            ofl_breaker_release(b, p, outcome, clock.load(), x % 10);
        ASSERT_GE(st, 0);
        ASSERT_LE(st, 2);
      }
    });
  for (auto &t : ts) t.join();
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, clock.load(), &s);
  EXPECT_EQ(0, s.in_flight);
  EXPECT_LE(max_probes.load(), 2);
  EXPECT_GE(s.probes_in_flight, 0);
  EXPECT_LE(s.probes_in_flight, 2);
  EXPECT_EQ(0, s.probes_in_flight);  // every probe was settled
  EXPECT_GT(s.generation, 0u);
  ofl_breaker_free(b);
}
