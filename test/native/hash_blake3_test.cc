// BLAKE3: official test vectors (all modes, 131-byte XOF), every kernel
// against the portable one, and the split/merge API against one-shot.
#include <gtest/gtest.h>

#include <thread>

#include "hash_test_util.h"

using ofltest::Blake3Impls;
using ofltest::Hex;
using ofltest::ImplGuard;
using ofltest::LoadVectors;
using ofltest::Pattern;
using ofltest::VectorCase;

namespace {

std::string Stream(const ofl_hash_opts_t &o, const std::vector<uint8_t> &in,
                   size_t step) {
  ofl_hash_ctx_t *ctx = nullptr;
  EXPECT_EQ(ofl_hash_ctx_create(OFL_HASH_BLAKE3, &o, &ctx), 0);
  for (size_t i = 0; i < in.size(); i += step)
    EXPECT_EQ(
        ofl_hash_ctx_update(ctx, in.data() + i, std::min(step, in.size() - i)),
        0);
  std::vector<uint8_t> out(ofl_hash_ctx_digest_size(ctx));
  EXPECT_EQ(ofl_hash_ctx_final(ctx, out.data(), out.size()), (int)out.size());
  ofl_hash_ctx_free(ctx);
  return Hex(out);
}

TEST(Blake3, OfficialVectorsEveryImpl) {
  std::string key, context;
  std::vector<VectorCase> cases = LoadVectors(&key, &context);
  ASSERT_GE(cases.size(), 20u) << "missing " OFL_VECTORS_DIR;
  ASSERT_EQ(key.size(), 32u);
  ImplGuard guard;
  for (int impl : Blake3Impls()) {
    ASSERT_EQ(ofl__blake3_force_impl(impl), 0);
    for (const VectorCase &c : cases) {
      SCOPED_TRACE("impl " + std::to_string(impl) + " len " +
                   std::to_string(c.len));
      std::vector<uint8_t> in = Pattern(c.len);
      ofl_hash_opts_t modes[3];
      ofltest::VectorModes(key, context, modes);
      const std::string *want[3] = {&c.hash, &c.keyed, &c.derive};
      for (int m = 0; m < 3; m++) {
        ofl_hash_opts_t o = modes[m];
        o.out_len = want[m]->size() / 2;  // 131 bytes of XOF
        EXPECT_EQ(
            Hex(ofltest::OneShot(OFL_HASH_BLAKE3, &o, in.data(), in.size())),
            *want[m]);
        EXPECT_EQ(Stream(o, in, 1 + c.len / 7), *want[m]);
        o.out_len = 0;  // default length is the XOF prefix
        EXPECT_EQ(
            Hex(ofltest::OneShot(OFL_HASH_BLAKE3, &o, in.data(), in.size())),
            want[m]->substr(0, 64));
      }
    }
  }
}

const size_t kAwkward[] = {
    0,    1,    63,   64,   65,   1023, 1024,          1025,  2048,
    4095, 4096, 4097, 7919, 8191, 8193, 31 * 1024 + 5, 65537, 1048576 + 1};

TEST(Blake3, KernelsMatchPortable) {
  ImplGuard guard;
  std::vector<uint8_t> big = Pattern(1048576 + 64);
  for (size_t i = 0; i < big.size(); i++) big[i] ^= (uint8_t)(i >> 10);
  for (auto &v : ofltest::AllVariants()) {
    if (v.algo != OFL_HASH_BLAKE3) continue;
    std::vector<std::vector<uint8_t>> ref;
    ASSERT_EQ(ofl__blake3_force_impl(OFL__B3_IMPL_PORTABLE), 0);
    for (size_t len : kAwkward)
      ref.push_back(ofltest::OneShot(v.algo, &v.opts, big.data() + 3, len));
    for (int impl : Blake3Impls()) {
      ASSERT_EQ(ofl__blake3_force_impl(impl), 0);
      for (size_t i = 0; i < sizeof(kAwkward) / sizeof(kAwkward[0]); i++) {
        SCOPED_TRACE(v.label + " impl " + std::to_string(impl) + " len " +
                     std::to_string(kAwkward[i]));
        EXPECT_EQ(
            ofltest::OneShot(v.algo, &v.opts, big.data() + 3, kAwkward[i]),
            ref[i]);
      }
    }
  }
}

// Hash [in, in+len) as the node at chunk `counter`, splitting `depth` more
// times, the way a caller spreads work over threads.
void TreeCv(const uint8_t *in, size_t len, uint64_t counter, int depth,
            const uint32_t key[8], uint8_t flags, uint8_t cv[32]) {
  size_t left = ofl_blake3_split_len(len);
  if (depth == 0 || left == 0) {
    ASSERT_EQ(ofl_blake3_subtree_cv(in, len, counter, key, flags, cv), 0);
    return;
  }
  uint8_t l[32], r[32];
  TreeCv(in, left, counter, depth - 1, key, flags, l);
  TreeCv(in + left, len - left, counter + left / 1024, depth - 1, key, flags,
         r);
  ASSERT_EQ(ofl_blake3_parent_cv(l, r, key, flags, cv), 0);
}

TEST(Blake3, SplitMergeEqualsOneShot) {
  const size_t sizes[] = {
      1025,  2048,   2049,    3073,          4096 + 1,
      65536, 100000, 1 << 20, (1 << 20) + 1, 3 * 1048576 + 17};
  std::vector<uint8_t> in = Pattern(3 * 1048576 + 17);
  for (auto &v : ofltest::AllVariants()) {
    if (v.algo != OFL_HASH_BLAKE3) continue;
    uint32_t key[8];
    uint8_t flags;
    ASSERT_EQ(ofl_blake3_mode(&v.opts, key, &flags), 0);
    size_t out_len = ofl_hash_digest_size(v.algo, &v.opts);
    for (size_t len : sizes) {
      std::vector<uint8_t> want =
          ofltest::OneShot(v.algo, &v.opts, in.data(), len);
      for (int depth = 0; depth < 4; depth++) {
        SCOPED_TRACE(v.label + " len " + std::to_string(len) + " depth " +
                     std::to_string(depth));
        size_t left = ofl_blake3_split_len(len);
        uint8_t l[32], r[32];
        TreeCv(in.data(), left, 0, depth, key, flags, l);
        TreeCv(in.data() + left, len - left, left / 1024, depth, key, flags, r);
        std::vector<uint8_t> got(out_len);
        ASSERT_EQ(ofl_blake3_root(l, r, key, flags, got.data(), got.size()), 0);
        EXPECT_EQ(Hex(got), Hex(want));
      }
    }
  }
}

TEST(Blake3, SplitOnTwoThreads) {
  std::vector<uint8_t> in = Pattern(5 * 1048576 + 3);
  uint32_t key[8];
  uint8_t flags;
  ASSERT_EQ(ofl_blake3_mode(nullptr, key, &flags), 0);
  size_t left = ofl_blake3_split_len(in.size());
  EXPECT_EQ(left, 4u * 1048576);
  uint8_t l[32], r[32];
  int rc_l = -1, rc_r = -1;
  std::thread t(
      [&] { rc_l = ofl_blake3_subtree_cv(in.data(), left, 0, key, flags, l); });
  rc_r = ofl_blake3_subtree_cv(in.data() + left, in.size() - left, left / 1024,
                               key, flags, r);
  t.join();
  ASSERT_EQ(rc_l, 0);
  ASSERT_EQ(rc_r, 0);
  uint8_t got[32];
  ASSERT_EQ(ofl_blake3_root(l, r, key, flags, got, 32), 0);
  EXPECT_EQ(Hex(got, 32), Hex(ofltest::OneShot(OFL_HASH_BLAKE3, nullptr,
                                               in.data(), in.size())));
}

TEST(Blake3, SplitRejectsBadArguments) {
  uint32_t key[8];
  uint8_t flags, cv[32];
  std::vector<uint8_t> in = Pattern(4096);
  ASSERT_EQ(ofl_blake3_mode(nullptr, key, &flags), 0);
  EXPECT_EQ(ofl_blake3_split_len(1024), 0u);
  EXPECT_EQ(ofl_blake3_split_len(1025), 1024u);
  EXPECT_EQ(ofl_blake3_split_len(4096), 2048u);
  EXPECT_EQ(ofl_blake3_split_len(4097), 4096u);
  EXPECT_EQ(ofl_blake3_subtree_cv(in.data(), 0, 0, key, flags, cv), OFL_EINVAL);
  // 2 chunks cannot start at chunk 1.
  EXPECT_EQ(ofl_blake3_subtree_cv(in.data(), 2048, 1, key, flags, cv),
            OFL_EINVAL);
  EXPECT_EQ(ofl_blake3_subtree_cv(in.data(), 2048, 2, key, flags, cv), 0);
  EXPECT_EQ(ofl_blake3_subtree_cv(in.data(), 1024, 0, key, 3, cv), OFL_EINVAL);
  ofl_hash_opts_t bad{};
  bad.key = in.data();
  bad.key_len = 31;
  EXPECT_EQ(ofl_blake3_mode(&bad, key, &flags), OFL_EINVAL);
}

}  // namespace
