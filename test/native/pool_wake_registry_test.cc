// The WorkerPool's process-wide wake registry: ids, generations, and
// signals racing with unregistration (run it under TSan and ASan).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "ofl_pool.h"

namespace {

void Bump(void *arg) {
  static_cast<std::atomic<int> *>(arg)->fetch_add(1,
                                                  std::memory_order_relaxed);
}

const uint64_t kJsSafe = (uint64_t{1} << 53);

}  // namespace

TEST(PoolWake, SignalCallsTheTargetUntilUnregistered) {
  std::atomic<int> hits{0};
  uint64_t id = 0;
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &hits, &id));
  EXPECT_NE(0u, id);
  EXPECT_LT(id, kJsSafe);
  EXPECT_EQ(1u, ofl_pool_wake_count());
  EXPECT_EQ(0, ofl_pool_wake_signal(id));
  EXPECT_EQ(0, ofl_pool_wake_signal(id));
  EXPECT_EQ(2, hits.load());
  EXPECT_EQ(0, ofl_pool_wake_unregister(id));
  EXPECT_EQ(0u, ofl_pool_wake_count());
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(id));
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_unregister(id));
  EXPECT_EQ(2, hits.load());
}

TEST(PoolWake, BadArgumentsAndUnknownIds) {
  uint64_t id = 0;
  std::atomic<int> hits{0};
  EXPECT_EQ(OFL_EINVAL, ofl_pool_wake_register(nullptr, &hits, &id));
  EXPECT_EQ(OFL_EINVAL, ofl_pool_wake_register(Bump, &hits, nullptr));
  EXPECT_EQ(0u, ofl_pool_wake_count());
  for (uint64_t bad : {uint64_t{0}, uint64_t{1}, uint64_t{7} << 20,
                       kJsSafe - 1, ~uint64_t{0}}) {
    EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(bad)) << bad;
    EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_unregister(bad)) << bad;
  }
  // A stale id is unknown even while its slot is empty in a live table.
  uint64_t keep = 0;
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &hits, &keep));
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(keep + (uint64_t{1} << 20)));
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(keep + 1));
  EXPECT_EQ(0, hits.load());
  EXPECT_EQ(0, ofl_pool_wake_unregister(keep));
}

TEST(PoolWake, ReusedSlotsGetNewIdsAndOldIdsStayDead) {
  std::atomic<int> first{0}, second{0};
  uint64_t a = 0, b = 0, keep = 0;
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &first, &keep));
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &first, &a));
  ASSERT_EQ(0, ofl_pool_wake_unregister(a));
  // Same slot (the free list hands it back), a later sequence.
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &second, &b));
  EXPECT_NE(a, b);
  EXPECT_EQ(a & ((uint64_t{1} << 20) - 1), b & ((uint64_t{1} << 20) - 1));
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(a));
  EXPECT_EQ(0, ofl_pool_wake_signal(b));
  EXPECT_EQ(0, first.load());
  EXPECT_EQ(1, second.load());
  EXPECT_EQ(0, ofl_pool_wake_unregister(b));
  // Emptying the registry frees its table; ids of the old table stay dead
  // in the next one.
  EXPECT_EQ(0, ofl_pool_wake_unregister(keep));
  EXPECT_EQ(0u, ofl_pool_wake_count());
  uint64_t c = 0;
  ASSERT_EQ(0, ofl_pool_wake_register(Bump, &second, &c));
  EXPECT_NE(c, keep);
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(keep));
  EXPECT_EQ(OFL_ECLOSED, ofl_pool_wake_signal(a));
  EXPECT_EQ(1, second.load());
  EXPECT_EQ(0, ofl_pool_wake_unregister(c));
}

TEST(PoolWake, ManyTargetsGrowTheTableAndKeepDistinctIds) {
  const int kN = 1000;
  std::vector<std::atomic<int>> hits(kN);
  std::vector<uint64_t> ids(kN);
  std::set<uint64_t> seen;
  for (int i = 0; i < kN; i++) {
    ASSERT_EQ(0, ofl_pool_wake_register(Bump, &hits[i], &ids[i]));
    EXPECT_TRUE(seen.insert(ids[i]).second);
  }
  EXPECT_EQ(size_t{kN}, ofl_pool_wake_count());
  for (int i = 0; i < kN; i += 3) EXPECT_EQ(0, ofl_pool_wake_signal(ids[i]));
  for (int i = 0; i < kN; i++) EXPECT_EQ(i % 3 == 0 ? 1 : 0, hits[i].load());
  for (int i = 0; i < kN; i += 2) EXPECT_EQ(0, ofl_pool_wake_unregister(ids[i]));
  for (int i = 0; i < kN; i++) {
    EXPECT_EQ(i % 2 == 0 ? OFL_ECLOSED : 0, ofl_pool_wake_signal(ids[i]));
  }
  for (int i = 1; i < kN; i += 2) EXPECT_EQ(0, ofl_pool_wake_unregister(ids[i]));
  EXPECT_EQ(0u, ofl_pool_wake_count());
}

// Signallers hammer a target's id while its owner unregisters it and frees
// what the target points to: after unregister returns, no call may touch
// the freed memory (ASan: use-after-free; TSan: a race on it).
TEST(PoolWake, SignalRacingUnregisterNeverTouchesFreedTarget) {
  const int kThreads = 4;
  const int kRounds = 300;
  for (int round = 0; round < kRounds; round++) {
    auto *hits = new std::atomic<int>(0);
    uint64_t id = 0;
    ASSERT_EQ(0, ofl_pool_wake_register(Bump, hits, &id));
    std::atomic<bool> go{false};
    std::atomic<int> after{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
      ts.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        // Keep signalling a while past the unregistration.
        for (int i = 0; i < 200; i++) {
          if (ofl_pool_wake_signal(id) == OFL_ECLOSED) after.fetch_add(1);
        }
      });
    }
    go.store(true);
    if (round % 2 == 0) std::this_thread::yield();
    ASSERT_EQ(0, ofl_pool_wake_unregister(id));
    const int seen = hits->load();
    delete hits;  // unregister returned: nothing calls Bump(hits) any more
    for (auto &t : ts) t.join();
    EXPECT_LE(seen, kThreads * 200);
    EXPECT_EQ(kThreads * 200, seen + after.load());
  }
  EXPECT_EQ(0u, ofl_pool_wake_count());
}

// Owners on several threads register and unregister while others signal
// ids they saw: every call answers, and the registry ends empty.
TEST(PoolWake, ConcurrentOwnersAndSignallers) {
  const int kOwners = 3;
  const int kCycles = 2000;
  std::atomic<uint64_t> last[kOwners];
  for (auto &l : last) l.store(0);
  std::atomic<bool> stop{false};
  std::atomic<long> signalled{0};
  std::vector<std::thread> ts;
  for (int o = 0; o < kOwners; o++) {
    ts.emplace_back([&, o] {
      std::atomic<int> hits{0};
      for (int i = 0; i < kCycles; i++) {
        uint64_t id = 0;
        ASSERT_EQ(0, ofl_pool_wake_register(Bump, &hits, &id));
        last[o].store(id);
        ofl_pool_wake_signal(id);
        ASSERT_EQ(0, ofl_pool_wake_unregister(id));
      }
      EXPECT_GE(hits.load(), kCycles);
    });
  }
  std::thread signaller([&] {
    while (!stop.load()) {
      for (auto &l : last) {
        if (ofl_pool_wake_signal(l.load()) == 0) signalled.fetch_add(1);
      }
    }
  });
  for (auto &t : ts) t.join();
  stop.store(true);
  signaller.join();
  EXPECT_EQ(0u, ofl_pool_wake_count());
}
