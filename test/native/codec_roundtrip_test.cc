// Round-trips: one-shot and streaming, every codec, several levels/sizes.
#include <zstd.h>

#include <atomic>
#include <thread>

#include "codec_test_util.h"

using namespace codec_test;

namespace {

std::vector<int> Levels(ofl_codec_id_t c) {
  switch (c) {
    case OFL_CODEC_BROTLI: return {0, 5, OFL_CODEC_LEVEL_DEFAULT};
    case OFL_CODEC_ZSTD: return {-5, 1, 3, 19};
    case OFL_CODEC_LZ4: return {0, 1, 9, 12};
    default: return {0, 1, 6, 9, 12};
  }
}

TEST(CodecRoundTrip, OneShotAllCodecsLevelsSizes) {
  const size_t sizes[] = {0, 1, 7, 4096, 65537, (1u << 20) + 13};
  for (ofl_codec_id_t c : kAll) {
    for (int level : Levels(c)) {
      for (size_t n : sizes) {
        if (c == OFL_CODEC_BROTLI && level == OFL_CODEC_LEVEL_DEFAULT && n > 70000)
          continue;  // quality 11 is slow
        for (int kind = 0; kind < 2; kind++) {
          Bytes in = kind ? Random(n, 7) : Text(n, 9);
          ofl_codec_opts_t o = Opts(level, 1);
          Bytes z = Compress(c, in, &o);
          Bytes back;
          ASSERT_EQ(Decompress(c, z, &back), 0)
              << ofl_codec_name(c) << " level " << level << " n " << n;
          ASSERT_EQ(back, in) << ofl_codec_name(c) << " level " << level;
          if (c != OFL_CODEC_BROTLI && c != OFL_CODEC_DEFLATE_RAW) {
            Bytes a;
            ASSERT_EQ(Decompress(OFL_CODEC_AUTO, z, &a), 0) << ofl_codec_name(c);
            ASSERT_EQ(a, in);
          }
        }
      }
    }
  }
}

TEST(CodecRoundTrip, Deterministic) {
  Bytes in = Text(200000, 3);
  for (ofl_codec_id_t c : kAll) {
    ofl_codec_opts_t o = Opts(c == OFL_CODEC_BROTLI ? 5 : OFL_CODEC_LEVEL_DEFAULT);
    EXPECT_EQ(Compress(c, in, &o), Compress(c, in, &o)) << ofl_codec_name(c);
  }
}

TEST(CodecRoundTrip, LevelValidation) {
  Bytes in = Text(100, 1);
  ofl_codec_output_t out;
  ofl_codec_opts_t o = Opts(13);
  EXPECT_EQ(ofl_codec_compress(OFL_CODEC_GZIP, &o, in.data(), in.size(), &out), OFL_ERANGE);
  o.level = 12;
  EXPECT_EQ(ofl_codec_compress(OFL_CODEC_BROTLI, &o, in.data(), in.size(), &out), OFL_ERANGE);
  o.level = 23;
  EXPECT_EQ(ofl_codec_compress(OFL_CODEC_ZSTD, &o, in.data(), in.size(), &out), OFL_ERANGE);
  o.level = 10;  // streaming gzip family is 0..9
  ofl_codec_stream_t *s = nullptr;
  EXPECT_EQ(ofl_codec_stream_create(OFL_CODEC_COMPRESS, OFL_CODEC_GZIP, &o, &s), OFL_ERANGE);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(ofl_codec_stream_create(OFL_CODEC_COMPRESS, OFL_CODEC_AUTO, nullptr, &s),
            OFL_EUNSUPPORTED);
  ofl_codec_id_t id;
  EXPECT_EQ(ofl_codec_from_name("deflate-raw", &id), 0);
  EXPECT_EQ(id, OFL_CODEC_DEFLATE_RAW);
  EXPECT_EQ(ofl_codec_from_name("lzma", &id), OFL_EUNSUPPORTED);
  ofl_codec_stream_free(nullptr);
  ofl_codec_free_output(nullptr);
}

TEST(CodecRoundTrip, Bound) {
  for (ofl_codec_id_t c : kAll) {
    size_t b = 0;
    ASSERT_EQ(ofl_codec_compress_bound(c, 100000, &b), 0);
    Bytes in = Random(100000, 5);
    ofl_codec_opts_t o = Opts(OFL_CODEC_LEVEL_DEFAULT, 1);
    if (c == OFL_CODEC_BROTLI) o.level = 1;
    EXPECT_LE(Compress(c, in, &o).size(), b) << ofl_codec_name(c);
    EXPECT_EQ(ofl_codec_compress_bound(c, SIZE_MAX - 10, &b), OFL_ERANGE) << ofl_codec_name(c);
  }
}

TEST(CodecRoundTrip, Dictionary) {
  Bytes dict = Text(20000, 77), in = Text(5000, 78);
  for (ofl_codec_id_t c : {OFL_CODEC_DEFLATE, OFL_CODEC_DEFLATE_RAW, OFL_CODEC_ZSTD}) {
    ofl_codec_opts_t o = Opts();
    o.dict = dict.data();
    o.dict_len = dict.size();
    Bytes z = Compress(c, in, &o), plain = Compress(c, in);
    EXPECT_LT(z.size(), plain.size()) << ofl_codec_name(c);
    Bytes back;
    ASSERT_EQ(Decompress(c, z, &back, SIZE_MAX, &o), 0) << ofl_codec_name(c);
    EXPECT_EQ(back, in);
    EXPECT_LT(Decompress(c, z, &back), 0) << "without dictionary " << ofl_codec_name(c);
  }
  for (ofl_codec_id_t c : {OFL_CODEC_BROTLI, OFL_CODEC_LZ4, OFL_CODEC_GZIP}) {
    ofl_codec_opts_t o = Opts(1);
    o.dict = dict.data();
    o.dict_len = dict.size();
    ofl_codec_output_t out;
    EXPECT_EQ(ofl_codec_compress(c, &o, in.data(), in.size(), &out), OFL_EUNSUPPORTED)
        << ofl_codec_name(c);
  }
}

TEST(CodecRoundTrip, ZstdWorkers) {
  Bytes in = Text(3u << 20, 11);
  ofl_codec_opts_t o = Opts(3, 1);
  o.workers = 2;
  ofl_codec_output_t out;
  int r = ofl_codec_compress(OFL_CODEC_ZSTD, &o, in.data(), in.size(), &out);
  if (r == OFL_EUNSUPPORTED) GTEST_SKIP() << "single-threaded libzstd";
  ASSERT_EQ(r, 0);
  Bytes z(out.ptr, out.ptr + out.len), back;
  ofl_codec_free_output(&out);
  ASSERT_EQ(Decompress(OFL_CODEC_ZSTD, z, &back), 0);
  EXPECT_EQ(back, in);
  o.workers = -1;
  EXPECT_EQ(ofl_codec_compress(OFL_CODEC_ZSTD, &o, in.data(), 10, &out), OFL_ERANGE);
}

// Stream-compress with random chunking and interleaved FLUSH; after every
// flush the output so far must decode (streaming, no END) to all input so far.
void StreamRoundTrip(ofl_codec_id_t c, int level, const Bytes &in, uint32_t seed) {
  std::mt19937 rng(seed);
  ofl_codec_opts_t o = Opts(level, 1);
  ofl_codec_stream_t *s = nullptr;
  ASSERT_EQ(ofl_codec_stream_create(OFL_CODEC_COMPRESS, c, &o, &s), 0);
  Bytes z;
  size_t ip = 0;
  auto run = [&](ofl_codec_in_t *ib, ofl_codec_directive_t d) {
    int r;
    do {
      uint8_t buf[700];
      ofl_codec_out_t ob = {buf, rng() % sizeof buf + 1, 0};
      r = ofl_codec_stream_process(s, ib, &ob, d);
      z.insert(z.end(), buf, buf + ob.pos);
      ASSERT_GE(r, 0);
    } while (r > 0);
    ASSERT_EQ(ib->pos, ib->size);
  };
  int flushes = 0;
  while (ip < in.size()) {
    size_t n = std::min(in.size() - ip, static_cast<size_t>(rng() % 20000 + 1));
    ofl_codec_in_t ib = {in.data() + ip, n, 0};
    bool flush = rng() % 4 == 0;
    run(&ib, flush ? OFL_CODEC_FLUSH : OFL_CODEC_CONTINUE);
    if (::testing::Test::HasFatalFailure()) break;
    ip += n;
    if (flush && flushes++ < 6) {
      // The prefix must decode (without END) to exactly the input so far.
      ofl_codec_stream_t *d = nullptr;
      ASSERT_EQ(ofl_codec_stream_create(OFL_CODEC_DECOMPRESS, c, nullptr, &d), 0);
      Bytes got(ip + 1024);
      ofl_codec_in_t zi = {z.data(), z.size(), 0};
      ofl_codec_out_t zo = {got.data(), got.size(), 0};
      int r = ofl_codec_stream_process(d, &zi, &zo, OFL_CODEC_FLUSH);
      EXPECT_EQ(r, 0) << ofl_codec_name(c);
      EXPECT_EQ(zo.pos, ip) << ofl_codec_name(c);
      EXPECT_TRUE(std::equal(in.begin(), in.begin() + ip, got.begin()));
      ofl_codec_stream_free(d);
    }
  }
  ofl_codec_in_t ib = {nullptr, 0, 0};
  if (!::testing::Test::HasFatalFailure()) run(&ib, OFL_CODEC_END);
  // After END: more input is an error, an empty END is a no-op.
  uint8_t x = 1, ob1[16];
  ofl_codec_in_t more = {&x, 1, 0};
  ofl_codec_out_t ob = {ob1, sizeof ob1, 0};
  EXPECT_EQ(ofl_codec_stream_process(s, &more, &ob, OFL_CODEC_CONTINUE), OFL_EINVAL);
  ofl_codec_stream_free(s);
  Bytes back;
  ASSERT_EQ(Decompress(c, z, &back), 0) << ofl_codec_name(c);
  ASSERT_EQ(back, in) << ofl_codec_name(c);
  Bytes back2;
  ASSERT_EQ(StreamDecompress(c, z, &back2, seed + 1), 0) << ofl_codec_name(c);
  ASSERT_EQ(back2, in) << ofl_codec_name(c);
}

TEST(CodecRoundTrip, StreamingRandomChunksAndFlush) {
  for (ofl_codec_id_t c : kAll) {
    for (uint32_t seed = 1; seed <= 3; seed++) {
      int level = c == OFL_CODEC_BROTLI ? 5 : OFL_CODEC_LEVEL_DEFAULT;
      Bytes in = seed == 2 ? Random(150001, seed) : Text(300007, seed);
      StreamRoundTrip(c, level, in, seed);
      if (::testing::Test::HasFatalFailure()) return;
    }
    StreamRoundTrip(c, OFL_CODEC_LEVEL_DEFAULT == 0 ? 1 : 1, Bytes(), 9);
    StreamRoundTrip(c, 1, Bytes{42}, 10);
  }
}

TEST(CodecRoundTrip, StreamResetReuses) {
  Bytes in = Text(50000, 4);
  for (ofl_codec_id_t c : kAll) {
    ofl_codec_opts_t o = Opts(1);
    ofl_codec_stream_t *s = nullptr;
    ASSERT_EQ(ofl_codec_stream_create(OFL_CODEC_COMPRESS, c, &o, &s), 0);
    Bytes first;
    for (int round = 0; round < 2; round++) {
      Bytes z(60000);
      ofl_codec_in_t ib = {in.data(), in.size() / 2, 0};
      ofl_codec_out_t ob = {z.data(), z.size(), 0};
      ASSERT_EQ(ofl_codec_stream_process(s, &ib, &ob, OFL_CODEC_CONTINUE), 0);
      if (round == 0) {
        ASSERT_EQ(ofl_codec_stream_reset(s), 0);  // abandon a half stream
        ob.pos = 0;
      }
      ib = {in.data(), in.size(), ib.pos};
      ASSERT_EQ(ofl_codec_stream_process(s, &ib, &ob, OFL_CODEC_END), 0);
      z.resize(ob.pos);
      if (round == 0) {
        // round 0 only has the second half after the reset
        Bytes back;
        ASSERT_EQ(Decompress(c, z, &back), 0) << ofl_codec_name(c);
        EXPECT_EQ(back, Bytes(in.begin() + in.size() / 2, in.end()));
        ASSERT_EQ(ofl_codec_stream_reset(s), 0);
      } else {
        Bytes back;
        ASSERT_EQ(Decompress(c, z, &back), 0) << ofl_codec_name(c);
        EXPECT_EQ(back, in);
      }
    }
    ofl_codec_stream_free(s);
  }
}

TEST(CodecRoundTrip, DecompressIntoCallerBuffer) {
  Bytes in = Text(10000, 8);
  for (ofl_codec_id_t c : kAll) {
    Bytes z = Compress(c, in), dst(in.size());
    size_t w = 0;
    ASSERT_EQ(ofl_codec_decompress_into(c, nullptr, z.data(), z.size(), dst.data(),
                                        dst.size(), &w), 0) << ofl_codec_name(c);
    EXPECT_EQ(w, in.size());
    EXPECT_EQ(dst, in);
    EXPECT_EQ(ofl_codec_decompress_into(c, nullptr, z.data(), z.size(), dst.data(),
                                        dst.size() - 1, &w), OFL_ETOOBIG)
        << ofl_codec_name(c);
  }
}

TEST(CodecRoundTrip, Detect) {
  Bytes in = Text(1000, 2);
  for (ofl_codec_id_t c : {OFL_CODEC_GZIP, OFL_CODEC_DEFLATE, OFL_CODEC_ZSTD, OFL_CODEC_LZ4}) {
    Bytes z = Compress(c, in);
    ofl_codec_id_t got;
    ASSERT_EQ(ofl_codec_detect(z.data(), z.size(), &got), 0);
    EXPECT_EQ(got, c);
  }
  uint8_t junk[4] = {1, 2, 3, 4};
  ofl_codec_id_t got;
  EXPECT_EQ(ofl_codec_detect(junk, 4, &got), OFL_ECORRUPT);
  Bytes e;
  EXPECT_EQ(Decompress(OFL_CODEC_AUTO, Bytes(junk, junk + 4), &e), OFL_ECORRUPT);
}

}  // namespace

// One-shot zstd borrows pooled contexts: whatever the previous call used
// (level, checksum, dictionary, size), the output equals a fresh
// context's, and concurrent callers never share one.
TEST(CodecRoundTrip, ZstdPooledContextsMatchFreshOnes) {
  const Bytes dict = Text(4096, 40);
  struct Case {
    int level;
    int checksum;
    bool with_dict;
    size_t n;
  };
  const Case cases[] = {{19, 1, true, 70000}, {1, 0, false, 1},   {3, 1, false, 1 << 20},
                        {3, 0, true, 0},      {-5, 0, false, 99}, {9, 1, false, 300000}};
  for (int rep = 0; rep < 3; rep++) {
    for (const Case &k : cases) {
      Bytes in = Text(k.n, static_cast<uint32_t>(k.n + rep));
      ofl_codec_opts_t o = Opts(k.level, k.checksum);
      if (k.with_dict) {
        o.dict = dict.data();
        o.dict_len = dict.size();
      }
      Bytes ours = Compress(OFL_CODEC_ZSTD, in, &o);
      ZSTD_CCtx *c = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, k.level);
      ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, k.checksum);
      if (k.with_dict) ZSTD_CCtx_loadDictionary(c, dict.data(), dict.size());
      Bytes ref(ZSTD_compressBound(in.size()));
      size_t r = ZSTD_compress2(c, ref.data(), ref.size(), in.data(), in.size());
      ZSTD_freeCCtx(c);
      ASSERT_FALSE(ZSTD_isError(r));
      ref.resize(r);
      EXPECT_EQ(ours, ref) << "level " << k.level << " n " << k.n << " rep " << rep;
    }
  }
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([t, &bad] {
      for (int i = 0; i < 25; i++) {
        Bytes in = Text(20000 + 997 * i, static_cast<uint32_t>(t * 100 + i));
        ofl_codec_opts_t o = Opts(1 + (i % 5));
        ofl_codec_output_t z;
        if (ofl_codec_compress(OFL_CODEC_ZSTD, &o, in.data(), in.size(), &z) != 0) {
          bad++;
          continue;
        }
        Bytes back(in.size());
        size_t w = 0;
        if (ofl_codec_decompress_into(OFL_CODEC_ZSTD, nullptr, z.ptr, z.len, back.data(),
                                      back.size(), &w) != 0 ||
            w != in.size() || back != in)
          bad++;
        ofl_codec_free_output(&z);
      }
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}
