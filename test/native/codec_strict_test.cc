// Strictness: members/frames, trailing garbage, truncation, corruption,
// lying headers, bombs and cancellation.
#include <lz4frame.h>
#include <malloc.h>

#include <atomic>

#include "codec_test_util.h"

using namespace codec_test;

#if defined(__SANITIZE_ADDRESS__)
#define OFL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OFL_TEST_ASAN 1
#endif
#endif

namespace {

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes r;
  for (const Bytes &p : parts) r.insert(r.end(), p.begin(), p.end());
  return r;
}

// The exact-size path may only succeed where the reference one-shot does,
// with the same bytes; anything else it must decline.
void ExpectExactAgrees(ofl_codec_id_t c, const Bytes &z, int want,
                       const Bytes *expect, const char *what) {
  size_t n = ofl_codec_size_hint(c, z.data(), z.size(), SIZE_MAX);
  if (n == 0) return;
  Bytes dst(n);
  int r = ofl_codec_decompress_exact(c, z.data(), z.size(), dst.data(), n);
  ASSERT_TRUE(r == 0 || r == 1) << ofl_codec_name(c) << " exact " << what;
  if (r == 1) return;
  EXPECT_EQ(want, 0) << ofl_codec_name(c) << " exact accepted " << what;
  if (expect) {
    EXPECT_EQ(dst, *expect) << ofl_codec_name(c) << " exact " << what;
  }
}

void ExpectBoth(ofl_codec_id_t c, const Bytes &z, int want, const Bytes *expect,
                const char *what) {
  ExpectExactAgrees(c, z, want, expect, what);
  ExpectExactAgrees(OFL_CODEC_AUTO, z, want, expect, what);
  Bytes a, b;
  EXPECT_EQ(Decompress(c, z, &a), want) << ofl_codec_name(c) << " one-shot " << what;
  EXPECT_EQ(StreamDecompress(c, z, &b, 5), want) << ofl_codec_name(c) << " stream " << what;
  if (want == 0 && expect) {
    EXPECT_EQ(a, *expect) << ofl_codec_name(c) << " " << what;
    EXPECT_EQ(b, *expect) << ofl_codec_name(c) << " " << what;
  }
}

TEST(CodecStrict, AllMembersAndFramesDecoded) {
  Bytes a = Text(70000, 1), b = Random(3000, 2), e;
  Bytes ab = Cat({a, b});
  Bytes gz = Cat({Compress(OFL_CODEC_GZIP, a), Compress(OFL_CODEC_GZIP, e),
                  Compress(OFL_CODEC_GZIP, b), Compress(OFL_CODEC_GZIP, e)});
  ExpectBoth(OFL_CODEC_GZIP, gz, 0, &ab, "multi-member");
  ExpectBoth(OFL_CODEC_AUTO, gz, 0, &ab, "multi-member auto");
  const Bytes skip = {0x50, 0x2a, 0x4d, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5};
  Bytes zs = Cat({skip, Compress(OFL_CODEC_ZSTD, a), skip, Compress(OFL_CODEC_ZSTD, e),
                  Compress(OFL_CODEC_ZSTD, b), skip});
  ExpectBoth(OFL_CODEC_ZSTD, zs, 0, &ab, "frames + skippable");
  ExpectBoth(OFL_CODEC_AUTO, zs, 0, &ab, "frames + skippable auto");
  Bytes l4 = Cat({Compress(OFL_CODEC_LZ4, a), skip, Compress(OFL_CODEC_LZ4, e),
                  Compress(OFL_CODEC_LZ4, b)});
  ExpectBoth(OFL_CODEC_LZ4, l4, 0, &ab, "frames");
  ExpectBoth(OFL_CODEC_AUTO, l4, 0, &ab, "frames auto");
}

TEST(CodecStrict, EmptyInputIsCorrupt) {
  for (ofl_codec_id_t c : kAll) ExpectBoth(c, Bytes(), OFL_ECORRUPT, nullptr, "empty");
  ExpectBoth(OFL_CODEC_AUTO, Bytes(), OFL_ECORRUPT, nullptr, "empty");
}

TEST(CodecStrict, TrailingGarbageRejected) {
  Bytes in = Text(5000, 3);
  const Bytes tails[] = {{0}, {0, 0, 0, 0}, {'x'}, {'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', '!'},
                         {0x1f}, {0x28, 0xb5, 0x2f}};
  for (ofl_codec_id_t c : kAll) {
    Bytes z = Compress(c, in);
    for (const Bytes &t : tails) ExpectBoth(c, Cat({z, t}), OFL_ECORRUPT, nullptr, "garbage");
  }
}

TEST(CodecStrict, TruncationAtEveryOffset) {
  Bytes in = Text(600, 4);
  for (ofl_codec_id_t c : kAll) {
    for (int checksum = 0; checksum < 2; checksum++) {
      ofl_codec_opts_t o = Opts(OFL_CODEC_LEVEL_DEFAULT, checksum);
      Bytes z = Compress(c, in, &o);
      for (size_t n = 0; n < z.size(); n++) {
        Bytes p(z.begin(), z.begin() + n), out;
        ASSERT_EQ(Decompress(c, p, &out), OFL_ECORRUPT) << ofl_codec_name(c) << " at " << n;
        ASSERT_EQ(StreamDecompress(c, p, &out, n), OFL_ECORRUPT)
            << ofl_codec_name(c) << " stream at " << n;
      }
    }
  }
}

TEST(CodecStrict, CorruptionSweep) {
  Bytes in = Text(800, 5);
  for (ofl_codec_id_t c : kAll) {
    ofl_codec_opts_t o = Opts(OFL_CODEC_LEVEL_DEFAULT, 1);
    Bytes z = Compress(c, in, &o);
    bool must_detect = c != OFL_CODEC_BROTLI && c != OFL_CODEC_DEFLATE_RAW;
    for (size_t i = 0; i < z.size(); i++) {
      for (uint8_t x : {0x01, 0x80, 0xff}) {
        Bytes bad = z, out;
        bad[i] ^= x;
        int r = Decompress(c, bad, &out);
        if (must_detect) {
          ASSERT_TRUE(r < 0 || out == in) << ofl_codec_name(c) << " byte " << i;
        }
        if (r < 0) {
          // A flipped window descriptor can ask for too large a window.
          ASSERT_TRUE(r == OFL_ECORRUPT || r == OFL_ETOOBIG ||
                      (c == OFL_CODEC_ZSTD && r == OFL_EWINDOW))
              << r;
        }
      }
    }
  }
}

TEST(CodecStrict, LyingZstdContentSize) {
  // Frame header: FCS 8 bytes = 2^40, window 1 KiB; one raw 5-byte block.
  Bytes f = {0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00, 0, 0, 0, 0, 0, 1, 0, 0,
             0x29, 0, 0, 'h', 'e', 'l', 'l', 'o'};
  ExpectBoth(OFL_CODEC_ZSTD, f, OFL_ECORRUPT, nullptr, "fcs lie");
  // Single segment: window = FCS = 2^40, over the decoder's window limit.
  Bytes g = f;
  g[4] = 0xe0;
  g.erase(g.begin() + 5);
  ExpectBoth(OFL_CODEC_ZSTD, g, OFL_EWINDOW, nullptr, "single-segment lie");
}

TEST(CodecStrict, LyingLz4ContentSize) {
  LZ4F_cctx *c = nullptr;
  ASSERT_FALSE(LZ4F_isError(LZ4F_createCompressionContext(&c, LZ4F_VERSION)));
  LZ4F_preferences_t p;
  memset(&p, 0, sizeof p);
  p.frameInfo.contentSize = 1ull << 40;
  Bytes in = Text(1000, 6), z(LZ4F_compressBound(in.size(), &p) + 64);
  size_t n = LZ4F_compressBegin(c, z.data(), z.size(), &p);
  ASSERT_FALSE(LZ4F_isError(n));
  size_t m = LZ4F_compressUpdate(c, z.data() + n, z.size() - n, in.data(), in.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(m));
  size_t k = LZ4F_flush(c, z.data() + n + m, z.size() - n - m, nullptr);
  ASSERT_FALSE(LZ4F_isError(k));
  z.resize(n + m + k);
  z.insert(z.end(), {0, 0, 0, 0});  // end mark
  LZ4F_freeCompressionContext(c);
  ExpectBoth(OFL_CODEC_LZ4, z, OFL_ECORRUPT, nullptr, "content size lie");
}

TEST(CodecStrict, LyingGzipIsize) {
  Bytes z = Compress(OFL_CODEC_GZIP, Text(1000, 7));
  for (int i = 1; i <= 4; i++) z[z.size() - i] = 0xff;
  ExpectBoth(OFL_CODEC_GZIP, z, OFL_ECORRUPT, nullptr, "isize lie");
}

struct HeapProbe {
  size_t base = 0, peak = 0;
  static size_t InUse() {
#ifdef OFL_TEST_ASAN
    return 0;
#else
    return mallinfo2().uordblks;
#endif
  }
  static int Sample(void *arg) {
    auto *h = static_cast<HeapProbe *>(arg);
    h->peak = std::max(h->peak, InUse());
    return 0;
  }
};

TEST(CodecStrict, BombCappedWithoutBigAllocation) {
  const size_t n = 64u << 20;
  Bytes zeros(n, 0);
  for (ofl_codec_id_t c : kAll) {
    ofl_codec_opts_t co = Opts(c == OFL_CODEC_BROTLI ? 5 : OFL_CODEC_LEVEL_DEFAULT);
    Bytes z = Compress(c, zeros, &co);
    for (size_t cap : {size_t(1) << 20, n - 1, n}) {
      HeapProbe h;
      h.base = h.peak = HeapProbe::InUse();
      ofl_codec_opts_t o = Opts();
      o.max_output = cap;
      o.should_stop = HeapProbe::Sample;
      o.stop_arg = &h;
      ofl_codec_output_t out;
      int r = ofl_codec_decompress(c, &o, z.data(), z.size(), &out);
      if (cap == n) {
        ASSERT_EQ(r, 0) << ofl_codec_name(c);
        EXPECT_EQ(out.len, n);
        EXPECT_LE(out.cap, n + 1);
        EXPECT_EQ(memcmp(out.ptr, zeros.data(), n), 0);
        ofl_codec_free_output(&out);
      } else {
        ASSERT_EQ(r, OFL_ETOOBIG) << ofl_codec_name(c) << " cap " << cap;
        EXPECT_EQ(out.ptr, nullptr);
      }
      // Output buffer <= cap + 1 and decoder state well under 24 MiB.
      EXPECT_LE(h.peak - h.base, cap + (24u << 20)) << ofl_codec_name(c);
      Bytes s;
      EXPECT_EQ(StreamDecompress(c, z, &s, 3, cap), cap == n ? 0 : OFL_ETOOBIG)
          << ofl_codec_name(c);
      if (cap == n) {
        EXPECT_EQ(s.size(), n);
      }
    }
  }
}

TEST(CodecStrict, CapIsInclusive) {
  Bytes in = Text(12345, 8);
  for (ofl_codec_id_t c : kAll) {
    Bytes z = Compress(c, in), out;
    EXPECT_EQ(Decompress(c, z, &out, in.size()), 0) << ofl_codec_name(c);
    EXPECT_EQ(Decompress(c, z, &out, in.size() - 1), OFL_ETOOBIG) << ofl_codec_name(c);
    EXPECT_EQ(Decompress(c, z, &out, 0), OFL_ETOOBIG) << ofl_codec_name(c);
    EXPECT_EQ(StreamDecompress(c, z, &out, 2, in.size()), 0) << ofl_codec_name(c);
    EXPECT_EQ(StreamDecompress(c, z, &out, 2, in.size() - 1), OFL_ETOOBIG);
  }
}

struct StopAfter {
  int calls = 0, after, code;
  static int Fn(void *arg) {
    auto *s = static_cast<StopAfter *>(arg);
    return ++s->calls > s->after ? s->code : 0;
  }
};

TEST(CodecStrict, CancelStopsBigJobs) {
  Bytes in = Text(10u << 20, 9);
  for (ofl_codec_id_t c : kAll) {
    StopAfter st;
    st.after = 3;
    st.code = OFL_ECANCELED;
    ofl_codec_opts_t o = Opts(c == OFL_CODEC_BROTLI ? 1 : OFL_CODEC_LEVEL_DEFAULT);
    o.should_stop = StopAfter::Fn;
    o.stop_arg = &st;
    ofl_codec_output_t out;
    EXPECT_EQ(ofl_codec_compress(c, &o, in.data(), in.size(), &out), OFL_ECANCELED)
        << ofl_codec_name(c);
    EXPECT_EQ(st.calls, 4);
    EXPECT_EQ(out.ptr, nullptr);
    ofl_codec_opts_t fast = Opts(c == OFL_CODEC_BROTLI ? 1 : OFL_CODEC_LEVEL_DEFAULT);
    Bytes z = Compress(c, in, &fast);
    StopAfter sd;
    sd.after = 5;
    sd.code = OFL_ETIMEDOUT;
    o.stop_arg = &sd;
    EXPECT_EQ(ofl_codec_decompress(c, &o, z.data(), z.size(), &out), OFL_ETIMEDOUT)
        << ofl_codec_name(c);
    EXPECT_EQ(out.ptr, nullptr);
    // With a callback that never fires the cancellable path still round-trips.
    StopAfter never;
    never.after = 1 << 30;
    never.code = OFL_ECANCELED;
    o.stop_arg = &never;
    ASSERT_EQ(ofl_codec_compress(c, &o, in.data(), in.size(), &out), 0);
    Bytes z2(out.ptr, out.ptr + out.len), back;
    ofl_codec_free_output(&out);
    ASSERT_EQ(Decompress(c, z2, &back), 0);
    EXPECT_TRUE(back == in) << ofl_codec_name(c);
    EXPECT_GT(never.calls, 8);
  }
}

TEST(CodecStrict, ErrorIsStickyUntilReset) {
  Bytes z = Compress(OFL_CODEC_ZSTD, Text(100, 1));
  z[z.size() / 2] ^= 0xff;
  z.insert(z.end(), {1, 2, 3});
  ofl_codec_stream_t *s = nullptr;
  ASSERT_EQ(ofl_codec_stream_create(OFL_CODEC_DECOMPRESS, OFL_CODEC_ZSTD, nullptr, &s), 0);
  uint8_t buf[1000];
  ofl_codec_in_t in = {z.data(), z.size(), 0};
  ofl_codec_out_t out = {buf, sizeof buf, 0};
  int r = ofl_codec_stream_process(s, &in, &out, OFL_CODEC_END);
  EXPECT_LT(r, 0);
  EXPECT_EQ(ofl_codec_stream_process(s, &in, &out, OFL_CODEC_END), r);
  ASSERT_EQ(ofl_codec_stream_reset(s), 0);
  Bytes good = Compress(OFL_CODEC_ZSTD, Text(100, 1));
  in = {good.data(), good.size(), 0};
  out = {buf, sizeof buf, 0};
  EXPECT_EQ(ofl_codec_stream_process(s, &in, &out, OFL_CODEC_END), 0);
  EXPECT_EQ(out.pos, 100u);
  ofl_codec_stream_free(s);
}

}  // namespace

// Decodes `z` in two pieces split at `cut`, into one large output buffer
// (room for the whole frame is what tempts libzstd's single-pass shortcut).
static int DecodeSplit(const Bytes &z, size_t cut, Bytes *res) {
  ofl_codec_stream_t *s = nullptr;
  ofl_codec_opts_t o = Opts();
  if (ofl_codec_stream_create(OFL_CODEC_DECOMPRESS, OFL_CODEC_ZSTD, &o, &s) < 0)
    return OFL_EINTERNAL;
  Bytes out(1 << 16);
  ofl_codec_out_t ob = {out.data(), out.size(), 0};
  ofl_codec_in_t a = {z.data(), cut, 0}, b = {z.data() + cut, z.size() - cut, 0};
  int r = ofl_codec_stream_process(s, &a, &ob, OFL_CODEC_CONTINUE);
  if (r == 0) r = ofl_codec_stream_process(s, &b, &ob, OFL_CODEC_END);
  ofl_codec_stream_free(s);
  out.resize(ob.pos);
  if (r == 0) *res = out;
  return r;
}

TEST(CodecStrict, ZstdHeaderSplitAtEveryByte) {
  // Fuzz find: a frame header whose bytes after the magic read as a
  // skippable frame. libzstd 1.5.4 decoded that as an empty success when
  // the header arrived in two calls; it is a truncated frame.
  const Bytes bad = {0x28, 0xb5, 0x2f, 0xfd, 0x51, 0x2a, 0x4d, 0x18,
                     0x03, 0, 0, 0, 0x04, 0x22, 0x4d};
  ExpectBoth(OFL_CODEC_ZSTD, bad, OFL_ECORRUPT, nullptr, "header lookalike");
  ExpectBoth(OFL_CODEC_AUTO, bad, OFL_ECORRUPT, nullptr, "header lookalike auto");
  for (size_t cut = 0; cut <= bad.size(); cut++)
    EXPECT_EQ(DecodeSplit(bad, cut, nullptr), OFL_ECORRUPT) << "cut " << cut;
  const Bytes text = Text(3000, 9);
  const Bytes z = Compress(OFL_CODEC_ZSTD, text);
  for (size_t cut = 0; cut <= 20; cut++) {
    Bytes got;
    ASSERT_EQ(DecodeSplit(z, cut, &got), 0) << "cut " << cut;
    EXPECT_EQ(got, text) << "cut " << cut;
  }
}

TEST(CodecStrict, ZstdBlockLargerThanWindow) {
  // Fuzz find: a single-segment frame with content size 0 (window 0) and
  // an RLE block of 0 bytes, whose 1-byte payload exceeds the window.
  // libzstd's single-pass decoder accepts it, its streaming decoder does
  // not; one-shot and stream must agree.
  const Bytes f = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x03, 0x00, 0x00, 0xff};
  ExpectBoth(OFL_CODEC_ZSTD, f, OFL_ECORRUPT, nullptr, "rle over window");
  ExpectBoth(OFL_CODEC_AUTO, f, OFL_ECORRUPT, nullptr, "rle over window auto");
}

TEST(CodecStrict, ExactPathTakesLoneFramesOnly) {
  Bytes in = Text(300000, 12);
  ofl_codec_opts_t chk = Opts(OFL_CODEC_LEVEL_DEFAULT, 1);
  for (ofl_codec_id_t c : {OFL_CODEC_GZIP, OFL_CODEC_ZSTD, OFL_CODEC_LZ4}) {
    Bytes z = Compress(c, in, &chk);
    size_t n = ofl_codec_size_hint(c, z.data(), z.size(), SIZE_MAX);
    ASSERT_EQ(n, in.size()) << ofl_codec_name(c);
    Bytes dst(n);
    ASSERT_EQ(ofl_codec_decompress_exact(c, z.data(), z.size(), dst.data(), n), 0);
    EXPECT_EQ(dst, in) << ofl_codec_name(c);
    // Over max_output: no hint (the reference reports ETOOBIG).
    EXPECT_EQ(ofl_codec_size_hint(c, z.data(), z.size(), in.size() - 1), 0u);
    EXPECT_EQ(ofl_codec_size_hint(c, z.data(), z.size(), in.size()), in.size());
    // A wrong size, two frames, trailing bytes: declined.
    EXPECT_EQ(ofl_codec_decompress_exact(c, z.data(), z.size(), dst.data(), n - 1), 1);
    Bytes two = Cat({z, z}), tail = Cat({z, Bytes{1, 2, 3}});
    Bytes d2(2 * n);
    EXPECT_EQ(ofl_codec_decompress_exact(c, two.data(), two.size(), d2.data(), n), 1);
    // zstd frames that all declare their sizes decode in one pass (as
    // parallel compression writes them); a second lz4 frame or gzip
    // member goes to the reference path.
    if (c == OFL_CODEC_ZSTD) {
      EXPECT_EQ(ofl_codec_size_hint(c, two.data(), two.size(), SIZE_MAX), 2 * n);
      ASSERT_EQ(ofl_codec_decompress_exact(c, two.data(), two.size(), d2.data(), 2 * n), 0);
      EXPECT_EQ(d2, Cat({in, in}));
    } else {
      EXPECT_EQ(ofl_codec_decompress_exact(c, two.data(), two.size(), d2.data(), 2 * n), 1);
    }
    EXPECT_EQ(ofl_codec_decompress_exact(c, tail.data(), tail.size(), dst.data(), n), 1);
    // A flipped byte in the middle never passes as success.
    Bytes bad = z;
    bad[bad.size() / 2] ^= 0x40;
    EXPECT_EQ(ofl_codec_decompress_exact(c, bad.data(), bad.size(), dst.data(), n), 1);
  }
  // Claims beyond 64x the input get no hint (never sizes an allocation).
  Bytes zeros(8u << 20, 0);
  Bytes z = Compress(OFL_CODEC_ZSTD, zeros);
  EXPECT_EQ(ofl_codec_size_hint(OFL_CODEC_ZSTD, z.data(), z.size(), SIZE_MAX), 0u);
  EXPECT_EQ(ofl_codec_size_hint(OFL_CODEC_BROTLI, z.data(), z.size(), SIZE_MAX), 0u);
}

// The frame index behind parallel zstd decoding: one span per frame, in
// order, each decoding exactly into its place; none when the hint would
// decline (skippable frame, trailing bytes, over max_output).
TEST(CodecStrict, ZstdSpansIndexEveryFrame) {
  // (Each frame large enough for 128 KiB blocks: the exact path takes only
  // those, see zstd_frames.)
  Bytes a = Text(300000, 3), b = Text(200000, 4), c = Text(177777, 5);
  Bytes za = Compress(OFL_CODEC_ZSTD, a), zb = Compress(OFL_CODEC_ZSTD, b),
        zc = Compress(OFL_CODEC_ZSTD, c);
  Bytes all = Cat({za, zb, zc}), want = Cat({a, b, c});
  ofl_codec_span_t s[3];
  size_t total = 0;
  ASSERT_EQ(ofl_codec_zstd_spans(all.data(), all.size(), SIZE_MAX, s, 3, &total),
            3u);
  EXPECT_EQ(total, want.size());
  Bytes dst(total);
  size_t src_off = 0, dst_off = 0;
  for (const ofl_codec_span_t &sp : s) {
    EXPECT_EQ(sp.src_off, src_off);
    EXPECT_EQ(sp.dst_off, dst_off);
    ASSERT_EQ(ofl_codec_decompress_exact(OFL_CODEC_ZSTD, all.data() + sp.src_off,
                                         sp.src_len, dst.data() + sp.dst_off,
                                         sp.dst_len),
              0);
    src_off += sp.src_len;
    dst_off += sp.dst_len;
  }
  EXPECT_EQ(src_off, all.size());
  EXPECT_EQ(dst, want);
  // Fewer slots than frames: the count, and only the first slots filled.
  EXPECT_EQ(ofl_codec_zstd_spans(all.data(), all.size(), SIZE_MAX, s, 1, nullptr),
            3u);
  EXPECT_EQ(ofl_codec_zstd_spans(all.data(), all.size(), SIZE_MAX, nullptr, 0,
                                 nullptr),
            3u);
  EXPECT_EQ(ofl_codec_zstd_spans(all.data(), all.size(), want.size() - 1, s, 3,
                                 nullptr),
            0u);
  Bytes skip = {0x50, 0x2a, 0x4d, 0x18, 1, 0, 0, 0, 9};
  Bytes with_skip = Cat({za, skip, zb}), tail = Cat({za, Bytes{1, 2, 3}});
  EXPECT_EQ(ofl_codec_zstd_spans(with_skip.data(), with_skip.size(), SIZE_MAX,
                                 s, 3, nullptr),
            0u);
  EXPECT_EQ(
      ofl_codec_zstd_spans(tail.data(), tail.size(), SIZE_MAX, s, 3, nullptr),
      0u);
  EXPECT_EQ(ofl_codec_zstd_spans(nullptr, 0, SIZE_MAX, s, 3, nullptr), 0u);
}
