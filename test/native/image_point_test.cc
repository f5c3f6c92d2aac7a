// Point ops and compositing against per-pixel references from the
// definitions, every format and channel count, in place and in bands.
#include <algorithm>

#include "image_test_util.h"

using namespace imgtest;

namespace {

bool IsAlpha(uint32_t ch, uint32_t c) {
  return (ch == 2 || ch == 4) && c == ch - 1;
}

// The reference of every per-sample op on channel c of one pixel.
double RefPoint(const ofl_image_op_t &op, const Img &s, uint32_t x, uint32_t y,
                uint32_t c, uint32_t dch) {
  const uint32_t ch = s.v.channels;
  const double mx = Max(s.v.format);
  const double v = s.At(x, y, c);
  const bool skip = !op.alpha && IsAlpha(ch, c);
  auto luma = [&]() {
    return ch >= 3 ? 0.2126 * s.At(x, y, 0) + 0.7152 * s.At(x, y, 1) +
                         0.0722 * s.At(x, y, 2)
                   : s.At(x, y, 0);
  };
  const double a = IsAlpha(ch, ch - 1) ? s.At(x, y, ch - 1) : mx;
  switch (op.kind) {
    case OFL_IMAGE_OP_THRESHOLD:
      return skip ? v : v >= op.value ? mx : 0;
    case OFL_IMAGE_OP_NEGATE:
      return skip ? v : mx - v;
    case OFL_IMAGE_OP_LINEAR:
      return skip ? v : op.a[c] * v + op.b[c];
    case OFL_IMAGE_OP_GAMMA:
      return skip ? v : mx * std::pow(v / mx, 1 / op.value);
    case OFL_IMAGE_OP_LUT:
      return skip ? v
             : s.v.format == OFL_IMAGE_U8
                 ? ((const uint8_t *)op.table)[(int)v]
                 : ((const uint16_t *)op.table)[(int)v];
    case OFL_IMAGE_OP_GRAYSCALE:
      return c == 0 ? luma() : s.At(x, y, ch - 1);
    case OFL_IMAGE_OP_MODULATE:
      if (IsAlpha(ch, c)) return v;
      return (luma() + op.saturation * (v - luma())) * op.amount;
    case OFL_IMAGE_OP_PREMULTIPLY:
      return IsAlpha(ch, c) ? v : v * a / mx;
    case OFL_IMAGE_OP_UNPREMULTIPLY:
      return IsAlpha(ch, c) ? v : a > 0 ? v * mx / a : 0;
    case OFL_IMAGE_OP_EXTRACT_CHANNEL:
      return s.At(x, y, op.channel);
    default:
      (void)dch;
      return v;
  }
}

std::vector<ofl_image_op_t> PointOps(ofl_image_format_t f, uint32_t ch,
                                     std::vector<uint8_t> &t8,
                                     std::vector<uint16_t> &t16) {
  std::vector<ofl_image_op_t> ops;
  const double mx = Max(f);
  ofl_image_op_t o{};
  o.kind = OFL_IMAGE_OP_THRESHOLD, o.value = 0.5 * mx, ops.push_back(o);
  o = {}, o.kind = OFL_IMAGE_OP_NEGATE, o.alpha = 1, ops.push_back(o);
  o.alpha = 0, ops.push_back(o);
  o = {}, o.kind = OFL_IMAGE_OP_LINEAR;
  for (int c = 0; c < 4; c++)
    o.a[c] = 0.7 + 0.3 * c, o.b[c] = (c - 1.5) * 0.05 * mx;
  ops.push_back(o);
  o = {}, o.kind = OFL_IMAGE_OP_GAMMA, o.value = 2.2, ops.push_back(o);
  o.value = 0.45, o.alpha = 1, ops.push_back(o);
  if (f != OFL_IMAGE_F32) {
    o = {}, o.kind = OFL_IMAGE_OP_LUT;
    o.table =
        f == OFL_IMAGE_U8 ? (const void *)t8.data() : (const void *)t16.data();
    ops.push_back(o);
  }
  o = {}, o.kind = OFL_IMAGE_OP_GRAYSCALE, ops.push_back(o);
  o.keep_alpha = 1, ops.push_back(o);
  o = {}, o.kind = OFL_IMAGE_OP_MODULATE, o.amount = 1.2, o.saturation = 0.5;
  ops.push_back(o);
  if (ch == 2 || ch == 4) {
    o = {}, o.kind = OFL_IMAGE_OP_PREMULTIPLY, ops.push_back(o);
    o.kind = OFL_IMAGE_OP_UNPREMULTIPLY, ops.push_back(o);
  }
  o = {}, o.kind = OFL_IMAGE_OP_EXTRACT_CHANNEL, o.channel = ch - 1,
  ops.push_back(o);
  return ops;
}

TEST(ImagePoint, EveryOpFormatAndChannelCount) {
  std::vector<uint8_t> t8(256);
  std::vector<uint16_t> t16(65536);
  for (int i = 0; i < 256; i++) t8[i] = (uint8_t)(255 - (i * 7) % 256);
  for (int i = 0; i < 65536; i++) t16[i] = (uint16_t)((i * 40503u) & 0xFFFF);
  for (auto f : kFormats)
    for (uint32_t ch = 1; ch <= 4; ch++)
      for (const auto &op : PointOps(f, ch, t8, t16))
        for (auto sz : Sizes()) {
          Img src(sz.w, sz.h, ch, f, 1);
          src.Fill(sz.w + 3 * ch + op.kind);
          const ofl_image_t s = Shape(op, src);
          Img dst(s.width, s.height, s.channels, s.format, 2);
          ASSERT_EQ(0, RunBands(op, src, nullptr, dst, 3))
              << ofl_image_op_name(op.kind);
          SCOPED_TRACE(ofl_image_op_name(op.kind));
          Expect(
              dst,
              [&](uint32_t x, uint32_t y, uint32_t c) {
                return RefPoint(op, src, x, y, c, s.channels);
              },
              1, 2e-5);
        }
}

// The u8 table ops and grayscale under every SIMD path alone give the
// portable bytes, at widths that leave every tail of a 64-sample block and
// every channel phase (distinct per-channel tables, alpha kept or not), in
// place too.
TEST(ImagePoint, TableOpsEverySimdPathIdentical) {
  const unsigned real = ofl_image_simd(-1);
  std::vector<uint8_t> t8(256);
  std::vector<uint16_t> t16(65536);
  for (int i = 0; i < 256; i++) t8[i] = (uint8_t)((i * 73 + 11) % 256);
  std::vector<unsigned> masks;
  for (unsigned m :
       {OFL_IMAGE_SIMD_AVX2, OFL_IMAGE_SIMD_SSE41, OFL_IMAGE_SIMD_AVX512VBMI})
    if (real & m) masks.push_back(m);
  for (uint32_t ch = 1; ch <= 4; ch++)
    for (const auto &op : PointOps(OFL_IMAGE_U8, ch, t8, t16))
      for (uint32_t w : {1u, 21u, 63u, 64u, 65u, 130u, 1000u}) {
        Img src(w, 3, ch, OFL_IMAGE_U8, 5);
        src.Fill(w + ch + op.kind);
        const ofl_image_t s = Shape(op, src);
        Img a(s.width, s.height, s.channels, s.format, 1);
        ofl_image_simd(0);
        ASSERT_EQ(0, ofl_image_op(&op, &src.v, nullptr, &a.v));
        for (unsigned m : masks) {
          Img b(s.width, s.height, s.channels, s.format, 1);
          ofl_image_simd((int)m);
          ASSERT_EQ(0, ofl_image_op(&op, &src.v, nullptr, &b.v));
          for (uint32_t y = 0; y < s.height; y++)
            for (uint32_t x = 0; x < s.width; x++)
              for (uint32_t c = 0; c < s.channels; c++)
                ASSERT_EQ(a.At(x, y, c), b.At(x, y, c))
                    << ofl_image_op_name(op.kind) << " ch " << ch << " w " << w
                    << " mask " << m;
          if (s.channels != ch || op.kind == OFL_IMAGE_OP_JOIN_CHANNELS)
            continue;
          Img c(w, 3, ch, OFL_IMAGE_U8, 5);
          c.Fill(w + ch + op.kind);
          if (ofl_image_op(&op, &c.v, nullptr, &c.v) != 0) continue;
          for (uint32_t y = 0; y < 3; y++)
            for (uint32_t x = 0; x < w; x++)
              for (uint32_t k = 0; k < ch; k++)
                ASSERT_EQ(a.At(x, y, k), c.At(x, y, k));
        }
      }
  ofl_image_simd((int)real);
  EXPECT_EQ(real, ofl_image_simd(-1));
}

TEST(ImagePoint, InPlaceEqualsOutOfPlace) {
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_LINEAR;
  for (int c = 0; c < 4; c++) op.a[c] = 1.5, op.b[c] = -10;
  Img a(63, 17, 4, OFL_IMAGE_U8, 3), b(63, 17, 4, OFL_IMAGE_U8, 3);
  a.Fill(5);
  b.Fill(5);
  Img out(63, 17, 4, OFL_IMAGE_U8);
  ASSERT_EQ(0, RunBands(op, a, nullptr, out, 1));
  ASSERT_EQ(0, ofl_image_op(&op, &b.v, nullptr, &b.v));
  for (uint32_t y = 0; y < 17; y++)
    for (uint32_t x = 0; x < 63; x++)
      for (uint32_t c = 0; c < 4; c++)
        ASSERT_EQ(out.At(x, y, c), b.At(x, y, c));
  // A filter may not run in place.
  op.kind = OFL_IMAGE_OP_BLUR, op.value = 1;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &b.v, nullptr, &b.v));
}

TEST(ImagePoint, ConvertBetweenFormats) {
  for (auto from : kFormats)
    for (auto to : kFormats)
      for (double scale : {0.0, 0.5}) {
        Img src(29, 3, 3, from, 1);
        src.Fill(11);
        ofl_image_op_t op{};
        op.kind = OFL_IMAGE_OP_CONVERT, op.format = to, op.value = scale;
        Img dst(29, 3, 3, to);
        ASSERT_EQ(0, RunBands(op, src, nullptr, dst, 2));
        const double k = scale != 0 ? scale : Max(to) / Max(from);
        Expect(
            dst,
            [&](uint32_t x, uint32_t y, uint32_t c) {
              return src.At(x, y, c) * k;
            },
            1, 1e-5);
      }
}

TEST(ImagePoint, JoinChannels) {
  for (auto f : kFormats) {
    Img a(13, 5, 3, f, 2), b(13, 5, 1, f, 1);
    a.Fill(1);
    b.Fill(2);
    ofl_image_op_t op{};
    op.kind = OFL_IMAGE_OP_JOIN_CHANNELS;
    Img dst(13, 5, 4, f);
    ASSERT_EQ(0, RunBands(op, a, &b, dst, 2));
    Expect(
        dst,
        [&](uint32_t x, uint32_t y, uint32_t c) {
          return c < 3 ? a.At(x, y, c) : b.At(x, y, 0);
        },
        0, 0);
    Img five(13, 5, 2, f);
    ofl_image_t s;
    EXPECT_EQ(OFL_EINVAL, ofl_image_op_dst_shape(&op, &a.v, &five.v, &s));
  }
}

// W3C source-over with a separable blend, straight alpha.
double RefComposite(const ofl_image_op_t &op, const Img &b, const Img &s,
                    uint32_t x, uint32_t y, uint32_t c) {
  const double mx = Max(b.v.format);
  const uint32_t bch = b.v.channels, sch = s.v.channels;
  const int64_t ox = (int64_t)x - op.left, oy = (int64_t)y - op.top;
  if (ox < 0 || oy < 0 || ox >= s.v.width || oy >= s.v.height)
    return b.At(x, y, c);
  const double as =
      (IsAlpha(sch, sch - 1) ? s.At(ox, oy, sch - 1) / mx : 1) * op.opacity;
  const double ab = IsAlpha(bch, bch - 1) ? b.At(x, y, bch - 1) / mx : 1;
  const double ao = as + ab * (1 - as);
  if (IsAlpha(bch, c)) return ao * mx;
  const double cs = s.At(ox, oy, c) / mx, cb = b.At(x, y, c) / mx;
  double B = cs;
  if (op.blend == OFL_IMAGE_BLEND_MULTIPLY) B = cb * cs;
  if (op.blend == OFL_IMAGE_BLEND_SCREEN) B = cb + cs - cb * cs;
  if (op.blend == OFL_IMAGE_BLEND_ADD) B = std::min(1.0, cb + cs);
  const double co = as * (1 - ab) * cs + as * ab * B + (1 - as) * ab * cb;
  return (ao > 0 ? co / ao : 0) * mx;
}

TEST(ImageComposite, EveryBlendClippedAtEveryEdge) {
  for (auto f : kFormats)
    for (uint32_t bch : {3u, 4u})
      for (uint32_t sch : {3u, 4u})
        for (int m = 0; m < OFL_IMAGE_BLEND_COUNT; m++)
          for (int64_t off : {-3, 0, 5, 30}) {
            Img base(23, 19, bch, f, 1), ov(9, 7, sch, f, 2);
            base.Fill(3, true);
            ov.Fill(4);
            ofl_image_op_t op{};
            op.kind = OFL_IMAGE_OP_COMPOSITE;
            op.blend = (ofl_image_blend_t)m;
            op.left = off, op.top = off / 2, op.opacity = 0.8;
            Img dst(23, 19, bch, f);
            ASSERT_EQ(0, RunBands(op, base, &ov, dst, 3));
            Expect(
                dst,
                [&](uint32_t x, uint32_t y, uint32_t c) {
                  return RefComposite(op, base, ov, x, y, c);
                },
                1, 1e-5);
          }
}

TEST(ImageComposite, InPlaceEqualsOutOfPlace) {
  for (auto f : kFormats)
    for (int64_t off : {-4, 3, 20}) {
      Img base(31, 17, 4, f, 2), copy(31, 17, 4, f, 2), ov(11, 9, 4, f);
      base.Fill(7, true);
      copy.Fill(7, true);
      ov.Fill(8);
      ofl_image_op_t op{};
      op.kind = OFL_IMAGE_OP_COMPOSITE, op.left = off, op.top = off / 2;
      op.opacity = 0.7, op.blend = OFL_IMAGE_BLEND_SCREEN;
      Img out(31, 17, 4, f);
      ASSERT_EQ(0, RunBands(op, base, &ov, out, 2));
      ASSERT_EQ(0, ofl_image_op(&op, &copy.v, &ov.v, &copy.v));
      Expect(
          copy,
          [&](uint32_t x, uint32_t y, uint32_t c) { return out.At(x, y, c); },
          0, 0);
      // The overlay may not overlap the destination.
      ofl_image_t sub = copy.v;
      sub.width = 5, sub.height = 5;
      EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &copy.v, &sub, &copy.v));
    }
}

TEST(ImageComposite, PremultipliedMatchesStraight) {
  // Premultiplying inputs, compositing premultiplied and unpremultiplying
  // gives the straight result (within rounding).
  Img base(16, 8, 4, OFL_IMAGE_F32), ov(16, 8, 4, OFL_IMAGE_F32);
  base.Fill(1);
  ov.Fill(2);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_COMPOSITE, op.opacity = 1;
  Img straight(16, 8, 4, OFL_IMAGE_F32);
  ASSERT_EQ(0, RunBands(op, base, &ov, straight, 1));
  ofl_image_op_t pm{};
  pm.kind = OFL_IMAGE_OP_PREMULTIPLY;
  Img pb(16, 8, 4, OFL_IMAGE_F32), po(16, 8, 4, OFL_IMAGE_F32),
      pd(16, 8, 4, OFL_IMAGE_F32);
  ASSERT_EQ(0, ofl_image_op(&pm, &base.v, nullptr, &pb.v));
  ASSERT_EQ(0, ofl_image_op(&pm, &ov.v, nullptr, &po.v));
  op.premultiplied = 1;
  ASSERT_EQ(0, RunBands(op, pb, &po, pd, 2));
  pm.kind = OFL_IMAGE_OP_UNPREMULTIPLY;
  ASSERT_EQ(0, ofl_image_op(&pm, &pd.v, nullptr, &pd.v));
  Expect(
      pd,
      [&](uint32_t x, uint32_t y, uint32_t c) { return straight.At(x, y, c); },
      0, 1e-4);
}

TEST(ImagePoint, RejectsBadParameters) {
  Img src(4, 4, 3, OFL_IMAGE_U8), dst(4, 4, 3, OFL_IMAGE_U8);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_GAMMA, op.value = 0;
  EXPECT_EQ(OFL_ERANGE, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op.value = NAN;
  EXPECT_EQ(OFL_ERANGE, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op = {}, op.kind = OFL_IMAGE_OP_LINEAR, op.a[1] = INFINITY;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op = {}, op.kind = OFL_IMAGE_OP_PREMULTIPLY;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op = {}, op.kind = OFL_IMAGE_OP_LUT;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  Img f(4, 4, 3, OFL_IMAGE_F32), fd(4, 4, 3, OFL_IMAGE_F32);
  uint8_t t[256] = {0};
  op.table = t;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &f.v, nullptr, &fd.v));
}

}  // namespace
