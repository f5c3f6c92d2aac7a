// Shared helpers for the codec_* GoogleTest files.
#ifndef OFL_CODEC_TEST_UTIL_H
#define OFL_CODEC_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ofl_codec.h"
#include "ofl_errors.h"

namespace codec_test {

using Bytes = std::vector<uint8_t>;

inline const ofl_codec_id_t kAll[] = {OFL_CODEC_GZIP,   OFL_CODEC_DEFLATE,
                                      OFL_CODEC_DEFLATE_RAW, OFL_CODEC_BROTLI,
                                      OFL_CODEC_ZSTD,   OFL_CODEC_LZ4};

inline Bytes Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto &x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Compressible text-like data.
inline Bytes Text(size_t n, uint32_t seed) {
  static const char *words[] = {"offload ", "native ", "thread ", "pool ",
                                "compress ", "zstd ", "gzip ", "the ", "a ",
                                "event loop ", "\n"};
  std::mt19937 rng(seed);
  Bytes b;
  b.reserve(n + 16);
  while (b.size() < n) {
    const char *w = words[rng() % 11];
    b.insert(b.end(), w, w + strlen(w));
  }
  b.resize(n);
  return b;
}

inline ofl_codec_opts_t Opts(int level = OFL_CODEC_LEVEL_DEFAULT,
                             int checksum = 0) {
  ofl_codec_opts_t o;
  ofl_codec_opts_init(&o);
  o.level = level;
  o.checksum = checksum;
  return o;
}

inline Bytes Compress(ofl_codec_id_t c, const Bytes &in,
                      const ofl_codec_opts_t *o = nullptr) {
  ofl_codec_output_t out;
  int r = ofl_codec_compress(c, o, in.data(), in.size(), &out);
  EXPECT_EQ(r, 0) << ofl_codec_name(c) << " " << ofl_strerror(r);
  Bytes b(out.ptr, out.ptr + out.len);
  ofl_codec_free_output(&out);
  return b;
}

// Returns the error code; fills *res on success.
inline int Decompress(ofl_codec_id_t c, const Bytes &in, Bytes *res,
                      size_t max_output = SIZE_MAX,
                      const ofl_codec_opts_t *base = nullptr) {
  ofl_codec_opts_t o = base ? *base : Opts();
  o.max_output = max_output;
  ofl_codec_output_t out;
  int r = ofl_codec_decompress(c, &o, in.data(), in.size(), &out);
  if (r == 0) {
    if (res) res->assign(out.ptr, out.ptr + out.len);
    ofl_codec_free_output(&out);
  } else {
    EXPECT_EQ(out.ptr, nullptr);
  }
  return r;
}

// Streaming decompress with random buffer sizes; returns error code.
inline int StreamDecompress(ofl_codec_id_t c, const Bytes &in, Bytes *res,
                            uint32_t seed, size_t max_output = SIZE_MAX) {
  std::mt19937 rng(seed);
  ofl_codec_opts_t o = Opts();
  o.max_output = max_output;
  ofl_codec_stream_t *s = nullptr;
  int r = ofl_codec_stream_create(OFL_CODEC_DECOMPRESS, c, &o, &s);
  if (r < 0) return r;
  size_t ip = 0;
  Bytes out;
  for (int guard = 0; guard < 10000000; guard++) {
    size_t n = std::min(in.size() - ip, static_cast<size_t>(rng() % 300 + 1));
    ofl_codec_in_t ib = {in.data() + ip, n, 0};
    bool last = ip + n == in.size();
    ofl_codec_directive_t d = last ? OFL_CODEC_END : OFL_CODEC_CONTINUE;
    for (;;) {
      uint8_t buf[512];
      size_t osz = rng() % sizeof buf + 1;
      ofl_codec_out_t ob = {buf, osz, 0};
      r = ofl_codec_stream_process(s, &ib, &ob, d);
      out.insert(out.end(), buf, buf + ob.pos);
      if (r <= 0) break;
    }
    ip += ib.pos;
    if (r < 0 || last) break;
  }
  ofl_codec_stream_free(s);
  if (r == 0 && res) *res = out;
  return r;
}

}  // namespace codec_test

#endif
