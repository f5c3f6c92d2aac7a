// Bad arguments are rejected with the documented OFL_E* codes.
#include <gtest/gtest.h>

#include "hash_test_util.h"

namespace {

TEST(HashArgs, UnknownNames) {
  EXPECT_EQ(ofl_hash_algo_from_name("sha257"), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_hash_algo_from_name("SHA256"), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_hash_algo_from_name(""), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_hash_algo_from_name(nullptr), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_hash_algo_name(OFL_HASH_ALGO_COUNT), nullptr);
  uint8_t out[64];
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_ALGO_COUNT, nullptr, "", 0, out, 64),
            OFL_EUNSUPPORTED);
  ofl_hash_ctx_t *ctx = (ofl_hash_ctx_t *)1;
  EXPECT_EQ(ofl_hash_ctx_create((ofl_hash_algo_t)-1, nullptr, &ctx),
            OFL_EUNSUPPORTED);
  EXPECT_EQ(ctx, nullptr);
}

TEST(HashArgs, KeyOnXxhAndCrc) {
  const uint8_t key[32] = {0};
  ofl_hash_opts_t o{};
  o.key = key;
  o.key_len = 32;
  uint8_t out[16];
  ofl_hash_ctx_t *ctx = nullptr;
  for (ofl_hash_algo_t a :
       {OFL_HASH_XXH32, OFL_HASH_XXH64, OFL_HASH_XXH3, OFL_HASH_XXH3_128,
        OFL_HASH_CRC32, OFL_HASH_CRC32C}) {
    EXPECT_EQ(ofl_hash_oneshot(a, &o, "x", 1, out, sizeof(out)), OFL_EINVAL);
    EXPECT_EQ(ofl_hash_ctx_create(a, &o, &ctx), OFL_EINVAL);
    EXPECT_EQ(ofl_hash_digest_size(a, &o), 0u);
  }
  ofl_hash_opts_t s{};
  s.seed = 1;
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_CRC32, &s, "x", 1, out, 16), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA1, &s, "x", 1, out, 16), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &s, "x", 1, out, 16), OFL_EINVAL);
}

TEST(HashArgs, Blake3KeyLengthAndModes) {
  const uint8_t key[33] = {0};
  uint8_t out[32];
  ofl_hash_opts_t o{};
  o.key = key;
  for (size_t len : {0, 16, 31, 33}) {
    o.key_len = len;
    EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &o, "x", 1, out, 32),
              OFL_EINVAL);
  }
  o.key_len = 32;
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &o, "x", 1, out, 32), 32);
  o.context = "ctx";
  o.context_len = 3;  // key and context together
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &o, "x", 1, out, 32), OFL_EINVAL);
  ofl_hash_opts_t c{};
  c.context = "ctx";
  c.context_len = 3;
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, &c, "x", 1, out, 32), OFL_EINVAL);
  ofl_hash_opts_t k{};
  k.key_len = 4;  // length without a key
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, &k, "x", 1, out, 32), OFL_EINVAL);
}

TEST(HashArgs, OutputLength) {
  uint8_t out[64];
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, nullptr, "x", 1, out, 31),
            OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, nullptr, "x", 1, nullptr, 32),
            OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, nullptr, nullptr, 1, out, 32),
            OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, nullptr, nullptr, 0, out, 32),
            32);
  ofl_hash_opts_t o{};
  o.out_len = 20;  // only blake3 has a variable length
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, &o, "x", 1, out, 64), OFL_EINVAL);
  o.out_len = 32;
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_SHA256, &o, "x", 1, out, 64), 32);
  o.out_len = 7;
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &o, "x", 1, out, 6), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_oneshot(OFL_HASH_BLAKE3, &o, "x", 1, out, 7), 7);
  o.out_len = (size_t)1 << 40;
  EXPECT_EQ(ofl_hash_digest_size(OFL_HASH_BLAKE3, &o), 0u);

  ofl_hash_ctx_t *ctx = nullptr;
  ASSERT_EQ(ofl_hash_ctx_create(OFL_HASH_XXH3_128, nullptr, &ctx), 0);
  EXPECT_EQ(ofl_hash_ctx_final(ctx, out, 15), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_ctx_final(ctx, out, 16), 16);  // still usable
  ofl_hash_ctx_free(ctx);
  ofl_hash_ctx_free(nullptr);
  EXPECT_EQ(ofl_hash_ctx_update(nullptr, "x", 1), OFL_EINVAL);
  EXPECT_EQ(ofl_hash_ctx_create(OFL_HASH_MD5, nullptr, nullptr), OFL_EINVAL);
}

}  // namespace
