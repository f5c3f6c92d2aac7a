// Exact transition traces driven by a fake clock.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "ofl_breaker.h"

namespace {

struct Breaker {
  ofl_breaker_t *b = nullptr;
  explicit Breaker(const ofl_breaker_opts_t &o, uint64_t now = 0) {
    EXPECT_EQ(0, ofl_breaker_create(&o, now, &b));
  }
  ~Breaker() { ofl_breaker_free(b); }
  operator ofl_breaker_t *() const { return b; }
};

ofl_breaker_opts_t Opts() {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  return o;
}

int Call(ofl_breaker_t *b, uint64_t now, int outcome) {
  int p = ofl_breaker_acquire(b, now);
  if (p < 0) return p;
  return ofl_breaker_release(b, p, outcome, now, 1);
}

int32_t Word(ofl_breaker_t *b) {
  size_t len = 0;
  const int32_t *i32 =
      static_cast<const int32_t *>(ofl_breaker_shared_block(b, &len));
  EXPECT_EQ(static_cast<size_t>(OFL_BREAKER_SHARED_BYTES), len);
  return __atomic_load_n(&i32[OFL_BREAKER_SLOT_STATE], __ATOMIC_ACQUIRE);
}

int64_t Slot64(ofl_breaker_t *b, int idx) {
  const int64_t *i64 =
      static_cast<const int64_t *>(ofl_breaker_shared_block(b, nullptr));
  return __atomic_load_n(&i64[idx], __ATOMIC_ACQUIRE);
}

}  // namespace

TEST(BreakerOpts, DefaultsMatchOpossum) {
  ofl_breaker_opts_t o = Opts();
  EXPECT_EQ(50u, o.error_threshold_percentage);
  EXPECT_EQ(10000u, o.rolling_count_timeout_ms);
  EXPECT_EQ(10u, o.rolling_count_buckets);
  EXPECT_EQ(0u, o.volume_threshold);
  EXPECT_EQ(0u, o.failure_threshold);
  EXPECT_EQ(30000u, o.reset_timeout_ms);
  EXPECT_EQ(1u, o.half_open_max_concurrent);
  EXPECT_EQ(1u, o.success_threshold);
  EXPECT_EQ(0u, o.capacity);
  EXPECT_EQ(0, ofl_breaker_opts_validate(&o));
}

TEST(BreakerOpts, BadOptionsAreRejected) {
  ofl_breaker_t *b = reinterpret_cast<ofl_breaker_t *>(0x1);
  struct Case {
    void (*mutate)(ofl_breaker_opts_t *);
    int err;
  } cases[] = {
      {[](ofl_breaker_opts_t *o) { o->error_threshold_percentage = 101; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->rolling_count_timeout_ms = 0; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->rolling_count_buckets = 0; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->rolling_count_buckets = 1025; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->rolling_count_buckets = 7; },
       OFL_EINVAL},
      {[](ofl_breaker_opts_t *o) { o->half_open_max_concurrent = 0; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->half_open_max_concurrent = 1u << 31; },
       OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->success_threshold = 0; }, OFL_ERANGE},
      {[](ofl_breaker_opts_t *o) { o->capacity = 1u << 31; }, OFL_ERANGE},
  };
  for (const Case &c : cases) {
    ofl_breaker_opts_t o = Opts();
    c.mutate(&o);
    EXPECT_EQ(c.err, ofl_breaker_opts_validate(&o));
    EXPECT_EQ(c.err, ofl_breaker_create(&o, 0, &b));
    EXPECT_EQ(reinterpret_cast<ofl_breaker_t *>(0x1), b) << "out untouched";
  }
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_create(nullptr, 0, nullptr));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_opts_validate(nullptr));
  // Edge values that are fine.
  ofl_breaker_opts_t o = Opts();
  o.error_threshold_percentage = 100;
  o.rolling_count_buckets = 1000;
  o.reset_timeout_ms = 0;
  o.capacity = INT32_MAX;
  ofl_breaker_t *ok = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &ok));
  ofl_breaker_free(ok);
  ofl_breaker_free(nullptr);
}

TEST(BreakerApi, BadArguments) {
  Breaker b(Opts());
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_acquire(nullptr, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(nullptr, 0, 0, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(b, -1, 0, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(b, OFL_BREAKER_OPEN, 0, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(b, 3, 0, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(b, 0, 4, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_release(b, 0, -1, 0, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_record(b, 7, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_state(nullptr, 0));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_restore(b, 3, 0, 0));
  EXPECT_EQ(OFL_ERANGE, ofl_breaker_restore(b, OFL_BREAKER_OPEN, 11, 10));
  EXPECT_EQ(nullptr, ofl_breaker_shared_block(nullptr, nullptr));
  ofl_breaker_force_open(nullptr, 0);
  ofl_breaker_force_close(nullptr, 0);
  ofl_breaker_snapshot(nullptr, 0, nullptr);
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(b, 0));
  EXPECT_EQ(0, Word(b));
}

// threshold breach -> open -> fail fast -> half-open after reset_timeout ->
// close after success_threshold probes.
TEST(BreakerTrace, TripFailFastHalfOpenClose) {
  ofl_breaker_opts_t o = Opts();
  o.error_threshold_percentage = 49;  // trips above it: 2 of 4 fires
  o.reset_timeout_ms = 1000;
  o.success_threshold = 2;
  Breaker b(o, 0);

  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 10, OFL_BREAKER_SUCCESS));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 11, OFL_BREAKER_SUCCESS));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 12, OFL_BREAKER_FAILURE));  // 1/3
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 13, OFL_BREAKER_FAILURE));    // 2/4
  int32_t w = Word(b);
  EXPECT_EQ(OFL_BREAKER_OPEN, OFL_BREAKER_WORD_STATE(w));
  EXPECT_EQ(1u, OFL_BREAKER_WORD_GEN(w));
  EXPECT_EQ(13, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
  EXPECT_EQ(1013, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  EXPECT_EQ(13, Slot64(b, OFL_BREAKER_SLOT64_LAST_FAILURE_MS));

  // Fail fast until the reset timeout, without changing anything.
  for (uint64_t t = 13; t < 1013; t += 97)
    EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, t));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 1012));
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 1012));
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN, ofl_breaker_state(b, 1013));  // effective
  EXPECT_EQ(w, Word(b)) << "state() must not transition";

  // Half-open exactly at the reset time: one probe, the rest rejected.
  int p1 = ofl_breaker_acquire(b, 1013);
  ASSERT_GE(p1, 0);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p1));
  EXPECT_EQ(2u, OFL_BREAKER_WORD_GEN(Word(b)));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 1014));
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN,
            ofl_breaker_release(b, p1, OFL_BREAKER_SUCCESS, 1015, 2));
  // One success of two: still half-open; the slot is free for a new probe.
  int p2 = ofl_breaker_acquire(b, 1016);
  ASSERT_GE(p2, 0);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p2));
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p2, OFL_BREAKER_SUCCESS, 1017, 2));
  EXPECT_EQ(3u, OFL_BREAKER_WORD_GEN(Word(b)));

  // Closing after probes reset the window: a single failure trips again
  // (1/1 > 49%).
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 1017, &s);
  EXPECT_EQ(0u, s.successes);
  EXPECT_EQ(0u, s.failures);
  EXPECT_EQ(0u, s.fires);
  EXPECT_EQ(OFL_BREAKER_CLOSED, s.state);
  int p3 = ofl_breaker_acquire(b, 1018);
  EXPECT_EQ(OFL_BREAKER_PERMIT_CLOSED, OFL_BREAKER_PERMIT_KIND(p3));
  EXPECT_EQ(OFL_BREAKER_OPEN,
            ofl_breaker_release(b, p3, OFL_BREAKER_FAILURE, 1019, 1));
  EXPECT_EQ(1019, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
}

TEST(BreakerTrace, ProbeFailureReopensAndRestartsTimer) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 100;
  Breaker b(o, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 5, OFL_BREAKER_FAILURE));
  EXPECT_EQ(105, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  int p = ofl_breaker_acquire(b, 150);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  EXPECT_EQ(OFL_BREAKER_OPEN,
            ofl_breaker_release(b, p, OFL_BREAKER_TIMEOUT, 170, 20));
  EXPECT_EQ(170, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
  EXPECT_EQ(270, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 269));
  p = ofl_breaker_acquire(b, 270);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 271, 1));
  // gens: open(1) half(2) open(3) half(4) closed(5)
  EXPECT_EQ(5u, OFL_BREAKER_WORD_GEN(Word(b)));
}

TEST(BreakerTrace, IgnoredProbeClosesFromHalfOpen) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 10;
  Breaker b(o, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 0, OFL_BREAKER_FAILURE));
  int p = ofl_breaker_acquire(b, 10);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p, OFL_BREAKER_IGNORED, 11, 1));
}

TEST(BreakerTrace, IgnoredClosedCallsDoNotCount) {
  Breaker b(Opts(), 0);
  for (int i = 0; i < 5; i++)
    EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, i, OFL_BREAKER_IGNORED));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 5, &s);
  EXPECT_EQ(5u, s.ignored);
  EXPECT_EQ(0u, s.failures);
  EXPECT_EQ(0u, s.latency_count);
  EXPECT_EQ(0, s.in_flight);
}

TEST(BreakerTrace, ConsecutiveFailureThresholdResetBySuccess) {
  ofl_breaker_opts_t o = Opts();
  o.error_threshold_percentage = 100;  // percentage needs all failures
  o.volume_threshold = 1000000;        // and is held off by volume
  o.failure_threshold = 3;
  Breaker b(o, 0);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 1, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 2, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 3, OFL_BREAKER_SUCCESS));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 3, &s);
  EXPECT_EQ(0u, s.consecutive_failures);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 4, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 5, OFL_BREAKER_TIMEOUT));
  ofl_breaker_snapshot(b, 5, &s);
  EXPECT_EQ(2u, s.consecutive_failures);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 6, OFL_BREAKER_IGNORED));
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 7, OFL_BREAKER_FAILURE));
  ofl_breaker_snapshot(b, 7, &s);
  EXPECT_EQ(5u, s.failures);  // timeouts included
  EXPECT_EQ(1u, s.timeouts);
  EXPECT_EQ(1u, s.successes);
  EXPECT_EQ(7u, s.opened_at_ms);
}

TEST(BreakerTrace, VolumeThresholdHoldsClosedUnderLowVolume) {
  ofl_breaker_opts_t o = Opts();
  o.volume_threshold = 5;
  o.reset_timeout_ms = 100;
  Breaker b(o, 0);
  for (int i = 0; i < 4; i++)
    EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, i, OFL_BREAKER_FAILURE)) << i;
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 4, OFL_BREAKER_FAILURE));
  // The volume threshold plays no part in half-open (opossum#276).
  int p = ofl_breaker_acquire(b, 104);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN,
            ofl_breaker_release(b, p, OFL_BREAKER_FAILURE, 104, 0));
  p = ofl_breaker_acquire(b, 204);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 204, 0));
}

TEST(BreakerTrace, VolumeCountsOnlyTheWindow) {
  ofl_breaker_opts_t o = Opts();
  o.volume_threshold = 3;
  o.rolling_count_timeout_ms = 1000;
  o.rolling_count_buckets = 10;
  Breaker b(o, 0);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 0, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 50, OFL_BREAKER_FAILURE));
  // t=1000: bucket 0 has left the window; only 1 call in it.
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 1000, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 1001, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 1002, OFL_BREAKER_FAILURE));
}

// opossum: the failure rate of the window's fires must EXCEED the
// percentage; at 100 it never trips.
TEST(BreakerTrace, PercentageMustBeExceeded) {
  ofl_breaker_opts_t o = Opts();
  o.error_threshold_percentage = 25;
  o.volume_threshold = 4;
  Breaker b(o, 0);
  for (int i = 0; i < 3; i++) Call(b, 1, OFL_BREAKER_SUCCESS);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 1, OFL_BREAKER_FAILURE));  // 25 %
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 1, OFL_BREAKER_FAILURE));    // 40 %
  o.error_threshold_percentage = 100;
  o.volume_threshold = 0;
  Breaker all(o, 0);
  for (int i = 0; i < 10; i++)
    EXPECT_EQ(OFL_BREAKER_CLOSED, Call(all, 1, OFL_BREAKER_FAILURE));
}

// Calls in flight count as fires: one failure among ten calls started is
// 10 %, whatever the order they settle in.
TEST(BreakerTrace, CallsInFlightWeighInTheRate) {
  Breaker b(Opts(), 0);
  int permits[10];
  for (int &p : permits) p = ofl_breaker_acquire(b, 0);
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, permits[0], OFL_BREAKER_FAILURE, 1, 1));
  for (int i = 1; i < 10; i++)
    ofl_breaker_release(b, permits[i], OFL_BREAKER_SUCCESS, 2, 1);
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(b, 2));
}

// allowWarmUp: no trip before created + warm_up_ms.
TEST(BreakerTrace, WarmUpHoldsTheTrip) {
  ofl_breaker_opts_t o = Opts();
  o.warm_up_ms = 100;
  o.rolling_count_timeout_ms = 1000;
  Breaker b(o, 50);
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 60, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_CLOSED, Call(b, 149, OFL_BREAKER_FAILURE));
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 150, OFL_BREAKER_FAILURE));
}

// opossum's close() keeps the rolling window.
TEST(BreakerTrace, ForcedCloseKeepsTheWindow) {
  Breaker b(Opts(), 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 1, OFL_BREAKER_FAILURE));
  ofl_breaker_force_close(b, 2);
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 2, &s);
  EXPECT_EQ(OFL_BREAKER_CLOSED, s.state);
  EXPECT_EQ(1u, s.failures);
  EXPECT_EQ(1u, s.fires);
  EXPECT_EQ(0u, s.consecutive_failures);
}

// opossum#385: failures of calls that were in flight when the breaker
// opened must not postpone (or cancel) the half-open transition.
TEST(BreakerTrace, SimultaneousFailuresWhileOpenDoNotPostponeHalfOpen) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 1000;
  o.failure_threshold = 1;
  Breaker b(o, 0);
  int permits[20];
  for (int &p : permits) {
    p = ofl_breaker_acquire(b, 0);
    ASSERT_GE(p, 0);
  }
  EXPECT_EQ(OFL_BREAKER_OPEN,
            ofl_breaker_release(b, permits[0], OFL_BREAKER_FAILURE, 10, 10));
  const int32_t w = Word(b);
  for (int i = 1; i < 20; i++)
    EXPECT_EQ(OFL_BREAKER_OPEN,
              ofl_breaker_release(b, permits[i], OFL_BREAKER_FAILURE,
                                  10 + static_cast<uint64_t>(i) * 40, 10));
  EXPECT_EQ(w, Word(b)) << "no transition, no generation bump";
  EXPECT_EQ(10, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
  EXPECT_EQ(1010, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  int p = ofl_breaker_acquire(b, 1010);
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 1010, &s);
  EXPECT_EQ(20u, s.failures);
  EXPECT_EQ(1, s.in_flight);
  EXPECT_EQ(1, s.probes_in_flight);
}

// A stale closed permit failing during half-open neither re-opens nor
// consumes the probe; a stale probe from an older episode does not close.
TEST(BreakerTrace, StalePermitsNeverTransition) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 100;
  o.failure_threshold = 1;
  o.half_open_max_concurrent = 2;
  Breaker b(o, 0);
  int old_closed = ofl_breaker_acquire(b, 0);
  ASSERT_GE(old_closed, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, Call(b, 0, OFL_BREAKER_FAILURE));
  int a = ofl_breaker_acquire(b, 100);
  int c = ofl_breaker_acquire(b, 100);
  ASSERT_GE(a, 0);
  ASSERT_GE(c, 0);
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 100));
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN,
            ofl_breaker_release(b, old_closed, OFL_BREAKER_FAILURE, 101, 1));
  // Probe a fails: re-open (new episode). Probe c is now stale.
  EXPECT_EQ(OFL_BREAKER_OPEN,
            ofl_breaker_release(b, a, OFL_BREAKER_FAILURE, 102, 1));
  int p = ofl_breaker_acquire(b, 202);  // next half-open episode
  ASSERT_GE(p, 0);
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN,
            ofl_breaker_release(b, c, OFL_BREAKER_SUCCESS, 203, 1));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 203, &s);
  EXPECT_EQ(0u, s.half_open_successes);
  EXPECT_EQ(1, s.probes_in_flight);
  EXPECT_EQ(1, s.in_flight);
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 204, 1));
  ofl_breaker_snapshot(b, 204, &s);
  EXPECT_EQ(0, s.in_flight);
  EXPECT_EQ(0, s.probes_in_flight);
}

TEST(BreakerTrace, ForceOpenCloseAndRestore) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 50;
  Breaker b(o, 0);
  ofl_breaker_force_close(b, 1);  // no-op when closed
  EXPECT_EQ(0, Word(b));
  ofl_breaker_force_open(b, 10);
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 10));
  ofl_breaker_force_open(b, 30);  // already open: timer not restarted
  EXPECT_EQ(10, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 59));
  ofl_breaker_force_close(b, 20);
  EXPECT_EQ(OFL_BREAKER_CLOSED, ofl_breaker_state(b, 20));
  EXPECT_EQ(2u, OFL_BREAKER_WORD_GEN(Word(b)));

  EXPECT_EQ(0, ofl_breaker_restore(b, OFL_BREAKER_OPEN, 100, 120));
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 120));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 149));
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN, ofl_breaker_state(b, 150));
  EXPECT_GE(ofl_breaker_acquire(b, 150), 0);

  EXPECT_EQ(0, ofl_breaker_restore(b, OFL_BREAKER_HALF_OPEN, 0, 200));
  int p = ofl_breaker_acquire(b, 200);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 200));
  EXPECT_EQ(0, ofl_breaker_restore(b, OFL_BREAKER_CLOSED, 0, 201));
  EXPECT_EQ(OFL_BREAKER_PERMIT_CLOSED,
            OFL_BREAKER_PERMIT_KIND(ofl_breaker_acquire(b, 201)));
}

TEST(BreakerTrace, ForceOpenAfterResetTimeoutRestartsTimer) {
  ofl_breaker_opts_t o = Opts();
  o.reset_timeout_ms = 50;
  Breaker b(o, 0);
  ofl_breaker_force_open(b, 10);
  EXPECT_EQ(1u, OFL_BREAKER_WORD_GEN(Word(b)));
  // Reset time passed, nothing acquired yet: effectively half-open.
  EXPECT_EQ(OFL_BREAKER_HALF_OPEN, ofl_breaker_state(b, 70));
  ofl_breaker_force_open(b, 70);
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 70));
  EXPECT_EQ(OFL_BREAKER_OPEN, OFL_BREAKER_WORD_STATE(Word(b)));
  // Stored as open -> half-open -> open, so every thread sees both moves.
  EXPECT_EQ(3u, OFL_BREAKER_WORD_GEN(Word(b)));
  EXPECT_EQ(70, Slot64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS));
  EXPECT_EQ(120, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 119));
  int p = ofl_breaker_acquire(b, 120);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  // In stored half-open, force_open re-opens at once as before.
  ofl_breaker_force_open(b, 121);
  EXPECT_EQ(OFL_BREAKER_OPEN, ofl_breaker_state(b, 121));
  EXPECT_EQ(171, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
}

TEST(BreakerCapacity, SemlockedAndPermitsReturn) {
  ofl_breaker_opts_t o = Opts();
  o.capacity = 3;
  Breaker b(o, 0);
  int p[3];
  for (int &x : p) {
    x = ofl_breaker_acquire(b, 1);
    ASSERT_GE(x, 0);
  }
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 1));
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 1));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 1, &s);
  EXPECT_EQ(3, s.in_flight);
  EXPECT_EQ(2u, s.semlocked);
  EXPECT_EQ(5u, s.fires);
  ofl_breaker_release(b, p[0], OFL_BREAKER_SUCCESS, 2, 1);
  int q = ofl_breaker_acquire(b, 2);
  ASSERT_GE(q, 0);
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 2));
  ofl_breaker_release(b, p[1], OFL_BREAKER_IGNORED, 3, 1);
  ofl_breaker_release(b, p[2], OFL_BREAKER_SUCCESS, 3, 1);
  ofl_breaker_release(b, q, OFL_BREAKER_SUCCESS, 3, 1);
  ofl_breaker_snapshot(b, 3, &s);
  EXPECT_EQ(0, s.in_flight);
  for (int &x : p) {
    x = ofl_breaker_acquire(b, 4);
    ASSERT_GE(x, 0);
  }
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 4));
  for (int x : p) ofl_breaker_release(b, x, OFL_BREAKER_SUCCESS, 5, 1);
}

TEST(BreakerCapacity, OpenWinsOverCapacityAndProbesNeedASlot) {
  ofl_breaker_opts_t o = Opts();
  o.capacity = 1;
  o.reset_timeout_ms = 10;
  Breaker b(o, 0);
  int held = ofl_breaker_acquire(b, 0);
  ASSERT_GE(held, 0);
  ofl_breaker_force_open(b, 0);
  EXPECT_EQ(OFL_ECIRCUITOPEN, ofl_breaker_acquire(b, 5));
  // Half-open, but the only capacity slot is held: semlocked, which is a
  // failed probe (opossum): open again, the timer restarted.
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 10));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 10, &s);
  EXPECT_EQ(0, s.probes_in_flight);
  EXPECT_EQ(OFL_BREAKER_OPEN, s.state);
  EXPECT_EQ(1u, s.failures);
  EXPECT_EQ(20, Slot64(b, OFL_BREAKER_SLOT64_RESET_AT_MS));
  ofl_breaker_release(b, held, OFL_BREAKER_SUCCESS, 11, 1);  // stale
  int p = ofl_breaker_acquire(b, 20);
  EXPECT_EQ(OFL_BREAKER_PERMIT_PROBE, OFL_BREAKER_PERMIT_KIND(p));
  EXPECT_EQ(OFL_BREAKER_CLOSED,
            ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 21, 1));
}

// opossum: a call refused for capacity is a failure, and may trip.
TEST(BreakerCapacity, SemlockedCountsAsAFailure) {
  ofl_breaker_opts_t o = Opts();
  o.capacity = 1;
  o.error_threshold_percentage = 40;
  Breaker b(o, 0);
  int held = ofl_breaker_acquire(b, 0);
  ASSERT_GE(held, 0);
  EXPECT_EQ(OFL_ESEMLOCKED, ofl_breaker_acquire(b, 1));  // 1 of 2 fires
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 1, &s);
  EXPECT_EQ(1u, s.semlocked);
  EXPECT_EQ(1u, s.failures);
  EXPECT_EQ(1u, s.last_failure_time_ms);
  EXPECT_EQ(OFL_BREAKER_OPEN, s.state);
}

TEST(BreakerStats, SnapshotCountsEveryKind) {
  ofl_breaker_opts_t o = Opts();
  o.volume_threshold = 100;
  Breaker b(o, 0);
  Call(b, 1, OFL_BREAKER_SUCCESS);
  Call(b, 1, OFL_BREAKER_FAILURE);
  Call(b, 1, OFL_BREAKER_TIMEOUT);
  Call(b, 1, OFL_BREAKER_IGNORED);
  EXPECT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, 2));
  EXPECT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_REJECT, 2));
  EXPECT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FIRE, 2));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 3, &s);
  EXPECT_EQ(5u, s.fires);
  EXPECT_EQ(1u, s.successes);
  EXPECT_EQ(2u, s.failures);
  EXPECT_EQ(1u, s.timeouts);
  EXPECT_EQ(1u, s.ignored);
  EXPECT_EQ(1u, s.rejects);
  EXPECT_EQ(1u, s.fallbacks);
  EXPECT_EQ(3u, s.latency_count);
  EXPECT_EQ(1u, s.last_failure_time_ms);
  EXPECT_EQ(2u, s.consecutive_failures);
  // Ten seconds later the window is empty, status remains.
  ofl_breaker_snapshot(b, 10000, &s);
  EXPECT_EQ(0u, s.fires);
  EXPECT_EQ(0u, s.failures);
  EXPECT_EQ(0u, s.latency_p50_ms);
  EXPECT_EQ(1u, s.last_failure_time_ms);
}

TEST(BreakerStats, RecordNCountsABatch) {
  Breaker b(Opts(), 0);
  EXPECT_EQ(0, ofl_breaker_record_n(b, OFL_BREAKER_EV_FIRE, 4096, 5));
  EXPECT_EQ(0, ofl_breaker_record_n(b, OFL_BREAKER_EV_REJECT, 7, 5));
  EXPECT_EQ(0, ofl_breaker_record_n(b, OFL_BREAKER_EV_FALLBACK, 0, 5));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_record_n(b, 9, 1, 5));
  EXPECT_EQ(OFL_EINVAL, ofl_breaker_record_n(nullptr, OFL_BREAKER_EV_FIRE, 1, 5));
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 6, &s);
  EXPECT_EQ(4096u, s.fires);
  EXPECT_EQ(7u, s.rejects);
  EXPECT_EQ(0u, s.fallbacks);
}

TEST(BreakerStats, SharedLayoutIsStable) {
  EXPECT_EQ(0, OFL_BREAKER_SLOT_STATE);
  EXPECT_EQ(1, OFL_BREAKER_SLOT_IN_FLIGHT);
  EXPECT_EQ(2, OFL_BREAKER_SLOT_PROBES);
  EXPECT_EQ(3, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES);
  EXPECT_EQ(4, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES);
  EXPECT_EQ(5, OFL_BREAKER_SLOT_CAPACITY);
  EXPECT_EQ(6, OFL_BREAKER_SLOT_HALF_OPEN_MAX);
  EXPECT_EQ(8, OFL_BREAKER_SLOT64_OPENED_AT_MS);
  EXPECT_EQ(9, OFL_BREAKER_SLOT64_RESET_AT_MS);
  EXPECT_EQ(10, OFL_BREAKER_SLOT64_LAST_FAILURE_MS);
  EXPECT_EQ(128, OFL_BREAKER_SHARED_BYTES);
  ofl_breaker_opts_t o = Opts();
  o.capacity = 7;
  o.half_open_max_concurrent = 3;
  Breaker b(o, 0);
  size_t len = 0;
  void *blk = ofl_breaker_shared_block(b, &len);
  ASSERT_NE(nullptr, blk);
  EXPECT_EQ(0u, reinterpret_cast<uintptr_t>(blk) % 8);
  const int32_t *i32 = static_cast<const int32_t *>(blk);
  EXPECT_EQ(7, i32[OFL_BREAKER_SLOT_CAPACITY]);
  EXPECT_EQ(3, i32[OFL_BREAKER_SLOT_HALF_OPEN_MAX]);
  int p = ofl_breaker_acquire(b, 0);
  EXPECT_EQ(1, i32[OFL_BREAKER_SLOT_IN_FLIGHT]);
  ofl_breaker_release(b, p, OFL_BREAKER_FAILURE, 0, 0);
  EXPECT_EQ(OFL_BREAKER_OPEN, OFL_BREAKER_WORD_STATE(i32[0]));
}
