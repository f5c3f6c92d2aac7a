// Shared helpers for the hash_*_test.cc files (one hash_tests executable).
#ifndef OFL_HASH_TEST_UTIL_H
#define OFL_HASH_TEST_UTIL_H

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include "hash_impl.h"
#include "ofl_errors.h"
#include "ofl_hash.h"
}

namespace ofltest {

inline std::string Hex(const uint8_t *p, size_t n) {
  static const char d[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}
inline std::string Hex(const std::vector<uint8_t> &v) {
  return Hex(v.data(), v.size());
}

// The BLAKE3 vector input: 0, 1, ..., 250, 0, 1, ...
inline std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = (uint8_t)(i % 251);
  return v;
}

struct VectorCase {
  size_t len;
  std::string hash, keyed, derive;
};

// test/vectors/blake3_test_vectors.json (needs OFL_VECTORS_DIR).
// Minimal scan of the vector file: each case has "input_len" followed by
// three hex strings; no general JSON parser needed.
inline std::string StringField(const std::string &s, size_t from,
                               const char *name, size_t *end) {
  std::string tag = std::string("\"") + name + "\"";
  size_t p = s.find(tag, from);
  p = s.find('"', s.find(':', p) + 1);
  size_t q = s.find('"', p + 1);
  *end = q;
  return s.substr(p + 1, q - p - 1);
}

inline std::vector<VectorCase> LoadVectors(std::string *key,
                                           std::string *context) {
  std::ifstream f(OFL_VECTORS_DIR "/blake3_test_vectors.json");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  std::vector<VectorCase> cases;
  if (s.empty()) return cases;
  size_t end;
  *key = StringField(s, 0, "key", &end);
  *context = StringField(s, 0, "context_string", &end);
  size_t pos = s.find("\"cases\"");
  while ((pos = s.find("\"input_len\"", pos)) != std::string::npos) {
    VectorCase c;
    c.len = std::stoul(s.substr(s.find(':', pos) + 1));
    c.hash = StringField(s, pos, "hash", &end);
    c.keyed = StringField(s, pos, "keyed_hash", &end);
    c.derive = StringField(s, end, "derive_key", &end);
    cases.push_back(c);
    pos = end;
  }
  return cases;
}

// The vector file's three modes as options: hash, keyed_hash, derive_key.
inline void VectorModes(const std::string &key, const std::string &context,
                        ofl_hash_opts_t modes[3]) {
  for (int m = 0; m < 3; m++) modes[m] = ofl_hash_opts_t{};
  modes[1].key = (const uint8_t *)key.data();
  modes[1].key_len = 32;
  modes[2].context = context.c_str();
  modes[2].context_len = context.size();
}

// The kernels this CPU and build accept (ofl__*_force_impl), portable or
// table first; the selection is left at AUTO (0 for both).
inline std::vector<int> Accepted(int (*force)(int), int first, int last) {
  std::vector<int> v;
  for (int i = first; i <= last; i++)
    if (force(i) == 0) v.push_back(i);
  force(0);
  return v;
}
inline std::vector<int> Blake3Impls() {
  return Accepted(ofl__blake3_force_impl, OFL__B3_IMPL_PORTABLE,
                  OFL__B3_IMPL_AVX512);
}
inline std::vector<int> Crc32cImpls() {
  return Accepted(ofl__crc32c_force_impl, OFL__CRC32C_IMPL_TABLE,
                  OFL__CRC32C_IMPL_ARM);
}

// Puts both kernel selections back to AUTO when a test ends.
class ImplGuard {
 public:
  ~ImplGuard() {
    ofl__blake3_force_impl(OFL__B3_IMPL_AUTO);
    ofl__crc32c_force_impl(OFL__CRC32C_IMPL_AUTO);
  }
};

inline std::vector<uint8_t> OneShot(ofl_hash_algo_t a, const ofl_hash_opts_t *o,
                                    const void *data, size_t len) {
  std::vector<uint8_t> out(ofl_hash_digest_size(a, o));
  int rc = ofl_hash_oneshot(a, o, data, len, out.data(), out.size());
  if (rc != (int)out.size()) out.assign(1, 0xEE);  // makes any compare fail
  return out;
}

// One algorithm with one set of options, for parameterised loops.
struct Variant {
  ofl_hash_algo_t algo;
  ofl_hash_opts_t opts;
  std::string label;
};

inline std::vector<Variant> AllVariants() {
  static const uint8_t key32[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  std::vector<Variant> v;
  for (int a = 0; a < OFL_HASH_ALGO_COUNT; a++) {
    Variant x{(ofl_hash_algo_t)a, ofl_hash_opts_t{},
              ofl_hash_algo_name((ofl_hash_algo_t)a)};
    v.push_back(x);
    if (a <= OFL_HASH_SHA3_512) {
      x.opts.key = key32;
      x.opts.key_len = 7;
      x.label += "/hmac";
      v.push_back(x);
    } else if (a == OFL_HASH_BLAKE3) {
      Variant k = x, d = x, o = x;
      k.opts.key = key32;
      k.opts.key_len = 32;
      k.label += "/keyed";
      d.opts.context = "offload test context";
      d.opts.context_len = 20;
      d.label += "/derive";
      o.opts.out_len = 131;
      o.label += "/xof131";
      v.push_back(k);
      v.push_back(d);
      v.push_back(o);
    } else if (a <= OFL_HASH_XXH3_128) {
      x.opts.seed = 0x123456789abcdef0ull;
      x.label += "/seed";
      v.push_back(x);
    }
  }
  return v;
}

}  // namespace ofltest
#endif
