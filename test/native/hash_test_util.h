// Shared helpers for the hash_*_test.cc files (one hash_tests executable).
#ifndef OFL_HASH_TEST_UTIL_H
#define OFL_HASH_TEST_UTIL_H

#include <cstdint>
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
