// Interop with the reference libraries and CLI tools, and pigz-style
// parallel gzip/deflate.
#include <lz4frame.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>

#include "codec_test_util.h"

using namespace codec_test;

namespace {

Bytes ZlibInflate(const Bytes &z, int wbits) {
  z_stream s;
  memset(&s, 0, sizeof s);
  EXPECT_EQ(inflateInit2(&s, wbits), Z_OK);
  Bytes out(1 << 16), res;
  s.next_in = const_cast<Bytef *>(z.data());
  s.avail_in = static_cast<uInt>(z.size());
  int r;
  do {
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    r = inflate(&s, Z_NO_FLUSH);
    res.insert(res.end(), out.data(), s.next_out);
  } while (r == Z_OK);
  EXPECT_EQ(r, Z_STREAM_END);
  EXPECT_EQ(s.avail_in, 0u);
  inflateEnd(&s);
  return res;
}

TEST(CodecInterop, ReferenceLibrariesDecode) {
  Bytes in = Text(300000, 1);
  EXPECT_EQ(ZlibInflate(Compress(OFL_CODEC_GZIP, in), 31), in);
  EXPECT_EQ(ZlibInflate(Compress(OFL_CODEC_DEFLATE, in), 15), in);
  EXPECT_EQ(ZlibInflate(Compress(OFL_CODEC_DEFLATE_RAW, in), -15), in);
  ofl_codec_opts_t o = Opts(3, 1);
  Bytes z = Compress(OFL_CODEC_ZSTD, in, &o), back(in.size());
  EXPECT_EQ(ZSTD_getFrameContentSize(z.data(), z.size()), in.size());
  EXPECT_EQ(ZSTD_decompress(back.data(), back.size(), z.data(), z.size()), in.size());
  EXPECT_EQ(back, in);
  z = Compress(OFL_CODEC_LZ4, in, &o);
  LZ4F_dctx *d;
  ASSERT_FALSE(LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
  size_t dn = back.size(), sn = z.size();
  EXPECT_EQ(LZ4F_decompress(d, back.data(), &dn, z.data(), &sn, nullptr), 0u);
  EXPECT_EQ(dn, in.size());
  EXPECT_EQ(back, in);
  LZ4F_freeDecompressionContext(d);
}

bool HaveTool(const char *t) {
  std::string cmd = std::string("command -v ") + t + " >/dev/null 2>&1";
  return system(cmd.c_str()) == 0;
}

std::string TempPath(const char *tag) {
  return std::string("/tmp/ofl_codec_") + std::to_string(getpid()) + "_" + tag;
}

void WriteFile(const std::string &p, const Bytes &b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

Bytes ReadFile(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct Tool {
  ofl_codec_id_t codec;
  const char *exe, *compress, *decompress;
};

TEST(CodecInterop, CliTools) {
  const Tool tools[] = {
      {OFL_CODEC_GZIP, "gzip", "gzip -c -6", "gzip -dc"},
      {OFL_CODEC_ZSTD, "zstd", "zstd -q -c -3", "zstd -q -dc"},
      {OFL_CODEC_LZ4, "lz4", "lz4 -q -c", "lz4 -q -dc"},
      {OFL_CODEC_BROTLI, "brotli", "brotli -c -q 5", "brotli -dc"},
  };
  Bytes in = Text(500000, 2);
  in.insert(in.end(), 1000, 0);
  int ran = 0;
  for (const Tool &t : tools) {
    if (!HaveTool(t.exe)) continue;
    ran++;
    std::string a = TempPath("in"), b = TempPath("out");
    // ofl -> CLI
    ofl_codec_opts_t o = Opts(OFL_CODEC_LEVEL_DEFAULT, 1);
    if (t.codec == OFL_CODEC_BROTLI) o.level = 5;
    WriteFile(a, Compress(t.codec, in, &o));
    std::string cmd = std::string(t.decompress) + " < " + a + " > " + b;
    ASSERT_EQ(system(cmd.c_str()), 0) << cmd;
    EXPECT_EQ(ReadFile(b), in) << t.exe;
    // CLI -> ofl (one-shot, streaming, auto where detectable)
    WriteFile(a, in);
    cmd = std::string(t.compress) + " < " + a + " > " + b;
    ASSERT_EQ(system(cmd.c_str()), 0) << cmd;
    Bytes z = ReadFile(b), back;
    ASSERT_EQ(Decompress(t.codec, z, &back), 0) << t.exe;
    EXPECT_EQ(back, in);
    ASSERT_EQ(StreamDecompress(t.codec, z, &back, 1), 0) << t.exe;
    EXPECT_EQ(back, in);
    if (t.codec != OFL_CODEC_BROTLI) {
      ASSERT_EQ(Decompress(OFL_CODEC_AUTO, z, &back), 0) << t.exe;
      EXPECT_EQ(back, in);
    }
    unlink(a.c_str());
    unlink(b.c_str());
  }
  if (ran == 0) GTEST_SKIP() << "no CLI tools installed";
}

TEST(CodecParallel, BlocksFormOneStandardStream) {
  Bytes in = Text((4u << 20) + 12345, 3);
  for (ofl_codec_id_t c : {OFL_CODEC_GZIP, OFL_CODEC_DEFLATE, OFL_CODEC_DEFLATE_RAW}) {
    for (int level : {1, 6, 9}) {
      ofl_codec_output_t par;
      ASSERT_EQ(ofl_codec_par_compress(c, level, 0, nullptr, in.data(), in.size(), &par), 0);
      Bytes p(par.ptr, par.ptr + par.len);
      ofl_codec_free_output(&par);
      int wbits = c == OFL_CODEC_GZIP ? 31 : c == OFL_CODEC_DEFLATE ? 15 : -15;
      EXPECT_EQ(ZlibInflate(p, wbits), in) << ofl_codec_name(c) << " " << level;
      Bytes back;
      ASSERT_EQ(Decompress(c, p, &back), 0);
      EXPECT_EQ(back, in);
      // Size within ~1% of single-stream zlib at the same level.
      ofl_codec_stream_t *s;
      ofl_codec_opts_t o = Opts(level);
      ASSERT_EQ(ofl_codec_stream_create(OFL_CODEC_COMPRESS, c, &o, &s), 0);
      Bytes one(in.size() + 1024);
      ofl_codec_in_t ib = {in.data(), in.size(), 0};
      ofl_codec_out_t ob = {one.data(), one.size(), 0};
      ASSERT_EQ(ofl_codec_stream_process(s, &ib, &ob, OFL_CODEC_END), 0);
      ofl_codec_stream_free(s);
      EXPECT_LE(static_cast<double>(p.size()), ob.pos * 1.01 + 64)
          << ofl_codec_name(c) << " level " << level << " single " << ob.pos;
    }
  }
}

// Blocks of 256 KiB and more go through libdeflate and are sealed (final
// bit cleared, empty stored block appended): every way a block can end
// (stored, fixed, dynamic; any bit offset) must still join into one stream.
TEST(CodecParallel, LargeBlocksSealedFromLibdeflate) {
  const size_t n = (5u << 20) / 4 + 777;
  Bytes mixed = Text(n, 9);
  Bytes noise = Random(n, 10);
  for (size_t off = 0; off < n; off += 200000)  // incompressible stretches
    std::copy(noise.begin() + off, noise.begin() + std::min(n, off + 70000),
              mixed.begin() + off);
  const Bytes inputs[] = {Text(n, 7), Random(n, 8), Bytes(n, 0), mixed};
  for (const Bytes &in : inputs) {
    for (int level : {0, 1, 6, 9}) {
      for (size_t bs : {size_t(256) << 10, (size_t(300) << 10) + 4099}) {
        ofl_codec_output_t par;
        ASSERT_EQ(ofl_codec_par_compress(OFL_CODEC_GZIP, level, bs, nullptr,
                                         in.data(), in.size(), &par), 0);
        Bytes p(par.ptr, par.ptr + par.len);
        ofl_codec_free_output(&par);
        ASSERT_EQ(ZlibInflate(p, 31), in) << "level " << level << " block " << bs;
      }
    }
  }
  // What splitting costs: within 1.5% of the one-shot (libdeflate, same
  // level mapping, one piece) on text.
  const Bytes &text = inputs[0];
  ofl_codec_output_t par;
  ASSERT_EQ(ofl_codec_par_compress(OFL_CODEC_GZIP, 6, size_t(512) << 10,
                                   nullptr, text.data(), text.size(), &par), 0);
  size_t par_len = par.len;
  ofl_codec_free_output(&par);
  ofl_codec_opts_t o = Opts(6);
  size_t one = Compress(OFL_CODEC_GZIP, text, &o).size();
  EXPECT_LE(static_cast<double>(par_len), one * 1.015 + 64) << "one-shot " << one;
}

TEST(CodecParallel, OutOfOrderBlocksAndEdgeSizes) {
  for (size_t n : {size_t(0), size_t(1), size_t(32768), size_t(100000)}) {
    Bytes in = Random(n, 4);
    const size_t bs = 16384;
    size_t nblk = n / bs + (n % bs || n == 0 ? 1 : 0);
    std::vector<Bytes> blocks(nblk);
    std::vector<uint32_t> checks(nblk);
    for (size_t i = nblk; i-- > 0;) {  // any order, as threads would
      size_t off = i * bs, len = std::min(bs, n - off), dl = std::min<size_t>(off, 32768);
      ofl_codec_output_t o;
      ASSERT_EQ(ofl_codec_par_block_compress(6, in.data() + off - dl, dl, in.data() + off,
                                             len, i + 1 == nblk, &o), 0);
      blocks[i].assign(o.ptr, o.ptr + o.len);
      ofl_codec_free_output(&o);
      checks[i] = ofl_codec_par_checksum(OFL_CODEC_GZIP, in.data() + off, len);
    }
    Bytes z(10);
    size_t w;
    ASSERT_EQ(ofl_codec_par_header(OFL_CODEC_GZIP, 6, z.data(), z.size(), &w), 0);
    uint32_t crc = ofl_codec_par_checksum(OFL_CODEC_GZIP, nullptr, 0);
    for (size_t i = 0; i < nblk; i++) {
      z.insert(z.end(), blocks[i].begin(), blocks[i].end());
      crc = ofl_codec_par_checksum_combine(OFL_CODEC_GZIP, crc, checks[i],
                                           std::min(bs, n - i * bs));
    }
    uint8_t t[8];
    ASSERT_EQ(ofl_codec_par_trailer(OFL_CODEC_GZIP, crc, n, t, sizeof t, &w), 0);
    z.insert(z.end(), t, t + w);
    EXPECT_EQ(ZlibInflate(z, 31), in) << n;
    EXPECT_EQ(crc, crc32(0, in.data(), static_cast<uInt>(n)));
  }
  uint8_t h[1];
  size_t w;
  EXPECT_EQ(ofl_codec_par_header(OFL_CODEC_GZIP, 6, h, 1, &w), OFL_ERANGE);
  EXPECT_EQ(ofl_codec_par_header(OFL_CODEC_ZSTD, 6, h, 1, &w), OFL_EINVAL);
}

}  // namespace
