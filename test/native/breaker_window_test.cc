// Rolling-window counts against a brute-force reference.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "ofl_breaker.h"

namespace {

enum Kind { kFire, kSuccess, kFailure, kTimeout, kIgnored, kFallback,
            kReject, kKinds };

struct Ev {
  uint64_t t;
  Kind kind;
  uint32_t latency;  // for outcomes
};

// Reference bin: bin 0 = 0 ms, bin k = [2^(k-1), 2^k), last bin (23) open.
unsigned RefBin(uint32_t ms) {
  if (ms == 0) return 0;
  unsigned k = 1;
  while (k < 23 && static_cast<uint64_t>(ms) >= (uint64_t{1} << k)) k++;
  return k;
}

uint32_t RefEdge(unsigned k) {
  return k == 23 ? (1u << 22) : static_cast<uint32_t>((uint64_t{1} << k) - 1);
}

uint32_t RefPercentile(const std::vector<uint32_t> &lat, unsigned pct) {
  if (lat.empty()) return 0;
  std::vector<uint64_t> h(24, 0);
  for (uint32_t l : lat) h[RefBin(l)]++;
  uint64_t rank = (lat.size() * pct + 99) / 100;
  if (rank == 0) rank = 1;
  uint64_t acc = 0;
  for (unsigned k = 0; k < 24; k++) {
    acc += h[k];
    if (acc >= rank) return RefEdge(k);
  }
  return RefEdge(23);
}

// Every event recorded at time t is in the window at `now` iff its bucket
// is one of the last n buckets ending at now's bucket.
void Reference(const std::vector<Ev> &evs, uint64_t now, uint64_t bucket_ms,
               uint64_t n, ofl_breaker_stats_t *out) {
  *out = ofl_breaker_stats_t{};
  const uint64_t cur = now / bucket_ms;
  std::vector<uint32_t> lat;
  for (const Ev &e : evs) {
    const uint64_t idx = e.t / bucket_ms;
    if (idx > cur || cur - idx >= n) continue;
    switch (e.kind) {
      case kFire: out->fires++; break;
      case kSuccess: out->successes++; lat.push_back(e.latency); break;
      case kFailure: out->failures++; lat.push_back(e.latency); break;
      case kTimeout:
        out->failures++;
        out->timeouts++;
        lat.push_back(e.latency);
        break;
      case kIgnored: out->ignored++; break;
      case kFallback: out->fallbacks++; break;
      case kReject: out->rejects++; break;
      default: break;
    }
  }
  out->latency_count = lat.size();
  out->latency_p50_ms = RefPercentile(lat, 50);
  out->latency_p99_ms = RefPercentile(lat, 99);
}

}  // namespace

TEST(BreakerWindow, LatencyBinsAtEdges) {
  EXPECT_EQ(0u, RefBin(0));
  EXPECT_EQ(1u, RefBin(1));
  EXPECT_EQ(2u, RefBin(3));
  EXPECT_EQ(3u, RefBin(4));
  EXPECT_EQ(23u, RefBin(UINT32_MAX));
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  o.volume_threshold = UINT32_MAX;
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  const uint32_t lats[] = {0, 1, 2, 3, 4, 7, 8, 1000, 1u << 22, UINT32_MAX};
  for (uint32_t l : lats) {
    int p = ofl_breaker_acquire(b, 0);
    ASSERT_GE(p, 0);
    ofl_breaker_release(b, p, OFL_BREAKER_SUCCESS, 0, l);
  }
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 0, &s);
  EXPECT_EQ(10u, s.latency_count);
  EXPECT_EQ(7u, s.latency_p50_ms);  // 5th of 10 is 4 -> bin [4,7]
  EXPECT_EQ(1u << 22, s.latency_p99_ms);
  ofl_breaker_free(b);
}

// 10^4 random schedules: random window shapes, event times that hit bucket
// edges exactly, repeat the same millisecond, and leave idle gaps longer
// than the window; snapshots compared field by field after every step.
TEST(BreakerWindow, MatchesBruteForceReference) {
  std::mt19937_64 rng(0x0ff10adULL);
  const uint32_t shapes[][2] = {{1000, 1}, {1000, 10}, {10000, 10},
                                {60, 3},   {7, 7},     {100, 4},
                                {1, 1},    {1024, 1024}, {90, 9}};
  for (int sched = 0; sched < 10000; sched++) {
    const auto &shape = shapes[rng() % (sizeof(shapes) / sizeof(shapes[0]))];
    ofl_breaker_opts_t o;
    ofl_breaker_opts_init(&o);
    o.rolling_count_timeout_ms = shape[0];
    o.rolling_count_buckets = shape[1];
    o.volume_threshold = UINT32_MAX;  // never trip: pure counting
    const uint64_t bm = shape[0] / shape[1];
    const uint64_t win = shape[0];
    uint64_t t = (rng() % 4 == 0) ? (rng() >> 24) : rng() % 5000;
    ofl_breaker_t *b = nullptr;
    ASSERT_EQ(0, ofl_breaker_create(&o, t, &b));
    std::vector<Ev> evs;
    std::vector<std::pair<int, uint64_t>> open;  // permit, start
    const int steps = 20 + static_cast<int>(rng() % 40);
    for (int step = 0; step < steps; step++) {
      switch (rng() % 8) {  // advance time
        case 0: break;                                       // same ms
        case 1: t = (t / bm + 1) * bm; break;                // next edge
        case 2: t = (t / bm + 1) * bm - 1; break;            // edge - 1
        case 3: t += win; break;                             // one window
        case 4: t += win + 1 + rng() % (3 * win); break;     // idle gap
        case 5: t += win - 1; break;
        default: t += rng() % (bm + 2); break;
      }
      const unsigned what = rng() % 10;
      if (what < 4) {
        int p = ofl_breaker_acquire(b, t);
        ASSERT_GE(p, 0);
        evs.push_back({t, kFire, 0});
        open.emplace_back(p, t);
      } else if (what < 8 && !open.empty()) {
        const size_t i = rng() % open.size();
        const int outcome = static_cast<int>(rng() % 4);
        const uint32_t lat = (rng() % 3 == 0)
                                 ? static_cast<uint32_t>(rng())
                                 : static_cast<uint32_t>(t - open[i].second);
        ASSERT_EQ(OFL_BREAKER_CLOSED,
                  ofl_breaker_release(b, open[i].first, outcome, t, lat));
        open.erase(open.begin() + static_cast<long>(i));
        const Kind k = outcome == OFL_BREAKER_SUCCESS   ? kSuccess
                       : outcome == OFL_BREAKER_FAILURE ? kFailure
                       : outcome == OFL_BREAKER_TIMEOUT ? kTimeout
                                                        : kIgnored;
        evs.push_back({t, k, lat});
      } else if (what == 8) {
        ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, t));
        evs.push_back({t, kFallback, 0});
      } else {
        ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_REJECT, t));
        evs.push_back({t, kReject, 0});
      }
      // Query now and, sometimes, a little later (without recording).
      for (uint64_t q : {t, t + rng() % (2 * win + 2)}) {
        ofl_breaker_stats_t got, want;
        ofl_breaker_snapshot(b, q, &got);
        Reference(evs, q, bm, shape[1], &want);
        ASSERT_EQ(want.fires, got.fires) << "sched " << sched << " q " << q;
        ASSERT_EQ(want.successes, got.successes) << "sched " << sched;
        ASSERT_EQ(want.failures, got.failures) << "sched " << sched;
        ASSERT_EQ(want.timeouts, got.timeouts) << "sched " << sched;
        ASSERT_EQ(want.ignored, got.ignored) << "sched " << sched;
        ASSERT_EQ(want.fallbacks, got.fallbacks) << "sched " << sched;
        ASSERT_EQ(want.rejects, got.rejects) << "sched " << sched;
        ASSERT_EQ(want.latency_count, got.latency_count) << "sched " << sched;
        ASSERT_EQ(want.latency_p50_ms, got.latency_p50_ms) << "sched " << sched;
        ASSERT_EQ(want.latency_p99_ms, got.latency_p99_ms) << "sched " << sched;
        ASSERT_EQ(static_cast<int32_t>(open.size()), got.in_flight);
      }
    }
    ofl_breaker_free(b);
  }
}

// Callers' clocks may disagree slightly; an event a full window older than
// what a bucket slot already holds is dropped, a newer one rotates it.
TEST(BreakerWindow, OutOfOrderTimes) {
  ofl_breaker_opts_t o;
  ofl_breaker_opts_init(&o);
  o.rolling_count_timeout_ms = 100;
  o.rolling_count_buckets = 10;
  ofl_breaker_t *b = nullptr;
  ASSERT_EQ(0, ofl_breaker_create(&o, 0, &b));
  ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, 105));
  ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, 99));  // kept
  ASSERT_EQ(0, ofl_breaker_record(b, OFL_BREAKER_EV_FALLBACK, 5));  // dropped
  ofl_breaker_stats_t s;
  ofl_breaker_snapshot(b, 105, &s);
  EXPECT_EQ(2u, s.fallbacks);
  ofl_breaker_snapshot(b, 190, &s);
  EXPECT_EQ(1u, s.fallbacks);
  ofl_breaker_snapshot(b, 5, &s);  // the dropped event is really gone
  EXPECT_EQ(0u, s.fallbacks);
  ofl_breaker_free(b);
}
