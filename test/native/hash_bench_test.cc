// Throughput check, not a test: run with
//   hash_tests --gtest_also_run_disabled_tests --gtest_filter='*Bench*'
// Prints GB/s on 1 MiB inputs; asserts nothing about speed. Uses thread CPU
// time, so a busy shared machine skews the numbers less than wall time.
#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>

#include "hash_test_util.h"

namespace {

uint64_t CpuNs() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

template <typename F>
double GBps(size_t len, F &&f) {
  f();  // warm up
  int iters = 0;
  uint64_t t0 = CpuNs(), t1;
  do {
    f();
    iters++;
    t1 = CpuNs();
  } while (t1 - t0 < 300000000ull);
  return (double)len * iters / (double)(t1 - t0);
}

TEST(HashBench, DISABLED_Throughput1MiB) {
  const size_t len = 1 << 20;
  std::vector<uint8_t> in = ofltest::Pattern(len);
  uint8_t out[64];
  const char *b3names[] = {"", "portable", "sse41", "avx2", "neon"};
  for (int impl = OFL__B3_IMPL_PORTABLE; impl <= OFL__B3_IMPL_NEON; impl++) {
    if (ofl__blake3_force_impl(impl) != 0) continue;
    printf("blake3 %-8s %6.2f GB/s\n", b3names[impl], GBps(len, [&] {
             ofl_hash_oneshot(OFL_HASH_BLAKE3, nullptr, in.data(), len, out,
                              32);
           }));
  }
  ofl__blake3_force_impl(OFL__B3_IMPL_AUTO);
  const char *crcnames[] = {"", "table", "sse4.2", "armv8"};
  for (int impl = OFL__CRC32C_IMPL_TABLE; impl <= OFL__CRC32C_IMPL_ARM;
       impl++) {
    if (ofl__crc32c_force_impl(impl) != 0) continue;
    printf("crc32c %-8s %6.2f GB/s\n", crcnames[impl],
           GBps(len, [&] { ofl_crc32c(0, in.data(), len); }));
  }
  ofl__crc32c_force_impl(OFL__CRC32C_IMPL_AUTO);
  for (ofl_hash_algo_t a : {OFL_HASH_XXH3, OFL_HASH_XXH64, OFL_HASH_CRC32,
                            OFL_HASH_SHA256, OFL_HASH_SHA1, OFL_HASH_MD5}) {
    printf("%-15s %6.2f GB/s\n", ofl_hash_algo_name(a), GBps(len, [&] {
             ofl_hash_oneshot(a, nullptr, in.data(), len, out, 64);
           }));
  }
  // The inline-on-JS-thread case: many tiny one-shots.
  uint64_t t0 = CpuNs();
  const int n = 200000;
  for (int i = 0; i < n; i++)
    ofl_hash_oneshot(OFL_HASH_SHA256, nullptr, in.data(), 64, out, 32);
  printf("sha256 64-byte one-shot: %.0f ns/op\n", (double)(CpuNs() - t0) / n);
}

}  // namespace
