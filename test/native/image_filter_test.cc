// Filters (blur, boxBlur, convolve, sharpen, median, sobel) against direct
// double-precision window sums from the definitions: every edge mode,
// formats, channel counts, awkward sizes, separable and not, in bands.
#include <algorithm>
#include <array>

#include "image_test_util.h"

using namespace imgtest;

namespace {

int64_t RefEdge(int64_t i, int64_t n, ofl_image_edge_t e) {
  if (i >= 0 && i < n) return i;
  if (e == OFL_IMAGE_EDGE_CLAMP) return Clamp(i, n);
  if (e == OFL_IMAGE_EDGE_WRAP) return ((i % n) + n) % n;
  if (e == OFL_IMAGE_EDGE_MIRROR) {
    int64_t m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }
  return -1;
}

double Sample(const Img &s, int64_t x, int64_t y, uint32_t c,
              ofl_image_edge_t e) {
  const int64_t sx = RefEdge(x, s.v.width, e), sy = RefEdge(y, s.v.height, e);
  return sx < 0 || sy < 0 ? 0 : s.At(sx, sy, c);
}

double RefConvolve(const Img &s, const std::vector<float> &k, int kw, int kh,
                   double scale, double offset, ofl_image_edge_t e, uint32_t x,
                   uint32_t y, uint32_t c) {
  double acc = 0;
  for (int j = 0; j < kh; j++)
    for (int i = 0; i < kw; i++)
      acc += k[j * kw + i] *
             Sample(s, (int64_t)x + i - kw / 2, (int64_t)y + j - kh / 2, c, e);
  return acc / scale + offset;
}

// sharp's mask, from libvips' definition: taps while exp(-x^2/2s^2) >= 0.2
// (the last one excluded), weights rint(20 * amplitude).
std::vector<float> RefGauss(double sigma) {
  int x = 0;
  while (x < (int)(8 * sigma) &&
         std::exp(-double(x * x) / (2 * sigma * sigma)) >= 0.2)
    x++;
  const int r = std::max(x - 1, 0);
  std::vector<float> m;
  for (int i = -r; i <= r; i++)
    m.push_back(
        (float)std::rint(20 * std::exp(-double(i * i) / (2 * sigma * sigma))));
  return m;
}

void RunAndExpect(
    const ofl_image_op_t &op, const Img &src,
    const std::function<double(uint32_t, uint32_t, uint32_t)> &ref,
    double lsb = 1, double rel = 1e-5) {
  Img dst(src.v.width, src.v.height, src.v.channels, src.v.format, 2);
  ASSERT_EQ(0, RunBands(op, src, nullptr, dst, 3))
      << ofl_image_op_name(op.kind);
  Expect(dst, ref, lsb, rel);
}

TEST(ImageFilter, GaussMaskIsSharps) {
  // Known values: sigma 2 gives 7 taps 6 12 18 20 18 12 6.
  const std::vector<float> want = {6, 12, 18, 20, 18, 12, 6};
  EXPECT_EQ(want, RefGauss(2));
  EXPECT_EQ(35u, RefGauss(10).size());
  EXPECT_EQ(1u, RefGauss(0.3).size());
}

TEST(ImageFilter, BlurAgainstTheTwoDimensionalSum) {
  for (double sigma : {0.3, 1.0, 2.0, 4.5})
    for (auto f : kFormats)
      for (uint32_t ch : {1u, 3u, 4u})
        for (auto sz : Sizes()) {
          Img src(sz.w, sz.h, ch, f, 1);
          src.Fill(sz.w * 3 + sz.h + ch, true);
          const auto g = RefGauss(sigma);
          std::vector<float> k2;
          double sum = 0;
          for (float a : g)
            for (float b : g) k2.push_back(a * b), sum += a * b;
          ofl_image_op_t op{};
          op.kind = OFL_IMAGE_OP_BLUR, op.value = sigma;
          RunAndExpect(op, src, [&](uint32_t x, uint32_t y, uint32_t c) {
            return RefConvolve(src, k2, (int)g.size(), (int)g.size(), sum, 0,
                               OFL_IMAGE_EDGE_CLAMP, x, y, c);
          });
        }
}

TEST(ImageFilter, BoxBlurAnyRadius) {
  for (uint32_t r : {0u, 1u, 3u, 20u})
    for (auto f : kFormats)
      for (auto sz : Sizes()) {
        Img src(sz.w, sz.h, 3, f, 2);
        src.Fill(r + sz.w);
        std::vector<float> k((2 * r + 1) * (2 * r + 1), 1.0f);
        ofl_image_op_t op{};
        op.kind = OFL_IMAGE_OP_BOX_BLUR, op.radius = r;
        RunAndExpect(op, src, [&](uint32_t x, uint32_t y, uint32_t c) {
          return RefConvolve(src, k, 2 * r + 1, 2 * r + 1, (double)k.size(), 0,
                             OFL_IMAGE_EDGE_CLAMP, x, y, c);
        });
      }
}

TEST(ImageFilter, ConvolveEveryEdgeSeparableOrNot) {
  struct K {
    int w, h;
    std::vector<float> v;
    double scale;
  };
  std::vector<K> ks = {
      {3, 3, {-1, -1, -1, -1, 8, -1, -1, -1, -1}, 0},  // sum 0: scale 1
      {3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}, 0},          // separable
      {5, 1, {1, -2, 3, -2, 1}, 0},
      {1, 3, {1, 0, -1}, 2.5},
      {5, 3, {0, 1, 0, 2, 1, 3, 0, -1, 4, 2, 1, 1, 0, 1, 3}, 0}};
  // 31x31 of ones: the largest size, separable.
  ks.push_back({31, 31, std::vector<float>(31 * 31, 1.0f), 0});
  for (const auto &k : ks)
    for (int e = 0; e < OFL_IMAGE_EDGE_COUNT; e++)
      for (auto f : kFormats)
        for (auto sz : Sizes()) {
          Img src(sz.w, sz.h, 2, f, 3);
          src.Fill(sz.h * 5 + e, true);
          ofl_image_op_t op{};
          op.kind = OFL_IMAGE_OP_CONVOLVE;
          op.kernel = k.v.data(), op.kw = k.w, op.kh = k.h;
          op.scale = k.scale, op.offset = f == OFL_IMAGE_F32 ? 0.1 : 3;
          op.edge = (ofl_image_edge_t)e;
          double sum = 0;
          for (float a : k.v) sum += a;
          const double scale = k.scale != 0 ? k.scale : sum != 0 ? sum : 1;
          RunAndExpect(
              op, src,
              [&](uint32_t x, uint32_t y, uint32_t c) {
                return RefConvolve(src, k.v, k.w, k.h, scale, op.offset,
                                   (ofl_image_edge_t)e, x, y, c);
              },
              1, 1e-4);
        }
}

TEST(ImageFilter, ConvolveRejectsBadKernels) {
  Img src(8, 8, 1, OFL_IMAGE_U8), dst(8, 8, 1, OFL_IMAGE_U8);
  std::vector<float> k(33 * 33, 1.0f);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_CONVOLVE, op.kernel = k.data();
  op.kw = 2, op.kh = 3;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op.kw = 33, op.kh = 33;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op.kw = 0, op.kh = 0;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op.kw = 3, op.kh = 3, k[4] = NAN;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  op.kernel = nullptr;
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
}

TEST(ImageFilter, SharpenIsAnUnsharpMask) {
  // u8 rounds its blur to 8 bits (as libvips' integer precision): the
  // blur is within 1 LSB, so the result within amount + 1, and where
  // |v - blur| is within 1 of the threshold either branch is right.
  for (auto f : kFormats)
    for (uint32_t ch : {1u, 4u}) {
      Img src(37, 23, ch, f, 1);
      src.Fill(9, true);
      const auto g = RefGauss(1.5);
      std::vector<float> k2;
      double sum = 0;
      for (float a : g)
        for (float b : g) k2.push_back(a * b), sum += a * b;
      ofl_image_op_t op{};
      op.kind = OFL_IMAGE_OP_SHARPEN, op.value = 1.5, op.amount = 1.5;
      op.threshold = 0.02 * Max(f);
      Img dst(37, 23, ch, f, 2);
      ASSERT_EQ(0, RunBands(op, src, nullptr, dst, 3));
      const double slack = f == OFL_IMAGE_U8 ? 1 : 1e-3 * Max(f);
      for (uint32_t y = 0; y < 23; y++)
        for (uint32_t x = 0; x < 37; x++)
          for (uint32_t c = 0; c < ch; c++) {
            const double v = src.At(x, y, c), got = dst.At(x, y, c);
            if (ch == 4 && c == 3) {
              ASSERT_EQ(v, got);
              continue;
            }
            const double b = RefConvolve(src, k2, (int)g.size(), (int)g.size(),
                                         sum, 0, OFL_IMAGE_EDGE_CLAMP, x, y, c);
            const double sharp = Quantise(v + op.amount * (v - b), f);
            const double plain = Quantise(v, f);
            const double tol =
                f == OFL_IMAGE_F32 ? 1e-4 : op.amount * slack + 1;
            const double m = std::fabs(std::fabs(v - b) - op.threshold);
            const bool ok = m <= slack ? (std::fabs(got - sharp) <= tol ||
                                          std::fabs(got - plain) <= tol)
                            : std::fabs(v - b) > op.threshold
                                ? std::fabs(got - sharp) <= tol
                                : std::fabs(got - plain) <= tol;
            ASSERT_TRUE(ok) << f << " " << x << "," << y << "," << c << " got "
                            << got << " sharp " << sharp << " plain " << plain;
          }
    }
}

TEST(ImageFilter, MedianEverySize) {
  for (uint32_t k : {3u, 5u, 7u})
    for (int e = 0; e < OFL_IMAGE_EDGE_COUNT; e++)
      for (auto f : kFormats)
        for (auto sz : Sizes()) {
          Img src(sz.w, sz.h, 3, f, 1);
          src.Fill(k * 17 + sz.w);
          ofl_image_op_t op{};
          op.kind = OFL_IMAGE_OP_MEDIAN, op.size = k,
          op.edge = (ofl_image_edge_t)e;
          RunAndExpect(
              op, src,
              [&](uint32_t x, uint32_t y, uint32_t c) {
                std::vector<double> w;
                for (int j = -(int)k / 2; j <= (int)k / 2; j++)
                  for (int i = -(int)k / 2; i <= (int)k / 2; i++)
                    w.push_back(Sample(src, (int64_t)x + i, (int64_t)y + j, c,
                                       (ofl_image_edge_t)e));
                std::nth_element(w.begin(), w.begin() + w.size() / 2, w.end());
                return w[w.size() / 2];
              },
              0, 0);
        }
}

TEST(ImageFilter, SobelMagnitude) {
  for (auto f : kFormats)
    for (auto sz : Sizes()) {
      Img src(sz.w, sz.h, 2, f, 1);
      src.Fill(sz.w + 1, true);
      const std::vector<float> gx = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
      const std::vector<float> gy = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
      ofl_image_op_t op{};
      op.kind = OFL_IMAGE_OP_SOBEL;
      RunAndExpect(
          op, src,
          [&](uint32_t x, uint32_t y, uint32_t c) {
            const double a =
                RefConvolve(src, gx, 3, 3, 1, 0, OFL_IMAGE_EDGE_CLAMP, x, y, c);
            const double b =
                RefConvolve(src, gy, 3, 3, 1, 0, OFL_IMAGE_EDGE_CLAMP, x, y, c);
            return std::sqrt(a * a + b * b);
          },
          1, 1e-5);
    }
}

// direction: 1 channel in, (magnitude, angle) out; the angle atan2(gy, gx)
// in radians (f32) or round((theta + pi) / 2pi * (max + 1)) mod (max + 1).
TEST(ImageFilter, SobelDirectionPlanes) {
  const std::vector<float> kx = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
  const std::vector<float> ky = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
  for (auto f : kFormats)
    for (auto sz : Sizes()) {
      Img src(sz.w, sz.h, 1, f, 3);
      src.Fill(sz.w * 5 + sz.h, true);
      ofl_image_op_t op{};
      op.kind = OFL_IMAGE_OP_SOBEL, op.direction = 1;
      const ofl_image_t s = Shape(op, src);
      ASSERT_EQ(2u, s.channels);
      Img dst(sz.w, sz.h, 2, f, 1);
      ASSERT_EQ(0, RunBands(op, src, nullptr, dst, 3));
      const double turn = Max(f) + 1;
      for (uint32_t y = 0; y < sz.h; y++)
        for (uint32_t x = 0; x < sz.w; x++) {
          const double gx =
              RefConvolve(src, kx, 3, 3, 1, 0, OFL_IMAGE_EDGE_CLAMP, x, y, 0);
          const double gy =
              RefConvolve(src, ky, 3, 3, 1, 0, OFL_IMAGE_EDGE_CLAMP, x, y, 0);
          const double mag = std::sqrt(gx * gx + gy * gy);
          const double th = std::atan2(gy, gx), got = dst.At(x, y, 1);
          if (f == OFL_IMAGE_F32) {
            ASSERT_NEAR(mag, dst.At(x, y, 0), 1e-5 * std::max(1.0, mag));
            ASSERT_GT(got, -M_PI - 1e-6);
            ASSERT_LE(got, M_PI + 1e-6);
            // float sums: the angle of a tiny gradient is ill-conditioned
            if (mag > 1e-3) {
              const double d = std::fabs(got - th);
              ASSERT_LE(std::min(d, std::fabs(d - 2 * M_PI)), 1e-4);
            }
          } else {
            ASSERT_LE(std::fabs(dst.At(x, y, 0) - Quantise(mag, f)), 1);
            const double want = std::fmod(
                std::floor((th + M_PI) / (2 * M_PI) * turn + 0.5), turn);
            const double d = std::fabs(got - want);
            ASSERT_LE(std::min(d, turn - d), 1) << x << "," << y;
          }
        }
    }
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_SOBEL, op.direction = 1;
  for (uint32_t ch = 2; ch <= 4; ch++) {
    Img src(5, 5, ch, OFL_IMAGE_U8), dst(5, 5, 2, OFL_IMAGE_U8);
    ofl_image_t s;
    EXPECT_EQ(OFL_EINVAL, ofl_image_op_dst_shape(&op, &src.v, nullptr, &s));
    EXPECT_EQ(OFL_EINVAL, ofl_image_op(&op, &src.v, nullptr, &dst.v));
  }
}

TEST(ImageStats, BandsMergeToTheReference) {
  for (auto f : kFormats)
    for (uint32_t ch = 1; ch <= 4; ch++)
      for (auto sz : Sizes()) {
        Img src(sz.w, sz.h, ch, f, 3);
        src.Fill(sz.w * 7 + ch);
        ofl_image_stats_t all, part;
        ofl_image_stats_init(&all, ch);
        const uint32_t mid = sz.h / 2;
        ASSERT_EQ(0,
                  ofl_image_stats_rows(&src.v, 0, mid, &all, nullptr, nullptr));
        ofl_image_stats_init(&part, ch);
        ASSERT_EQ(0, ofl_image_stats_rows(&src.v, mid, sz.h, &part, nullptr,
                                          nullptr));
        ofl_image_stats_merge(&all, &part);
        EXPECT_EQ((uint64_t)sz.w * sz.h, all.pixels);
        for (uint32_t c = 0; c < ch; c++) {
          double mn = INFINITY, mx = -INFINITY, sum = 0, sq = 0;
          uint32_t mnx = 0, mny = 0, mxx = 0, mxy = 0;
          for (uint32_t y = 0; y < sz.h; y++)
            for (uint32_t x = 0; x < sz.w; x++) {
              const double v = src.At(x, y, c);
              sum += v, sq += v * v;
              if (v < mn) mn = v, mnx = x, mny = y;
              if (v > mx) mx = v, mxx = x, mxy = y;
            }
          const auto &s = all.ch[c];
          EXPECT_EQ(mn, s.min);
          EXPECT_EQ(mx, s.max);
          EXPECT_EQ(mnx, s.min_x);
          EXPECT_EQ(mny, s.min_y);
          EXPECT_EQ(mxx, s.max_x);
          EXPECT_EQ(mxy, s.max_y);
          if (f == OFL_IMAGE_F32) {
            EXPECT_NEAR(sum, s.sum, 1e-9 * std::max(1.0, sum));
            EXPECT_NEAR(sq, s.squares_sum, 1e-9 * std::max(1.0, sq));
          } else {
            EXPECT_EQ(sum, s.sum);
            EXPECT_EQ(sq, s.squares_sum);
          }
        }
      }
}

TEST(ImageStats, HistogramCountsEverySample) {
  for (auto f : kFormats)
    for (uint32_t bins : {1u, 7u, 256u, 1000u}) {
      Img src(61, 9, 3, f, 1);
      src.Fill(bins);
      std::vector<uint32_t> got(3 * bins), want(3 * bins);
      ASSERT_EQ(0, ofl_image_histogram_rows(&src.v, bins, 0, 4, got.data(),
                                            nullptr, nullptr));
      ASSERT_EQ(0, ofl_image_histogram_rows(&src.v, bins, 4, 9, got.data(),
                                            nullptr, nullptr));
      for (uint32_t y = 0; y < 9; y++)
        for (uint32_t x = 0; x < 61; x++)
          for (uint32_t c = 0; c < 3; c++) {
            const double v = src.At(x, y, c);
            uint64_t b =
                f == OFL_IMAGE_F32
                    ? (uint64_t)std::min<double>(bins - 1, std::floor(v * bins))
                    : (uint64_t)(v * bins / (Max(f) + 1));
            want[c * bins + b]++;
          }
      EXPECT_EQ(want, got) << bins;
    }
  Img src(4, 4, 1, OFL_IMAGE_U8);
  uint32_t c[1];
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_histogram_rows(&src.v, 0, 0, 4, c, nullptr, nullptr));
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_histogram_rows(&src.v, 1, 0, 5, c, nullptr, nullptr));
}

// The 8-bit kernels again with every SIMD path the CPU has, each alone.
TEST(ImageFilter, EverySimdPathAgrees) {
  const unsigned real = ofl_image_simd(-1);
  std::vector<int> masks = {0};
  if (real & OFL_IMAGE_SIMD_AVX2) masks.push_back((int)OFL_IMAGE_SIMD_AVX2);
  const std::vector<float> k = {1, -2, 3, 0, 4, 0, -1, 2, 1, 1, 0, 2, -3, 1, 0};
  for (int m : masks) {
    ofl_image_simd(m);
    for (auto sz : Sizes())
      for (uint32_t ch : {1u, 3u, 4u}) {
        Img src(sz.w, sz.h, ch, OFL_IMAGE_U8, 5);
        src.Fill(sz.w + ch);
        ofl_image_op_t op{};
        op.kind = OFL_IMAGE_OP_CONVOLVE, op.kernel = k.data(), op.kw = 5,
        op.kh = 3;
        op.scale = 4, op.offset = 10;
        RunAndExpect(
            op, src,
            [&](uint32_t x, uint32_t y, uint32_t c) {
              return RefConvolve(src, k, 5, 3, 4, 10, OFL_IMAGE_EDGE_CLAMP, x,
                                 y, c);
            },
            0, 0);
        const auto g = RefGauss(3);
        std::vector<float> k2;
        double sum = 0;
        for (float a : g)
          for (float b : g) k2.push_back(a * b), sum += a * b;
        op = {};
        op.kind = OFL_IMAGE_OP_BLUR, op.value = 3;
        RunAndExpect(
            op, src,
            [&](uint32_t x, uint32_t y, uint32_t c) {
              return RefConvolve(src, k2, (int)g.size(), (int)g.size(), sum, 0,
                                 OFL_IMAGE_EDGE_CLAMP, x, y, c);
            },
            1);
      }
  }
  EXPECT_EQ(real, ofl_image_simd((int)real));
}

// The 8-bit blur on rows wider than the kernels' blocks (256 samples
// portable, 16 AVX2) at every channel count matches the 2-D reference.
TEST(ImageFilter, BlurWideRows) {
  for (double sigma : {3.0, 10.0})
    for (auto dims : std::vector<std::array<uint32_t, 3>>{
             {2500, 4, 4}, {4500, 3, 1}, {1400, 2, 3}, {1025, 3, 4}}) {
      Img src(dims[0], dims[1], dims[2], OFL_IMAGE_U8, 1);
      src.Fill(dims[0] + dims[2]);
      Img out(dims[0], dims[1], dims[2], OFL_IMAGE_U8);
      ofl_image_op_t op{};
      op.kind = OFL_IMAGE_OP_BLUR, op.value = sigma;
      ASSERT_EQ(0, ofl_image_op(&op, &src.v, nullptr, &out.v));
      const auto g = RefGauss(sigma);
      std::vector<float> k2;
      double sum = 0;
      for (float a : g)
        for (float b : g) k2.push_back(a * b), sum += a * b;
      for (uint32_t y = 0; y < dims[1]; y++)
        for (uint32_t x = 0; x < dims[0]; x++)
          for (uint32_t c = 0; c < dims[2]; c++)
            ASSERT_NEAR(RefConvolve(src, k2, (int)g.size(), (int)g.size(), sum,
                                    0, OFL_IMAGE_EDGE_CLAMP, x, y, c),
                        out.At(x, y, c), 1.0)
                << sigma << " " << dims[0] << " " << x << "," << y;
    }
}

// resize's vertical pass runs on the same kernel and its horizontal pass
// has an SSE4.1 path: every path alone and together gives the portable
// bytes (image_resize_test holds the default path to its reference).
TEST(ImageFilter, ResizeEverySimdPathIdentical) {
  const unsigned real = ofl_image_simd(-1);
  std::vector<unsigned> masks;
  for (unsigned m : {OFL_IMAGE_SIMD_AVX2, OFL_IMAGE_SIMD_SSE41,
                     OFL_IMAGE_SIMD_AVX2 | OFL_IMAGE_SIMD_SSE41})
    if ((real & m) == m) masks.push_back(m);
  for (uint32_t ch : {1u, 2u, 3u, 4u})
    for (auto dims : std::vector<std::array<uint32_t, 4>>{{97, 61, 40, 23},
                                                          {64, 64, 129, 7},
                                                          {1, 300, 1, 17},
                                                          {333, 5, 50, 9},
                                                          {5, 3, 4096, 2},
                                                          {4097, 2, 3, 2}}) {
      Img src(dims[0], dims[1], ch, OFL_IMAGE_U8, 3);
      src.Fill(dims[0] + ch);
      Img a(dims[2], dims[3], ch, OFL_IMAGE_U8),
          b(dims[2], dims[3], ch, OFL_IMAGE_U8);
      for (int k = OFL_IMAGE_LINEAR; k < OFL_IMAGE_KERNEL_COUNT; k++) {
        ofl_image_resize_opts_t o{};
        o.kernel = (ofl_image_kernel_t)k;
        ofl_image_simd(0);
        ASSERT_EQ(0, ofl_image_resize(&src.v, &a.v, &o));
        for (unsigned m : masks) {
          ofl_image_simd((int)m);
          ASSERT_EQ(0, ofl_image_resize(&src.v, &b.v, &o));
          ASSERT_EQ(0, std::memcmp(a.v.data, b.v.data, a.v.len))
              << k << " " << ch << " mask " << m;
        }
      }
    }
  ofl_image_simd((int)real);
  EXPECT_EQ(real, ofl_image_simd(-1));
}

}  // namespace
