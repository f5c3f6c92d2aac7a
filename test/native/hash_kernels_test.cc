// The BLAKE3 and CRC32C kernels and their runtime dispatch, through the
// internal API only (no OpenSSL/xxHash/libdeflate), so the same file runs
// natively and in the arm64 cross build under qemu-user
// (scripts/test_arm64.sh). Every kernel the CPU has is forced in turn.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "hash_test_util.h"

#if defined(__linux__) && defined(__aarch64__)
#include <sys/auxv.h>
#endif

using ofltest::Blake3Impls;
using ofltest::Crc32cImpls;
using ofltest::Hex;
using ofltest::ImplGuard;

namespace {

// What cpu.c should report here, found another way where there is one:
// the kernel's CPU flags on x86-64 Linux, its hwcaps on arm64 Linux.
unsigned ExpectedFeatures() {
  unsigned f = 0;
#if defined(OFL__X86_64) && defined(__linux__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line) && line.rfind("flags", 0) != 0) {
  }
  line += ' ';
  const std::pair<const char *, unsigned> flags[] = {
      {" sse4_1 ", OFL__CPU_SSE41},
      {" sse4_2 ", OFL__CPU_SSE42},
      {" avx2 ", OFL__CPU_AVX2}};
  for (const auto &fl : flags)
    if (line.find(fl.first) != std::string::npos) f |= fl.second;
  if (line.find(" avx512f ") != std::string::npos &&
      line.find(" avx512vl ") != std::string::npos &&
      line.find(" avx512dq ") != std::string::npos)
    f |= OFL__CPU_AVX512;
#elif defined(OFL__ARM64) && defined(__linux__)
  f = OFL__CPU_NEON;
  if (getauxval(AT_HWCAP) & (1ul << 7)) f |= OFL__CPU_ARM_CRC;  // HWCAP_CRC32
#else
  f = ofl__cpu_features();  // no second source to compare with
#endif
  return f;
}

// Each SIMD kernel and the feature it needs, best last.
struct Kernel {
  int impl;
  unsigned feature;
  const char *name;
};
const Kernel kB3[] = {{OFL__B3_IMPL_PORTABLE, 0, "portable"},
                      {OFL__B3_IMPL_SSE41, OFL__CPU_SSE41, "sse4.1"},
                      {OFL__B3_IMPL_AVX2, OFL__CPU_AVX2, "avx2"},
                      {OFL__B3_IMPL_NEON, OFL__CPU_NEON, "neon"},
                      {OFL__B3_IMPL_AVX512, OFL__CPU_AVX512, "avx512"}};
const Kernel kCrc[] = {{OFL__CRC32C_IMPL_TABLE, 0, "table"},
                       {OFL__CRC32C_IMPL_SSE42, OFL__CPU_SSE42, "sse4.2"},
                       {OFL__CRC32C_IMPL_ARM, OFL__CPU_ARM_CRC, "armv8-crc"}};

// The kernels a CPU with `features` must accept, and the one AUTO picks.
template <size_t N>
std::vector<int> Usable(const Kernel (&ks)[N], unsigned features, int *best,
                        std::string *names) {
  std::vector<int> v;
  for (const Kernel &k : ks) {
    if ((k.feature & ~features) != 0) continue;
    v.push_back(k.impl);
    *best = k.impl;
    if (names) *names += std::string(" ") + k.name;
  }
  return v;
}

std::vector<uint8_t> B3(const ofl_hash_opts_t *o, const uint8_t *in, size_t len,
                        size_t out_len) {
  uint32_t key[8];
  uint8_t flags;
  std::vector<uint8_t> out(out_len);
  EXPECT_EQ(ofl_blake3_mode(o, key, &flags), 0);
  ofl__b3_oneshot(in, len, key, flags, out.data(), out_len);
  return out;
}

// Streaming with random update sizes (0 .. a few chunks).
std::vector<uint8_t> B3Stream(const ofl_hash_opts_t *o, const uint8_t *in,
                              size_t len, size_t out_len, std::mt19937 &rng) {
  uint32_t key[8];
  uint8_t flags;
  ofl__b3_hasher_t h;
  std::vector<uint8_t> out(out_len);
  EXPECT_EQ(ofl_blake3_mode(o, key, &flags), 0);
  ofl__b3_init(&h, key, flags);
  for (size_t pos = 0, n; pos < len; pos += n) {
    n = std::min<size_t>(len - pos, rng() % (rng() % 2 ? 70 : 5000));
    ofl__b3_update(&h, in + pos, n);
  }
  ofl__b3_final(&h, out.data(), out_len);
  return out;
}

std::vector<uint8_t> Random(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto &b : v) b = (uint8_t)rng();
  return v;
}

// Modes cycled through by the randomized tests: hash, keyed, derive_key,
// and hash with 131 bytes of extended output.
struct Mode {
  ofl_hash_opts_t opts;
  size_t out_len;
};
std::vector<Mode> Modes() {
  static const uint8_t key[32] = {7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7,
                                  6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6,
                                  5, 4, 3, 2, 1, 0, 9, 8, 7};
  std::vector<Mode> m(4, Mode{ofl_hash_opts_t{}, 32});
  m[1].opts.key = key;
  m[1].opts.key_len = 32;
  m[2].opts.context = "offload kernels test";
  m[2].opts.context_len = 20;
  m[3].out_len = 131;
  return m;
}

TEST(HashKernels, DetectsEveryKernelThisCpuHas) {
  unsigned want = ExpectedFeatures();
  EXPECT_EQ(ofl__cpu_features(), want);
  int b3_best = 0, crc_best = 0;
  std::string names;
  EXPECT_EQ(Blake3Impls(), Usable(kB3, want, &b3_best, &names));
  names += " |";
  EXPECT_EQ(Crc32cImpls(), Usable(kCrc, want, &crc_best, &names));
  EXPECT_EQ(ofl__blake3_impl(), b3_best);
  EXPECT_EQ(ofl__crc32c_impl(), crc_best);
  // The names the addon reports (hashKernels()) are the picked kernels'.
  for (const Kernel &k : kB3) {
    if (k.impl == b3_best) {
      EXPECT_STREQ(ofl_hash_kernel_name(OFL_HASH_BLAKE3), k.name);
    }
  }
  for (const Kernel &k : kCrc) {
    if (k.impl == crc_best) {
      EXPECT_STREQ(ofl_hash_kernel_name(OFL_HASH_CRC32C), k.name);
    }
  }
  EXPECT_EQ(ofl_hash_kernel_name(OFL_HASH_SHA256), nullptr);
  EXPECT_EQ(ofl_hash_kernel_name(OFL_HASH_ALGO_COUNT), nullptr);
  // The log line scripts/test_arm64.sh reports.
  std::printf("kernels tested:%s\n", names.c_str());
}

// Any subset of the features (none, each alone, all): AUTO picks the best
// kernel the subset allows, the others are refused, results stay right.
TEST(HashKernels, FallsBackWhenCpuLacksFeatures) {
  ImplGuard guard;
  const unsigned real = ofl__cpu_features();
  std::vector<unsigned> masks = {0, real};
  for (unsigned bit = 1; bit & 0xff; bit <<= 1)
    if (real & bit) masks.push_back(bit);
  std::vector<uint8_t> in = Random(9000, 1);
  ASSERT_EQ(ofl__blake3_force_impl(OFL__B3_IMPL_PORTABLE), 0);
  const std::vector<uint8_t> b3_want = B3(nullptr, in.data(), in.size(), 32);
  for (unsigned mask : masks) {
    SCOPED_TRACE("features " + std::to_string(mask));
    ofl__cpu_override(mask);
    int b3_best = 0, crc_best = 0;
    std::vector<int> b3 = Usable(kB3, mask, &b3_best, nullptr);
    std::vector<int> crc = Usable(kCrc, mask, &crc_best, nullptr);
    EXPECT_EQ(Blake3Impls(), b3);
    EXPECT_EQ(Crc32cImpls(), crc);
    EXPECT_EQ(ofl__blake3_impl(), b3_best);
    EXPECT_EQ(ofl__crc32c_impl(), crc_best);
    for (const Kernel &k : kB3) {
      if (std::find(b3.begin(), b3.end(), k.impl) == b3.end()) {
        EXPECT_EQ(ofl__blake3_force_impl(k.impl), OFL_EUNSUPPORTED) << k.name;
      }
    }
    for (const Kernel &k : kCrc) {
      if (std::find(crc.begin(), crc.end(), k.impl) == crc.end()) {
        EXPECT_EQ(ofl__crc32c_force_impl(k.impl), OFL_EUNSUPPORTED) << k.name;
      }
    }
    EXPECT_EQ(B3(nullptr, in.data(), in.size(), 32), b3_want);
    EXPECT_EQ(ofl_crc32c(0, "123456789", 9), 0xe3069283u);
  }
  ofl__cpu_override(real);
}

TEST(HashKernels, Blake3OfficialVectorsEveryKernel) {
  std::string key, context;
  std::vector<ofltest::VectorCase> cases = ofltest::LoadVectors(&key, &context);
  ASSERT_GE(cases.size(), 20u) << "missing " OFL_VECTORS_DIR;
  ofl_hash_opts_t modes[3];
  ofltest::VectorModes(key, context, modes);
  ImplGuard guard;
  std::mt19937 rng(3);
  for (int impl : Blake3Impls()) {
    ASSERT_EQ(ofl__blake3_force_impl(impl), 0);
    for (const ofltest::VectorCase &c : cases) {
      std::vector<uint8_t> in = ofltest::Pattern(c.len);
      const std::string *want[3] = {&c.hash, &c.keyed, &c.derive};
      for (int m = 0; m < 3; m++) {
        SCOPED_TRACE("impl " + std::to_string(impl) + " len " +
                     std::to_string(c.len) + " mode " + std::to_string(m));
        size_t n = want[m]->size() / 2;  // 131 bytes of extended output
        EXPECT_EQ(Hex(B3(&modes[m], in.data(), c.len, n)), *want[m]);
        EXPECT_EQ(Hex(B3Stream(&modes[m], in.data(), c.len, n, rng)), *want[m]);
      }
    }
  }
}

// Each SIMD kernel against portable on random input of every length up to
// 20000 (1 to 19 chunks: 4-, 8- and 16-wide batches and their leftovers),
// at every offset mod 16, cycling through the modes.
TEST(HashKernels, Blake3SimdMatchesPortableEveryLength) {
  ImplGuard guard;
  std::vector<int> impls = Blake3Impls();
  impls.erase(impls.begin());  // portable is the reference
  if (impls.empty()) GTEST_SKIP() << "no SIMD kernel on this CPU";
  std::vector<uint8_t> in = Random(20000 + 16, 2);
  std::vector<Mode> modes = Modes();
  for (size_t len = 0; len <= 20000; len++) {
    const Mode &m = modes[len % modes.size()];
    const uint8_t *p = in.data() + len % 16;
    ASSERT_EQ(ofl__blake3_force_impl(OFL__B3_IMPL_PORTABLE), 0);
    std::vector<uint8_t> want = B3(&m.opts, p, len, m.out_len);
    for (int impl : impls) {
      ASSERT_EQ(ofl__blake3_force_impl(impl), 0);
      ASSERT_EQ(Hex(B3(&m.opts, p, len, m.out_len)), Hex(want))
          << "impl " << impl << " len " << len;
    }
  }
}

// Large inputs: many 16-chunk batches, several parent levels, a ragged
// right edge; one-shot and streamed, odd offsets, every mode.
TEST(HashKernels, Blake3SimdMatchesPortableLarge) {
  ImplGuard guard;
  std::vector<int> impls = Blake3Impls();
  const size_t lens[] = {65536, 65536 + 1023, 1 << 20, (1 << 20) + 1,
                         3 * 1048576 + 17};
  std::vector<uint8_t> in = Random(3 * 1048576 + 17 + 16, 3);
  std::vector<Mode> modes = Modes();
  std::mt19937 rng(4);
  for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    const Mode &m = modes[i % modes.size()];
    const uint8_t *p = in.data() + 2 * i + 1;
    ASSERT_EQ(ofl__blake3_force_impl(OFL__B3_IMPL_PORTABLE), 0);
    std::string want = Hex(B3(&m.opts, p, lens[i], m.out_len));
    for (int impl : impls) {
      SCOPED_TRACE("impl " + std::to_string(impl) + " len " +
                   std::to_string(lens[i]));
      ASSERT_EQ(ofl__blake3_force_impl(impl), 0);
      EXPECT_EQ(Hex(B3(&m.opts, p, lens[i], m.out_len)), want);
      EXPECT_EQ(Hex(B3Stream(&m.opts, p, lens[i], m.out_len, rng)), want);
    }
  }
}

// The compress-many contract itself, beyond what the tree code asks of it:
// any n (full batches plus a remainder), 1 to 16 blocks, inputs scattered
// at odd addresses, any flags, chunk counters whose batch crosses 2^32.
TEST(HashKernels, Blake3ManyMatchesPortable) {
  std::vector<uint8_t> in = Random(40 * 1024 + 64, 5);
  std::mt19937 rng(6);
  const uint64_t counters[] = {0, 5, 0xfffffffdull, (1ull << 40) - 3};
  for (int impl : Blake3Impls()) {
    ofl__b3_many_fn fn = ofl__b3_kernel(impl);
    for (size_t n = 1; n <= 19; n++) {
      for (size_t blocks : {1, 2, 16}) {
        const uint8_t *ptrs[19];
        for (size_t i = 0; i < n; i++)
          ptrs[i] = in.data() + rng() % (in.size() - blocks * 64);
        uint32_t key[8];
        for (auto &k : key) k = (uint32_t)rng();
        uint64_t counter = counters[rng() % 4];
        int inc = (int)(n % 2);
        uint8_t flags = (uint8_t)(rng() & 0x7f), fs = (uint8_t)rng(),
                fe = (uint8_t)rng();
        std::vector<uint8_t> want(32 * n), got(32 * n);
        ofl__b3_many_portable(ptrs, n, blocks, key, counter, inc, flags, fs, fe,
                              want.data());
        fn(ptrs, n, blocks, key, counter, inc, flags, fs, fe, got.data());
        EXPECT_EQ(Hex(got), Hex(want))
            << "impl " << impl << " n " << n << " blocks " << blocks
            << " counter " << counter << " inc " << inc;
      }
    }
  }
}

TEST(HashKernels, Crc32cKnownValueEveryKernel) {
  ImplGuard guard;
  for (int impl : Crc32cImpls()) {
    ASSERT_EQ(ofl__crc32c_force_impl(impl), 0);
    EXPECT_EQ(ofl_crc32c(0, "123456789", 9), 0xe3069283u) << impl;
    EXPECT_EQ(ofl_crc32c(ofl_crc32c(0, "1234", 4), "56789", 5), 0xe3069283u)
        << impl;
    // 32 bytes of zeros (RFC 3720 B.4 iSCSI example).
    uint8_t zeros[32] = {0};
    EXPECT_EQ(ofl_crc32c(0, zeros, 32), 0x8a9136aau) << impl;
  }
}

// Lengths around the 8-byte, 256- and 4096-byte interleave boundaries,
// then random lengths and offsets; each kernel against the table.
TEST(HashKernels, Crc32cKernelsMatchTable) {
  ImplGuard guard;
  std::vector<uint8_t> in = Random((1 << 20) + 64, 7);
  std::vector<size_t> lens = {
      0,     1,     7,     8,     9,     63,      64,
      65,    255,   256,   767,   768,   769,     1023,
      1024,  1025,  2048,  4095,  4096,  4097,    12287,
      12288, 12289, 13057, 24576, 65537, 1 << 20, (1 << 20) + 1};
  std::mt19937 rng(8);
  for (int i = 0; i < 300; i++)
    lens.push_back(rng() % (i < 200 ? 20000 : 1 << 20));
  std::vector<int> impls = Crc32cImpls();
  for (size_t i = 0; i < lens.size(); i++) {
    size_t off = i < 28 ? i % 3 * 3 : rng() % 64;
    const uint8_t *p = in.data() + off;
    ASSERT_EQ(ofl__crc32c_force_impl(OFL__CRC32C_IMPL_TABLE), 0);
    uint32_t want = ofl_crc32c(0x12345678u, p, lens[i]);
    for (int impl : impls) {
      ASSERT_EQ(ofl__crc32c_force_impl(impl), 0);
      EXPECT_EQ(ofl_crc32c(0x12345678u, p, lens[i]), want)
          << "impl " << impl << " len " << lens[i] << " off " << off;
    }
  }
}

// Incremental updates at random split points equal one shot.
TEST(HashKernels, Crc32cSplitEqualsOneShot) {
  ImplGuard guard;
  std::vector<uint8_t> in = Random(300000, 9);
  std::mt19937 rng(10);
  for (int impl : Crc32cImpls()) {
    ASSERT_EQ(ofl__crc32c_force_impl(impl), 0);
    for (int rep = 0; rep < 40; rep++) {
      size_t off = rng() % 16, len = rng() % (in.size() - 16);
      uint32_t want = ofl_crc32c(0, in.data() + off, len), crc = 0;
      for (size_t pos = 0, n; pos < len; pos += n) {
        n = std::min<size_t>(len - pos, rng() % (rep % 2 ? 40 : 20000));
        crc = ofl_crc32c(crc, in.data() + off + pos, n);
      }
      EXPECT_EQ(crc, want) << "impl " << impl << " len " << len;
    }
  }
}

}  // namespace
