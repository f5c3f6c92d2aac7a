// The process-wide registry of named breakers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ofl_breaker.h"

namespace {

std::vector<std::string> Names() {
  char **names = nullptr;
  size_t n = 0;
  EXPECT_EQ(0, ofl_breaker_registry_names(&names, &n));
  std::vector<std::string> v;
  for (size_t i = 0; i < n; i++) v.emplace_back(names[i]);
  ofl_breaker_registry_names_free(names, n);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST(BreakerRegistry, SameNameSamePointerAndRefcountFrees) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  ofl_breaker_t *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.a", &o, 0, &a));
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.a", nullptr, 5, &b));
  EXPECT_EQ(a, b);
  EXPECT_STREQ("reg.a", ofl_breaker_name(a));
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.c", &o, 0, &c));
  EXPECT_NE(a, c);
  EXPECT_EQ((std::vector<std::string>{"reg.a", "reg.c"}), Names());

  // Shared state: tripping through one handle is seen through the other.
  int p = ofl_breaker_acquire(a, 1);
  ofl_breaker_release(a, p, OFL_BREAKER_FAILURE, 1, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 2));
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(c, 2));

  ofl_breaker_registry_release(a);
  EXPECT_EQ((std::vector<std::string>{"reg.a", "reg.c"}), Names());
  ofl_breaker_registry_release(b);  // last reference: freed, name gone
  EXPECT_EQ((std::vector<std::string>{"reg.c"}), Names());
  ofl_breaker_free(c);  // forwards to release for registry breakers
  EXPECT_TRUE(Names().empty());

  // A fresh breaker under an old name starts closed.
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.a", &o, 10, &a));
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(a, 10));
  ofl_breaker_registry_release(a);
  ofl_breaker_registry_release(nullptr);
}

TEST(BreakerRegistry, ConflictingOptionsAreAnError) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  ofl_breaker_t *a = nullptr;
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.conflict", &o, 0, &a));
  ofl_breaker_opts_t other = o;
  other.reset_timeout_ms = 1;
  ofl_breaker_t *b = nullptr;
  EXPECT_EQ(OFL_EINVAL,
            ofl_breaker_registry_acquire("reg.conflict", &other, 0, &b));
  EXPECT_EQ(nullptr, b);
  other = o;
  other.capacity = 2;
  EXPECT_EQ(OFL_EINVAL,
            ofl_breaker_registry_acquire("reg.conflict", &other, 0, &b));
  // The caller's call timeout is compared too, though the core ignores it.
  other = o;
  other.call_timeout_ms = 5;
  EXPECT_EQ(OFL_EINVAL,
            ofl_breaker_registry_acquire("reg.conflict", &other, 0, &b));
  other.capacity = 2;
  // The failed calls took no reference: one release frees it.
  ofl_breaker_registry_release(a);
  EXPECT_TRUE(Names().empty());
  // Different options under a free name are fine.
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.conflict", &other, 0, &b));
  ofl_breaker_opts_t got;
  ofl_breaker_get_opts(b, &got);
  EXPECT_EQ(2u, got.capacity);
  EXPECT_EQ(5u, got.call_timeout_ms);
  ofl_breaker_registry_release(b);
}

TEST(BreakerRegistry, PinKeepsMemoryButNotTheName) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  ofl_breaker_t *a = nullptr;
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.pin", &o, 0, &a));
  ofl_breaker_registry_pin(a);
  ofl_breaker_force_open(a, 1);
  ofl_breaker_registry_release(a);  // last reference: the name goes
  EXPECT_TRUE(Names().empty());
  // The pinned memory is still readable (ASan checks it).
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(a, 2));
  // The name is free for other options at once.
  ofl_breaker_opts_t other = o;
  other.reset_timeout_ms = 7;
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.pin", &other, 3, &b));
  EXPECT_NE(a, b);
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(b, 3));
  ofl_breaker_registry_unpin(a);  // frees a
  // Pin and unpin while referenced: release then frees as usual.
  ofl_breaker_registry_pin(b);
  ofl_breaker_registry_unpin(b);
  ofl_breaker_registry_release(b);
  EXPECT_TRUE(Names().empty());
  ofl_breaker_registry_pin(nullptr);
  ofl_breaker_registry_unpin(nullptr);
}

TEST(BreakerRegistry, BadArguments) {
  ofl_breaker_t *b = nullptr;
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_acquire(nullptr, &o, 0, &b));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_acquire("", &o, 0, &b));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_acquire("x", &o, 0, nullptr));
  o.error_threshold_percentage = 200;
  EXPECT_EQ(OFL_ERANGE, ofl_breaker_registry_acquire("x", &o, 0, &b));
  EXPECT_EQ(nullptr, b);
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_names(nullptr, nullptr));
  EXPECT_TRUE(Names().empty());
  ofl_breaker_registry_names_free(nullptr, 0);
  EXPECT_EQ(nullptr, ofl_breaker_name(nullptr));
}

TEST(BreakerRegistry, ConcurrentAcquireReleaseOneBreaker) {
  constexpr int kThreads = 8;
  std::vector<ofl_breaker_t *> got(kThreads);
  std::atomic<int> go{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kThreads; i++)
    ts.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      for (int r = 0; r < 2000; r++) {
        ofl_breaker_t *b = nullptr;
        ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.race", nullptr, 0, &b));
        int p = ofl_breaker_acquire(b, 0);
        if (p >= 0) ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 0, 0);
        ofl_breaker_registry_release(b);
      }
      ofl_breaker_t *b = nullptr;
      ASSERT_EQ(0, ofl_breaker_registry_acquire("reg.race", nullptr, 0, &b));
      got[static_cast<size_t>(i)] = b;
    });
  go.store(1);
  for (auto &t : ts) t.join();
  for (ofl_breaker_t *b : got) EXPECT_EQ(got[0], b);
  for (ofl_breaker_t *b : got) ofl_breaker_registry_release(b);
  EXPECT_TRUE(Names().empty());
}
