// ofl_breaker_settle (the implicit-acquire path of the JS closed fast
// path) and ofl_breaker_registry_find.
#include <gtest/gtest.h>

#include "ofl_breaker.h"

namespace {

ofl_breaker_opts_t Opts() {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  o.volume_threshold = 4;
  return o;
}

}  // namespace

TEST(BreakerSettle, CountsLikeAcquireReleaseAndTrips) {
  ofl_breaker_opts_t o = Opts();
  ofl_breaker_t *a = nullptr, *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &a));
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  const int outcomes[] = {OFL_BREAKER_SUCCESS, OFL_BREAKER_FAILURE,
                          OFL_BREAKER_IGNORED, OFL_BREAKER_TIMEOUT,
                          OFL_BREAKER_FAILURE};
  for (int i = 0; i < 5; i++) {
    const int pa = ofl_breaker_acquire(a, 10 + i);
    ASSERT_GE(pa, 0);
    const int ra = ofl_breaker_release(a, pa, outcomes[i], 20 + i, 3);
    const int w = *(int *)ofl_breaker_shared_block(b, nullptr);
    // The caller counts the fire when the call starts.
    ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FIRE, 10 + i));
    const int rb = ofl_breaker_settle(b, w, outcomes[i], 10 + i, 20 + i, 3);
    EXPECT_EQ(ra, rb) << i;
  }
  ofl_breaker_stats_t sa, sb;
  ofl_breaker_snapshot(a, 30, &sa);
  ofl_breaker_snapshot(b, 30, &sb);
  EXPECT_EQ(OFL_BREAKER_OPEN, sb.state);
  EXPECT_EQ(sa.fires, sb.fires);
  EXPECT_EQ(5u, sb.fires);
  EXPECT_EQ(sa.failures, sb.failures);
  EXPECT_EQ(sa.timeouts, sb.timeouts);
  EXPECT_EQ(sa.ignored, sb.ignored);
  EXPECT_EQ(sa.successes, sb.successes);
  EXPECT_EQ(0, sb.in_flight);
  EXPECT_EQ(sa.opened_at_ms, sb.opened_at_ms);
  ofl_breaker_free(a);
  ofl_breaker_free(b);
}

TEST(BreakerSettle, RefusesNonClosedWordsAndCapacity) {
  ofl_breaker_opts_t o = Opts();
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle(b, OFL_BREAKER_OPEN, 0, 1, 1, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle(b, -1, 0, 1, 1, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle(b, 0, 9, 1, 1, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle(nullptr, 0, 0, 1, 1, 0));
  ofl_breaker_free(b);
  o.capacity = 2;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle(b, 0, 0, 1, 1, 0));
  ofl_breaker_free(b);
}

TEST(BreakerSettle, StaleClosedWordNeverTrips) {
  ofl_breaker_opts_t o = Opts();
  o.failure_threshold = 1;
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  const int w = *(int *)ofl_breaker_shared_block(b, nullptr);
  ofl_breaker_force_open(b, 5);
  ofl_breaker_force_close(b, 6);
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_settle(b, w, OFL_BREAKER_FAILURE, 1, 7, 0));
  ofl_breaker_free(b);
}

TEST(BreakerRegistryFind, FindsAnyOptionsAndTakesAReference) {
  ofl_breaker_opts_t o = Opts();
  ofl_breaker_t *a = nullptr, *f = nullptr;
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_find("find.a", &f));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_find("", &f));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_find(nullptr, &f));
  ASSERT_EQ(0, ofl_breaker_registry_acquire("find.a", &o, 0, &a));
  ASSERT_EQ(0, ofl_breaker_registry_find("find.a", &f));
  EXPECT_EQ(a, f);
  ofl_breaker_registry_release(a);
  EXPECT_STREQ("find.a", ofl_breaker_name(f)); /* still alive */
  ofl_breaker_registry_release(f);
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_registry_find("find.a", &f));
}

TEST(BreakerSettle, SuccessBatchEqualsSingleSettles) {
  ofl_breaker_opts_t o = Opts();
  ofl_breaker_t *a = nullptr, *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &a));
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  uint32_t bins[OFL_BREAKER_LATENCY_BINS] = {0};
  const uint32_t lat[] = {0, 1, 1, 5, 900, 3000000, 7};
  for (uint32_t l : lat) {
    const int w = *(int *)ofl_breaker_shared_block(a, nullptr);
    ASSERT_EQ(OFL_BREAKER_CLOSED,
              ofl_breaker_settle(a, w, OFL_BREAKER_SUCCESS, 50, 50, l));
    unsigned k = 0;
    for (uint32_t m = l; m != 0 && k < OFL_BREAKER_LATENCY_BINS - 1; m >>= 1)
      k++;
    bins[k]++;
  }
  // A failure first: the batch resets the consecutive count, as singles do.
  const int pb = ofl_breaker_acquire(b, 50);
  ofl_breaker_release(b, pb, OFL_BREAKER_FAILURE, 50, 0);
  const int pa = ofl_breaker_acquire(a, 50);
  ofl_breaker_release(a, pa, OFL_BREAKER_FAILURE, 50, 0);
  const int wb = *(int *)ofl_breaker_shared_block(b, nullptr);
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_settle_successes(b, wb, bins, 50));
  ofl_breaker_stats_t sa, sb;
  ofl_breaker_snapshot(a, 60, &sa);
  ofl_breaker_snapshot(b, 60, &sb);
  EXPECT_EQ(sa.fires, sb.fires);
  EXPECT_EQ(sa.successes, sb.successes);
  EXPECT_EQ(sa.latency_count, sb.latency_count);
  EXPECT_EQ(sa.latency_p50_ms, sb.latency_p50_ms);
  EXPECT_EQ(sa.latency_p99_ms, sb.latency_p99_ms);
  EXPECT_EQ(0u, sb.consecutive_failures);
  EXPECT_EQ(0, sb.in_flight);
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle_successes(b, wb, nullptr, 50));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_settle_successes(b, 1, bins, 50));
  ofl_breaker_free(a);
  ofl_breaker_free(b);
}
