// Throughput check, not a test: run with
//   hash_tests --gtest_also_run_disabled_tests --gtest_filter='*Bench*'
// Prints GB/s on 1 MiB inputs; asserts nothing about speed. Uses thread CPU
// time, so a busy shared machine skews the numbers less than wall time.
#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <thread>

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
  const char *b3names[] = {"", "portable", "sse41", "avx2", "neon", "avx512"};
  for (int impl = OFL__B3_IMPL_PORTABLE; impl <= OFL__B3_IMPL_AVX512; impl++) {
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

// How much a second thread adds on this machine, with no executor in the
// way: the two 32 MiB halves of one 64 MiB BLAKE3 input hashed one after
// another on one thread, then on two plain threads at once (wall time,
// 9 rounds, printed per round and as the median speedup).
TEST(HashBench, DISABLED_Blake3TwoPlainThreads) {
  const size_t len = (size_t)64 << 20, half = len / 2;
  std::vector<uint8_t> in = ofltest::Pattern(len);
  uint32_t key[8];
  uint8_t flags = 0, cv[2][32];
  ASSERT_EQ(ofl_blake3_mode(nullptr, key, &flags), 0);
  auto piece = [&](int i) {
    ofl_blake3_subtree_cv(in.data() + i * half, half,
                          (uint64_t)(i * half / OFL_BLAKE3_CHUNK_LEN), key,
                          flags, cv[i]);
  };
  auto wall = [] {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
  };
  std::vector<double> speedups;
  for (int round = 0; round < 9; round++) {
    double t0 = wall();
    piece(0);
    piece(1);
    double t1 = wall();
    std::thread other([&] { piece(1); });
    piece(0);
    other.join();
    double t2 = wall();
    speedups.push_back((t1 - t0) / (t2 - t1));
    printf("blake3 64 MiB: 1 thread %.2f GB/s, 2 threads %.2f GB/s (%.2fx)\n",
           (double)len / (t1 - t0) / 1e9, (double)len / (t2 - t1) / 1e9,
           speedups.back());
  }
  std::sort(speedups.begin(), speedups.end());
  printf("median speedup of 2 plain threads: %.2fx\n", speedups[4]);
}
