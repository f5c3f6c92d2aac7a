// Known-answer tests: NIST/RFC vectors for the OpenSSL algorithms, RFC 4231
// HMAC, CRC check values, and xxHash against libxxhash itself.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>
#include <random>

#include "hash_impl.h"
#include "hash_test_util.h"

using ofltest::Hex;

namespace {

std::string H(const char *name, const std::string &msg,
              const std::string &key = std::string(), bool hmac = false) {
  int a = ofl_hash_algo_from_name(name);
  EXPECT_GE(a, 0) << name;
  ofl_hash_opts_t o{};
  if (hmac) {
    o.key = (const uint8_t *)key.data();
    o.key_len = key.size();
  }
  return Hex(ofltest::OneShot((ofl_hash_algo_t)a, &o, msg.data(), msg.size()));
}

const std::string kMsg448 =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string kMillionA(1000000, 'a');

struct Kat {
  const char *algo;
  const char *empty, *abc, *m448, *million;
};

const Kat kKats[] = {
    {"md5", "d41d8cd98f00b204e9800998ecf8427e",
     "900150983cd24fb0d6963f7d28e17f72", "8215ef0796a20bcaaae116d3876c664a",
     "7707d6ae4e027c70eea2a935c2296f21"},
    {"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
     "a9993e364706816aba3e25717850c26c9cd0d89d",
     "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
     "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
    {"sha224", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
     "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
     "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525",
     "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67"},
    {"sha256",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {"sha384",
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edeb"
     "fe76f65fbd51ad2f14898b95b",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072"
     "ba1e7cc2358baeca134c825a7",
     "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8"
     "520bc4e6f5fe95b1fe3c8452b",
     "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3d"
     "c38ecc4ebae97ddd87f3d8985"},
    {"sha512",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13"
     "c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992"
     "a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c"
     "13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
     "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff24"
     "4877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
    {"sha512-256",
     "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a",
     "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
     "bde8e1f9f19bb9fd3406c90ec6bc47bd36d8ada9f11880dbc8a22a7078b6a461",
     "9a59a052930187a97038cae692f30708aa6491923ef5194394dc68d56c74fb21"},
    {"sha3-256",
     "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
     "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
     "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376",
     "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1"},
    {"sha3-512",
     "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123"
     "af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
     "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e"
     "9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
     "04a371e84ecfb5b8b77cb48610fca8182dd457ce6f326a0fd3d7ec2f1e91636dee691fb"
     "e0c985302ba1b0d8dc78c086346b533b49c030d99a27daf1139d6e75e",
     "3c3a876da14034ab60627c077bb98f7e120a2a5370212dffb3385a18d4f38859ed311d0"
     "a9d5141ce9cc5c66ee689b266a8aa18ace8282a0e0db596c90b0a7b87"},
};

TEST(HashKat, NistVectors) {
  for (const Kat &k : kKats) {
    SCOPED_TRACE(k.algo);
    EXPECT_EQ(H(k.algo, ""), k.empty);
    EXPECT_EQ(H(k.algo, "abc"), k.abc);
    EXPECT_EQ(H(k.algo, kMsg448), k.m448);
    EXPECT_EQ(H(k.algo, kMillionA), k.million);
  }
}

TEST(HashKat, HmacRfc4231) {
  const std::string k1(20, '\x0b'), d1 = "Hi There";
  const std::string k2 = "Jefe", d2 = "what do ya want for nothing?";
  const std::string k6(131, '\xaa'),
      d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  EXPECT_EQ(H("sha224", d1, k1, true),
            "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22");
  EXPECT_EQ(H("sha256", d1, k1, true),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(H("sha384", d1, k1, true),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            "faea9ea9076ede7f4af152e8b2fa9cb6");
  EXPECT_EQ(H("sha512", d1, k1, true),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  EXPECT_EQ(H("sha224", d2, k2, true),
            "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44");
  EXPECT_EQ(H("sha256", d2, k2, true),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(H("sha384", d2, k2, true),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            "8e2240ca5e69e2c78b3239ecfab21649");
  EXPECT_EQ(H("sha512", d2, k2, true),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  EXPECT_EQ(H("sha256", d6, k6, true),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(H("sha512", d6, k6, true),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

TEST(HashKat, HmacEmptyKeyDiffersFromPlain) {
  EXPECT_NE(H("sha256", "abc", "", true), H("sha256", "abc"));
  EXPECT_EQ(H("sha256", "", "", true),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HashKat, CrcCheckValues) {
  EXPECT_EQ(H("crc32", "123456789"), "cbf43926");
  EXPECT_EQ(H("crc32c", "123456789"), "e3069283");
  EXPECT_EQ(H("crc32", ""), "00000000");
  EXPECT_EQ(H("crc32c", ""), "00000000");
  EXPECT_EQ(ofl_crc32c(0, "123456789", 9), 0xe3069283u);
  // Continuing a CRC equals hashing the concatenation.
  EXPECT_EQ(ofl_crc32c(ofl_crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
}

TEST(HashKat, XxhKnownCanonical) {
  EXPECT_EQ(H("xxh32", ""), "02cc5d05");
  EXPECT_EQ(H("xxh64", ""), "ef46db3751d8e999");
  EXPECT_EQ(H("xxh3", ""), "2d06800538d394c2");
  EXPECT_EQ(H("xxh3-128", ""), "99aa06d3014798d86001c324468d497f");
}

TEST(HashKat, XxhMatchesLibxxhash) {
  const uint64_t seeds[] = {0, 1, 0xdeadbeefcafef00dull};
  for (size_t len : {0, 1, 3, 16, 17, 128, 129, 240, 241, 1000, 100000}) {
    std::vector<uint8_t> in = ofltest::Pattern(len);
    for (uint64_t seed : seeds) {
      ofl_hash_opts_t o{};
      o.seed = seed;
      char buf[64];
      snprintf(buf, sizeof(buf), "%08x", XXH32(in.data(), len, (uint32_t)seed));
      EXPECT_EQ(Hex(ofltest::OneShot(OFL_HASH_XXH32, &o, in.data(), len)), buf);
      snprintf(buf, sizeof(buf), "%016llx",
               (unsigned long long)XXH64(in.data(), len, seed));
      EXPECT_EQ(Hex(ofltest::OneShot(OFL_HASH_XXH64, &o, in.data(), len)), buf);
      snprintf(buf, sizeof(buf), "%016llx",
               (unsigned long long)XXH3_64bits_withSeed(in.data(), len, seed));
      EXPECT_EQ(Hex(ofltest::OneShot(OFL_HASH_XXH3, &o, in.data(), len)), buf);
      XXH128_hash_t h = XXH3_128bits_withSeed(in.data(), len, seed);
      snprintf(buf, sizeof(buf), "%016llx%016llx", (unsigned long long)h.high64,
               (unsigned long long)h.low64);
      EXPECT_EQ(Hex(ofltest::OneShot(OFL_HASH_XXH3_128, &o, in.data(), len)),
                buf);
    }
  }
}

// XXH64 with and without the AVX-512 stripe loop (hash_xxh.c), one-shot and
// in random splits that start and end mid-stripe, equals libxxhash.
TEST(HashKat, Xxh64EveryPathMatchesLibxxhash) {
  const unsigned real = ofl__cpu_features();
  std::mt19937_64 rng(64);
  std::vector<uint8_t> in = ofltest::Pattern(70000);
  for (unsigned mask : {real, real & ~(unsigned)OFL__CPU_AVX512}) {
    SCOPED_TRACE("features " + std::to_string(mask));
    ofl__cpu_override(mask);
    for (size_t len = 0; len < 70000; len += len < 1100 ? 1 : 997) {
      const uint64_t seed = rng();
      const uint64_t want = XXH64(in.data(), len, seed);
      ofl_hash_opts_t o{};
      o.seed = seed;
      uint8_t got[8];
      ofl_hash_ctx_t *ctx = nullptr;
      ASSERT_EQ(ofl_hash_ctx_create(OFL_HASH_XXH64, &o, &ctx), 0);
      for (size_t pos = 0; pos < len;) {
        size_t n = rng() % 3 == 0 ? rng() % 40 : rng() % 3000;
        if (n > len - pos) n = len - pos;
        ASSERT_EQ(ofl_hash_ctx_update(ctx, in.data() + pos, n), 0);
        pos += n;
      }
      ASSERT_EQ(ofl_hash_ctx_final(ctx, got, 8), 8);
      ofl_hash_ctx_free(ctx);
      uint64_t v = 0;
      for (uint8_t b : got) v = v << 8 | b;
      ASSERT_EQ(v, want) << "streamed, len " << len;
      ASSERT_EQ(Hex(ofltest::OneShot(OFL_HASH_XXH64, &o, in.data(), len)),
                Hex(std::vector<uint8_t>(got, got + 8)))
          << "one-shot, len " << len;
    }
  }
  ofl__cpu_override(real);
}

TEST(HashKat, NamesRoundTrip) {
  const char *const *names = ofl_hash_algo_names();
  int n = 0;
  for (; names[n] != nullptr; n++) {
    EXPECT_EQ(ofl_hash_algo_from_name(names[n]), n);
    EXPECT_STREQ(ofl_hash_algo_name((ofl_hash_algo_t)n), names[n]);
  }
  EXPECT_EQ(n, OFL_HASH_ALGO_COUNT);
  EXPECT_EQ(ofl_hash_digest_size(OFL_HASH_SHA256, nullptr), 32u);
  EXPECT_EQ(ofl_hash_digest_size(OFL_HASH_XXH3_128, nullptr), 16u);
  EXPECT_EQ(ofl_hash_digest_size(OFL_HASH_CRC32C, nullptr), 4u);
}

}  // namespace
