// Streaming == one-shot for every algorithm and option variant, with random
// update() splits (including empty updates), and CRC32C kernels vs table.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "hash_test_util.h"

using ofltest::Hex;

namespace {

std::vector<uint8_t> Streamed(const ofltest::Variant &v, const uint8_t *in,
                              size_t len, std::mt19937_64 &rng,
                              ofl_hash_ctx_t *ctx) {
  size_t pos = 0;
  while (pos < len) {
    size_t n;
    switch (rng() % 4) {
      case 0:
        n = 0;
        break;
      case 1:
        n = rng() % 8;
        break;
      case 2:
        n = rng() % 1100;
        break;
      default:
        n = rng() % (len - pos + 1);
        break;
    }
    if (n > len - pos) n = len - pos;
    EXPECT_EQ(ofl_hash_ctx_update(ctx, in + pos, n), 0);
    pos += n;
  }
  EXPECT_EQ(ofl_hash_ctx_update(ctx, nullptr, 0), 0);
  std::vector<uint8_t> out(ofl_hash_digest_size(v.algo, &v.opts));
  EXPECT_EQ(ofl_hash_ctx_final(ctx, out.data(), out.size()), (int)out.size());
  return out;
}

TEST(HashStream, EqualsOneShotAllAlgorithms) {
  std::mt19937_64 rng(12345);
  std::vector<uint8_t> in(1 << 20);
  for (auto &b : in) b = (uint8_t)rng();
  std::vector<size_t> lens;
  for (size_t i = 0; i <= 4096; i++) lens.push_back(i);
  for (int i = 0; i < 12; i++) lens.push_back(rng() % ((1 << 20) + 1));
  lens.push_back(1 << 20);
  for (auto &v : ofltest::AllVariants()) {
    SCOPED_TRACE(v.label);
    ofl_hash_ctx_t *ctx = nullptr;
    ASSERT_EQ(ofl_hash_ctx_create(v.algo, &v.opts, &ctx), 0);
    for (size_t len : lens) {
      // Random offset so kernels see unaligned input too.
      size_t off = len < in.size() ? rng() % (in.size() - len + 1) % 64 : 0;
      std::vector<uint8_t> want =
          ofltest::OneShot(v.algo, &v.opts, in.data() + off, len);
      ASSERT_EQ(ofl_hash_ctx_reset(ctx), 0);
      std::vector<uint8_t> got = Streamed(v, in.data() + off, len, rng, ctx);
      ASSERT_EQ(Hex(got), Hex(want)) << "len " << len;
    }
    ofl_hash_ctx_free(ctx);
  }
}

TEST(HashStream, FinalThenResetReuses) {
  ofl_hash_ctx_t *ctx = nullptr;
  ASSERT_EQ(ofl_hash_ctx_create(OFL_HASH_SHA256, nullptr, &ctx), 0);
  uint8_t a[32], b[32];
  ASSERT_EQ(ofl_hash_ctx_update(ctx, "abc", 3), 0);
  ASSERT_EQ(ofl_hash_ctx_final(ctx, a, sizeof(a)), 32);
  EXPECT_EQ(ofl_hash_ctx_update(ctx, "abc", 3), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_ctx_final(ctx, b, sizeof(b)), OFL_EINVAL);
  ASSERT_EQ(ofl_hash_ctx_reset(ctx), 0);
  ASSERT_EQ(ofl_hash_ctx_update(ctx, "abc", 3), 0);
  ASSERT_EQ(ofl_hash_ctx_final(ctx, b, sizeof(b)), 32);
  EXPECT_EQ(Hex(a, 32), Hex(b, 32));
  ofl_hash_ctx_free(ctx);
}

std::vector<int> Crc32cImpls() {
  std::vector<int> v;
  for (int i = OFL__CRC32C_IMPL_TABLE; i <= OFL__CRC32C_IMPL_ARM; i++)
    if (ofl__crc32c_force_impl(i) == 0) v.push_back(i);
  ofl__crc32c_force_impl(OFL__CRC32C_IMPL_AUTO);
  return v;
}

TEST(HashStream, Crc32cKernelsMatchTable) {
  std::mt19937_64 rng(7);
  std::vector<uint8_t> in((1 << 20) + 64);
  for (auto &b : in) b = (uint8_t)rng();
  const size_t lens[] = {0,     1,     7,     8,     9,     63,      64,
                         65,    255,   256,   767,   768,   769,     1023,
                         1024,  1025,  2048,  4095,  4096,  4097,    12287,
                         12288, 12289, 13057, 24576, 65537, 1048576, 1048577};
  std::vector<int> impls = Crc32cImpls();
  EXPECT_GE(impls.size(), 1u);
  for (size_t off = 0; off < 8; off += 3) {
    for (size_t len : lens) {
      ASSERT_EQ(ofl__crc32c_force_impl(OFL__CRC32C_IMPL_TABLE), 0);
      uint32_t want = ofl_crc32c(0x12345678u, in.data() + off, len);
      for (int impl : impls) {
        ASSERT_EQ(ofl__crc32c_force_impl(impl), 0);
        EXPECT_EQ(ofl_crc32c(0x12345678u, in.data() + off, len), want)
            << "impl " << impl << " len " << len << " off " << off;
      }
    }
  }
  ofl__crc32c_force_impl(OFL__CRC32C_IMPL_AUTO);
}

TEST(HashStream, Crc32cKnownValueEveryImpl) {
  for (int impl : Crc32cImpls()) {
    ASSERT_EQ(ofl__crc32c_force_impl(impl), 0);
    EXPECT_EQ(ofl_crc32c(0, "123456789", 9), 0xe3069283u) << impl;
    // 32 bytes of zeros (RFC 3720 B.4 iSCSI example).
    uint8_t zeros[32] = {0};
    EXPECT_EQ(ofl_crc32c(0, zeros, 32), 0x8a9136aau) << impl;
  }
  ofl__crc32c_force_impl(OFL__CRC32C_IMPL_AUTO);
}

// One-shots are reentrant: threads hashing everything at once agree with
// a single-threaded run (run under OFL_SANITIZE=thread to check races).
TEST(HashStream, OneShotFromManyThreads) {
  std::vector<uint8_t> in = ofltest::Pattern(70000);
  std::vector<ofltest::Variant> vs = ofltest::AllVariants();
  std::vector<std::vector<uint8_t>> want;
  for (auto &v : vs)
    want.push_back(ofltest::OneShot(v.algo, &v.opts, in.data(), in.size()));
  std::vector<int> bad(4, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; t++) {
    ts.emplace_back([&, t] {
      for (int rep = 0; rep < 5; rep++)
        for (size_t i = 0; i < vs.size(); i++)
          if (ofltest::OneShot(vs[i].algo, &vs[i].opts, in.data(), in.size()) !=
              want[i])
            bad[t]++;
    });
  }
  for (auto &t : ts) t.join();
  for (int t = 0; t < 4; t++) EXPECT_EQ(bad[t], 0);
}

}  // namespace
