// Streaming == one-shot for every algorithm and option variant, with random
// update() splits (including empty updates).
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
