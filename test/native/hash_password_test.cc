// Password hashing against the algorithms' reference vectors (RFC 9106,
// RFC 7914, bcrypt's), and bcrypt against the system's libcrypt (libxcrypt,
// dynamically linked here only) on random passwords and salts.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "ofl_errors.h"
#include "ofl_hash.h"
}

namespace {

std::string hex(const uint8_t *p, size_t n) {
  static const char d[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

const uint8_t *u8(const char *s) {
  return reinterpret_cast<const uint8_t *>(s);
}

TEST(HashPassword, Argon2idRfc9106Vector) {
  // RFC 9106 section 5.3.
  std::vector<uint8_t> pw(32, 1), salt(16, 2), secret(8, 3), ad(12, 4);
  ofl_argon2_params_t p = {OFL_ARGON2ID, 0x13, 3, 32, 4,
                           secret.data(), secret.size(), ad.data(), ad.size()};
  uint8_t out[32];
  ASSERT_EQ(ofl_password_argon2(&p, pw.data(), pw.size(), salt.data(),
                                salt.size(), out, sizeof out),
            0);
  EXPECT_EQ(hex(out, 32),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

TEST(HashPassword, Argon2iAndDRfc9106Vectors) {
  std::vector<uint8_t> pw(32, 1), salt(16, 2), secret(8, 3), ad(12, 4);
  uint8_t out[32];
  ofl_argon2_params_t p = {OFL_ARGON2I, 0x13, 3, 32, 4,
                           secret.data(), secret.size(), ad.data(), ad.size()};
  ASSERT_EQ(ofl_password_argon2(&p, pw.data(), 32, salt.data(), 16, out, 32),
            0);
  EXPECT_EQ(hex(out, 32),
            "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8");
  p.type = OFL_ARGON2D;
  ASSERT_EQ(ofl_password_argon2(&p, pw.data(), 32, salt.data(), 16, out, 32),
            0);
  EXPECT_EQ(hex(out, 32),
            "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb");
}

TEST(HashPassword, Argon2RejectsBadParameters) {
  uint8_t out[32];
  const uint8_t salt[16] = {0};
  ofl_argon2_params_t p = {OFL_ARGON2ID, 0x13, 0, 64, 1, nullptr, 0, nullptr, 0};
  EXPECT_EQ(ofl_password_argon2(&p, u8("pw"), 2, salt, 16, out, 32),
            OFL_EINVAL);  // t = 0
  p.t_cost = 1;
  p.m_cost_kib = 4;  // < 8 * lanes
  EXPECT_EQ(ofl_password_argon2(&p, u8("pw"), 2, salt, 16, out, 32),
            OFL_EINVAL);
  p.m_cost_kib = 64;
  EXPECT_EQ(ofl_password_argon2(&p, u8("pw"), 2, salt, 4, out, 32),
            OFL_EINVAL);  // salt under 8 bytes
  p.type = 7;
  EXPECT_EQ(ofl_password_argon2(&p, u8("pw"), 2, salt, 16, out, 32),
            OFL_EINVAL);
}

TEST(HashPassword, ScryptRfc7914Vectors) {
  uint8_t out[64];
  ASSERT_EQ(ofl_password_scrypt(nullptr, 0, nullptr, 0, 16, 1, 1, 0, out, 64),
            0);
  EXPECT_EQ(hex(out, 64),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  ASSERT_EQ(ofl_password_scrypt(u8("password"), 8, u8("NaCl"), 4, 1024, 8, 16,
                                0, out, 64),
            0);
  EXPECT_EQ(hex(out, 64),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(HashPassword, ScryptRefusesOverTheMemoryCap) {
  uint8_t out[32];
  // 128 * N * r = 128 MiB > 16 MiB.
  EXPECT_EQ(ofl_password_scrypt(u8("pw"), 2, u8("salt"), 4, 1 << 17, 8, 1,
                                16u << 20, out, 32),
            OFL_EINVAL);
  EXPECT_EQ(ofl_password_scrypt(u8("pw"), 2, u8("salt"), 4, 1000, 8, 1, 0, out,
                                32),
            OFL_EINVAL);  // N not a power of two
}

// Salt bytes from bcrypt's base64, for the published vectors.
std::vector<uint8_t> bcrypt_salt(const std::string &s22) {
  static const char b64[] =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s22) {
    acc = (acc << 6) | static_cast<uint32_t>(strchr(b64, c) - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  out.resize(16);
  return out;
}

TEST(HashPassword, BcryptPublishedVectors) {
  // jBCrypt's and OpenBSD's regression vectors.
  struct V {
    const char *pw, *expect;
  } vectors[] = {
      {"", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."},
      {"a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"},
      {"abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"},
      {"abcdefghijklmnopqrstuvwxyz",
       "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"},
      {"~!@#$%^&*()      ~!@#$%^&*()PNBFRD",
       "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"},
  };
  for (const V &v : vectors) {
    const std::string e = v.expect;
    const std::vector<uint8_t> salt = bcrypt_salt(e.substr(7, 22));
    char out[OFL_BCRYPT_LEN + 1];
    ASSERT_EQ(ofl_password_bcrypt(u8(v.pw), strlen(v.pw), 6, salt.data(), 'a',
                                  out),
              0);
    EXPECT_EQ(std::string(out), e) << v.pw;
  }
}

TEST(HashPassword, BcryptRejectsWhatOthersTruncate) {
  const uint8_t salt[16] = {0};
  char out[OFL_BCRYPT_LEN + 1];
  std::string p72(72, 'x'), p73(73, 'x');
  EXPECT_EQ(ofl_password_bcrypt(u8(p72.data()), 72, 4, salt, 'b', out), 0);
  EXPECT_EQ(ofl_password_bcrypt(u8(p73.data()), 73, 4, salt, 'b', out),
            OFL_EINVAL);
  EXPECT_EQ(ofl_password_bcrypt(u8("a\0b"), 3, 4, salt, 'b', out), OFL_EINVAL);
  EXPECT_EQ(ofl_password_bcrypt(u8("a"), 1, 3, salt, 'b', out), OFL_EINVAL);
  EXPECT_EQ(ofl_password_bcrypt(u8("a"), 1, 32, salt, 'b', out), OFL_EINVAL);
  EXPECT_EQ(ofl_password_bcrypt(u8("a"), 1, 4, salt, 'x', out), OFL_EINVAL);
}

// libxcrypt's crypt_rn, when the system has it: the same strings for
// random passwords (1..72 bytes, no NUL) and salts.
TEST(HashPassword, BcryptMatchesLibxcrypt) {
  void *lib = dlopen("libcrypt.so.1", RTLD_NOW);
  if (lib == nullptr) GTEST_SKIP() << "no libcrypt.so.1";
  using crypt_rn_t = char *(*)(const char *, const char *, void *, int);
  auto crypt_rn = reinterpret_cast<crypt_rn_t>(dlsym(lib, "crypt_rn"));
  ASSERT_NE(crypt_rn, nullptr);
  std::mt19937 rng(42);
  std::vector<char> data(32768);
  for (int round = 0; round < 24; round++) {
    const size_t len = 1 + rng() % 72;
    std::string pw;
    for (size_t i = 0; i < len; i++) pw += static_cast<char>(1 + rng() % 255);
    uint8_t salt[16];
    for (uint8_t &b : salt) b = static_cast<uint8_t>(rng());
    const char minor = "aby"[round % 3];
    char ours[OFL_BCRYPT_LEN + 1];
    ASSERT_EQ(ofl_password_bcrypt(u8(pw.data()), len, 4, salt, minor, ours), 0);
    std::string setting(ours, 29);
    char *theirs = crypt_rn(pw.c_str(), setting.c_str(), data.data(),
                            static_cast<int>(data.size()));
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(std::string(ours), std::string(theirs)) << "length " << len;
  }
  dlclose(lib);
}

TEST(HashPassword, EqualIsExact) {
  EXPECT_EQ(ofl_password_equal("abc", "abc", 3), 1);
  EXPECT_EQ(ofl_password_equal("abc", "abd", 3), 0);
  EXPECT_EQ(ofl_password_equal("", "", 0), 1);
}

}  // namespace
