// Resize vs a plain double-precision reference (STYLE.md lesson 10): every
// kernel, awkward sizes (1, 7, 8, 63, 64, primes, 4095/4096), extreme
// scales, odd strides, 1-4 channels, u8 (<= 1 LSB) and f32 (<= 1e-5
// relative); flat stays flat; bands are byte-identical; limits reject.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "ofl_errors.h"
#include "ofl_image.h"

namespace {

const double kPi = 3.14159265358979323846;

// ---- the reference: written from the definitions, shares no code -------

double Sinc(double x) { return x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x); }

double RefKernel(int k, double x) {
  const double a = std::fabs(x);
  auto cubic = [a](double B, double C) {
    if (a < 1)
      return ((12 - 9 * B - 6 * C) * a * a * a + (-18 + 12 * B + 6 * C) * a * a +
              (6 - 2 * B)) / 6;
    if (a < 2)
      return ((-B - 6 * C) * a * a * a + (6 * B + 30 * C) * a * a +
              (-12 * B - 48 * C) * a + (8 * B + 24 * C)) / 6;
    return 0.0;
  };
  switch (k) {
    case OFL_IMAGE_LINEAR: return std::max(0.0, 1 - a);
    case OFL_IMAGE_CUBIC: return cubic(0, 0.5);
    case OFL_IMAGE_MITCHELL: return cubic(1.0 / 3, 1.0 / 3);
    case OFL_IMAGE_LANCZOS2: return a < 2 ? Sinc(a) * Sinc(a / 2) : 0;
    case OFL_IMAGE_LANCZOS3: return a < 3 ? Sinc(a) * Sinc(a / 3) : 0;
  }
  return 0;
}

double RefSupport(int k) {
  return k == OFL_IMAGE_LINEAR ? 1 : k == OFL_IMAGE_LANCZOS3 ? 3 : 2;
}

struct Tap {
  uint32_t idx;
  double w;
};

// Taps of output pixel i (offset off in a virtual output of vout pixels).
std::vector<Tap> RefTaps(int k, uint32_t in, uint32_t vout, uint32_t off,
                         uint32_t i) {
  std::vector<Tap> t;
  const double scale = double(in) / vout;
  if (k == OFL_IMAGE_NEAREST) {
    // Sample at the output pixel's centre: floor((i + 0.5) * in / vout).
    uint64_t j = ((2 * uint64_t(i + off) + 1) * in) / (2 * uint64_t(vout));
    t.push_back({uint32_t(std::min<uint64_t>(j, in - 1)), 1.0});
    return t;
  }
  const double fs = std::max(1.0, scale), sup = RefSupport(k) * fs;
  const double c = (i + off + 0.5) * scale;
  double sum = 0;
  for (int64_t j = int64_t(std::floor(c - sup)) - 1;
       j <= int64_t(std::ceil(c + sup)) + 1; j++) {
    double w = RefKernel(k, (j + 0.5 - c) / fs);
    if (w == 0) continue;
    int64_t cj = std::clamp<int64_t>(j, 0, int64_t(in) - 1);  // clamp to edge
    t.push_back({uint32_t(cj), w});
    sum += w;
  }
  for (auto &x : t) x.w /= sum;
  return t;
}

struct Geo {
  uint32_t w, h, ch;
  size_t stride;  // samples
};

// Exact (double) resize; returns out_w*out_h*ch doubles.
template <typename T>
std::vector<double> RefResize(const T *src, const Geo &g, uint32_t ow,
                              uint32_t oh, int k, uint32_t vw = 0,
                              uint32_t vh = 0, uint32_t ox = 0,
                              uint32_t oy = 0) {
  if (vw == 0) vw = ow;
  if (vh == 0) vh = oh;
  // Horizontal first over every input row, then vertical: separable, so the
  // order does not matter in exact arithmetic (the library goes V then H).
  std::vector<double> mid(size_t(g.h) * ow * g.ch);
  for (uint32_t x = 0; x < ow; x++) {
    auto taps = RefTaps(k, g.w, vw, ox, x);
    for (uint32_t y = 0; y < g.h; y++)
      for (uint32_t c = 0; c < g.ch; c++) {
        double s = 0;
        for (auto &t : taps) s += t.w * double(src[y * g.stride + t.idx * g.ch + c]);
        mid[(size_t(y) * ow + x) * g.ch + c] = s;
      }
  }
  std::vector<double> out(size_t(oh) * ow * g.ch);
  for (uint32_t y = 0; y < oh; y++) {
    auto taps = RefTaps(k, g.h, vh, oy, y);
    for (size_t i = 0; i < size_t(ow) * g.ch; i++) {
      double s = 0;
      for (auto &t : taps) s += t.w * mid[size_t(t.idx) * ow * g.ch + i];
      out[size_t(y) * ow * g.ch + i] = s;
    }
  }
  return out;
}

uint8_t RoundU8(double v) {
  return uint8_t(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
}

ofl_image_t View(void *data, size_t len, const Geo &g, ofl_image_format_t f) {
  ofl_image_t im{};
  im.data = data;
  im.len = len;
  im.stride = g.stride;
  im.width = g.w;
  im.height = g.h;
  im.channels = g.ch;
  im.format = f;
  return im;
}

size_t Need(const Geo &g) { return (g.h - 1) * g.stride + size_t(g.w) * g.ch; }

const int kKernels[] = {OFL_IMAGE_NEAREST,  OFL_IMAGE_LINEAR,
                        OFL_IMAGE_CUBIC,    OFL_IMAGE_MITCHELL,
                        OFL_IMAGE_LANCZOS2, OFL_IMAGE_LANCZOS3};

struct Case {
  uint32_t iw, ih, ow, oh;
};

// Awkward sizes: 1, 7, 8, 63, 64, primes, 4095/4096 widths with small
// heights, and extreme up/down scales on both axes.
const Case kCases[] = {
    {1, 1, 1, 1},      {1, 1, 7, 5},       {1, 9, 1, 3},     {9, 1, 4, 1},
    {1, 13, 8, 64},    {13, 1, 64, 7},     {7, 7, 8, 8},     {8, 8, 7, 7},
    {63, 64, 64, 63},  {64, 63, 7, 1},     {13, 17, 97, 89}, {97, 89, 13, 17},
    {31, 37, 31, 37},  {101, 3, 50, 2},    {4095, 3, 64, 2}, {4096, 2, 4095, 3},
    {4095, 2, 1, 1},   {2, 4096, 1, 3},    {3, 1, 4096, 2},  {1, 7, 4096, 1},
    {5, 4095, 3, 2},   {2, 2, 255, 257},   {61, 1, 7, 1},    {1, 61, 1, 7},
};

std::vector<uint8_t> Noise(size_t n, std::mt19937 &rng) {
  std::vector<uint8_t> v(n);
  for (auto &b : v) b = uint8_t(rng());
  return v;
}

// Resizes with the library into a packed output; asserts success.
template <typename T>
std::vector<T> Resized(const std::vector<T> &src, const Geo &g, uint32_t ow,
                       uint32_t oh, int k) {
  const ofl_image_format_t f =
      sizeof(T) == 1 ? OFL_IMAGE_U8 : OFL_IMAGE_F32;
  Geo og{ow, oh, g.ch, size_t(ow) * g.ch};
  std::vector<T> dst(Need(og));
  ofl_image_t s = View(const_cast<T *>(src.data()), src.size(), g, f);
  ofl_image_t d = View(dst.data(), dst.size(), og, f);
  ofl_image_resize_opts_t o{};
  o.kernel = ofl_image_kernel_t(k);
  EXPECT_EQ(ofl_image_resize(&s, &d, &o), 0);
  return dst;
}

// ---- tests ---------------------------------------------------------------

TEST(image_resize, u8_within_one_lsb_of_reference) {
  std::mt19937 rng(1234);
  size_t compared = 0;
  for (const Case &cs : kCases)
    for (uint32_t ch = 1; ch <= 4; ch++)
      for (int odd = 0; odd < 2; odd++) {
        Geo g{cs.iw, cs.ih, ch, size_t(cs.iw) * ch + (odd ? 3 : 0)};
        auto src = Noise(Need(g), rng);
        for (int k : kKernels) {
          auto dst = Resized(src, g, cs.ow, cs.oh, k);
          auto ref = RefResize(src.data(), g, cs.ow, cs.oh, k);
          for (size_t i = 0; i < ref.size(); i++) {
            int diff = int(dst[i]) - int(RoundU8(ref[i]));
            ASSERT_LE(std::abs(diff), 1)
                << ofl_image_kernel_name(ofl_image_kernel_t(k)) << " "
                << cs.iw << "x" << cs.ih << "->" << cs.ow << "x" << cs.oh
                << " ch " << ch << " stride " << g.stride << " at " << i
                << " ref " << ref[i];
            if (k == OFL_IMAGE_NEAREST) {
              ASSERT_EQ(diff, 0);
            }
            compared++;
          }
        }
      }
  EXPECT_GT(compared, 1000000u);
}

TEST(image_resize, f32_within_1e5_relative_of_reference) {
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> u(-0.25f, 1.25f);
  for (const Case &cs : kCases)
    for (uint32_t ch : {1u, 3u, 4u}) {
      Geo g{cs.iw, cs.ih, ch, size_t(cs.iw) * ch + 1};
      std::vector<float> src(Need(g));
      for (auto &v : src) v = u(rng);
      for (int k : kKernels) {
        auto dst = Resized(src, g, cs.ow, cs.oh, k);
        auto ref = RefResize(src.data(), g, cs.ow, cs.oh, k);
        for (size_t i = 0; i < ref.size(); i++) {
          ASSERT_LE(std::fabs(dst[i] - ref[i]), 1e-5 * std::max(1.0, std::fabs(ref[i])))
              << "kernel " << k << " " << cs.iw << "x" << cs.ih << "->"
              << cs.ow << "x" << cs.oh << " ch " << ch << " at " << i;
        }
      }
    }
}

TEST(image_resize, extreme_scales_65535_to_1_and_back) {
  std::mt19937 rng(7);
  for (int k : kKernels) {
    Geo g{65535, 1, 1, 65535};
    auto src = Noise(65535, rng);
    uint8_t one = 0;
    Geo og{1, 1, 1, 1};
    ofl_image_t s = View(src.data(), src.size(), g, OFL_IMAGE_U8);
    ofl_image_t d = View(&one, 1, og, OFL_IMAGE_U8);
    ofl_image_resize_opts_t o{};
    o.kernel = ofl_image_kernel_t(k);
    ASSERT_EQ(ofl_image_resize(&s, &d, &o), 0);
    auto ref = RefResize(src.data(), g, 1, 1, k);
    EXPECT_LE(std::abs(int(one) - int(RoundU8(ref[0]))), 1) << k;

    // 1x1 -> 1x65535: a column of one value.
    uint8_t px = 77;
    std::vector<uint8_t> col(65535);
    ofl_image_t s1 = View(&px, 1, Geo{1, 1, 1, 1}, OFL_IMAGE_U8);
    ofl_image_t d1 = View(col.data(), col.size(), Geo{1, 65535, 1, 1},
                          OFL_IMAGE_U8);
    ASSERT_EQ(ofl_image_resize(&s1, &d1, &o), 0);
    for (uint8_t v : col) ASSERT_EQ(v, 77);
  }
}

TEST(image_resize, flat_image_stays_exactly_flat) {
  const Case sizes[] = {{64, 63, 7, 5},    {7, 5, 64, 63},   {4096, 2, 3, 1},
                        {3, 1, 4096, 2},   {97, 89, 13, 17}, {1, 1, 33, 2},
                        {640, 480, 1, 1},  {100, 100, 99, 101}};
  for (const Case &cs : sizes)
    for (uint32_t ch = 1; ch <= 4; ch++)
      for (int k : kKernels)
        for (uint8_t v : {0, 1, 127, 128, 254, 255}) {
          Geo g{cs.iw, cs.ih, ch, size_t(cs.iw) * ch};
          std::vector<uint8_t> src(Need(g), v);
          auto dst = Resized(src, g, cs.ow, cs.oh, k);
          for (uint8_t b : dst) ASSERT_EQ(b, v) << "kernel " << k;
        }
}

TEST(image_resize, identity_is_exact_for_interpolating_kernels) {
  std::mt19937 rng(11);
  for (uint32_t ch = 1; ch <= 4; ch++) {
    Geo g{37, 23, ch, size_t(37) * ch + 5};
    auto src = Noise(Need(g), rng);
    // Mitchell (B = 1/3) is not interpolating: it blurs even at scale 1.
    for (int k : {OFL_IMAGE_NEAREST, OFL_IMAGE_LINEAR, OFL_IMAGE_CUBIC,
                  OFL_IMAGE_LANCZOS2, OFL_IMAGE_LANCZOS3}) {
      Geo og{37, 23, ch, size_t(37) * ch};
      auto dst = Resized(src, g, og.w, og.h, k);
      for (uint32_t y = 0; y < 23; y++)
        ASSERT_EQ(0, std::memcmp(&dst[y * og.stride], &src[y * g.stride], og.stride))
            << "kernel " << k << " row " << y;
    }
  }
}

TEST(image_resize, linear_known_values) {
  // 2 -> 4 pixels: centres at 0.25, 0.75, 1.25, 1.75 input pixels; the
  // edges clamp. 0.75*255 = 191.25, 0.25*255 = 63.75.
  uint8_t src[2] = {0, 255}, dst[4];
  ofl_image_t s = View(src, 2, Geo{2, 1, 1, 2}, OFL_IMAGE_U8);
  ofl_image_t d = View(dst, 4, Geo{4, 1, 1, 4}, OFL_IMAGE_U8);
  ofl_image_resize_opts_t o{};
  o.kernel = OFL_IMAGE_LINEAR;
  ASSERT_EQ(ofl_image_resize(&s, &d, &o), 0);
  EXPECT_EQ(dst[0], 0);
  EXPECT_EQ(dst[1], 64);
  EXPECT_EQ(dst[2], 191);
  EXPECT_EQ(dst[3], 255);
}

TEST(image_resize, downscale_antialiases_a_checkerboard) {
  // A 1-pixel checkerboard averages to mid-grey when the kernel widens
  // with the scale; point sampling (nearest) would alias to 0 or 255.
  const uint32_t n = 256;
  std::vector<uint8_t> src(n * n);
  for (uint32_t y = 0; y < n; y++)
    for (uint32_t x = 0; x < n; x++) src[y * n + x] = ((x + y) & 1) ? 255 : 0;
  for (int k : {OFL_IMAGE_LINEAR, OFL_IMAGE_CUBIC, OFL_IMAGE_MITCHELL,
                OFL_IMAGE_LANCZOS2, OFL_IMAGE_LANCZOS3}) {
    std::vector<uint8_t> dst(32 * 32);
    ofl_image_t s = View(src.data(), src.size(), Geo{n, n, 1, n}, OFL_IMAGE_U8);
    ofl_image_t d = View(dst.data(), dst.size(), Geo{32, 32, 1, 32}, OFL_IMAGE_U8);
    ofl_image_resize_opts_t o{};
    o.kernel = ofl_image_kernel_t(k);
    ASSERT_EQ(ofl_image_resize(&s, &d, &o), 0);
    // Interior pixels (the borders see the clamped edge); the triangle
    // filter leaves the most residual, a few LSB.
    for (uint32_t y = 1; y < 31; y++)
      for (uint32_t x = 1; x < 31; x++)
        ASSERT_NEAR(dst[y * 32 + x], 127.5, 4.0) << "kernel " << k;
  }
}

TEST(image_resize, crop_window_matches_the_full_virtual_resize) {
  std::mt19937 rng(3);
  Geo g{50, 40, 3, 150};
  auto src = Noise(Need(g), rng);
  for (int k : kKernels) {
    const uint32_t vw = 71, vh = 29, ox = 13, oy = 4, ow = 40, oh = 20;
    std::vector<uint8_t> full(size_t(vw) * vh * 3), crop(size_t(ow) * oh * 3);
    ofl_image_t s = View(src.data(), src.size(), g, OFL_IMAGE_U8);
    ofl_image_t df = View(full.data(), full.size(), Geo{vw, vh, 3, vw * 3}, OFL_IMAGE_U8);
    ofl_image_t dc = View(crop.data(), crop.size(), Geo{ow, oh, 3, ow * 3}, OFL_IMAGE_U8);
    ofl_image_resize_opts_t o{};
    o.kernel = ofl_image_kernel_t(k);
    ASSERT_EQ(ofl_image_resize(&s, &df, &o), 0);
    o.virt_width = vw, o.virt_height = vh, o.offset_x = ox, o.offset_y = oy;
    ASSERT_EQ(ofl_image_resize(&s, &dc, &o), 0);
    for (uint32_t y = 0; y < oh; y++)
      ASSERT_EQ(0, std::memcmp(&crop[size_t(y) * ow * 3],
                               &full[(size_t(y + oy) * vw + ox) * 3], ow * 3));
    o.offset_x = vw - ow + 1;  // window past the virtual width
    EXPECT_EQ(ofl_image_resize(&s, &dc, &o), OFL_ERANGE);
  }
}

TEST(image_resize, bands_on_threads_are_byte_identical_to_one_band) {
  std::mt19937 rng(21);
  for (auto f : {OFL_IMAGE_U8, OFL_IMAGE_F32}) {
    const size_t ss = f == OFL_IMAGE_U8 ? 1 : 4;
    Geo g{333, 271, 4, 333 * 4 + 7};
    auto src = Noise(Need(g) * ss, rng);  // any bit pattern works as u8;
    if (f == OFL_IMAGE_F32)               // for f32 use finite values
      for (size_t i = 0; i < Need(g); i++) {
        float v = float(src[i * 4]) / 255.0f;
        std::memcpy(&src[i * 4], &v, 4);
      }
    for (int k : kKernels) {
      Geo og{150, 401, 4, 600};
      std::vector<uint8_t> one(Need(og) * ss), banded(Need(og) * ss, 0xEE);
      ofl_image_t s = View(src.data(), Need(g), g, f);
      ofl_image_t d1 = View(one.data(), Need(og), og, f);
      ofl_image_t d2 = View(banded.data(), Need(og), og, f);
      ofl_image_resize_opts_t o{};
      o.kernel = ofl_image_kernel_t(k);
      ofl_image_plan_t *p1, *p2;
      ASSERT_EQ(ofl_image_plan_create(&s, &d1, &o, &p1), 0);
      ASSERT_EQ(ofl_image_plan_run(p1, 0, og.h, nullptr, nullptr), 0);
      ASSERT_EQ(ofl_image_plan_create(&s, &d2, &o, &p2), 0);
      EXPECT_GT(ofl_image_plan_size(p2), 0u);
      std::vector<uint32_t> cuts = {0, og.h};
      for (int i = 0; i < 6; i++) cuts.push_back(rng() % og.h);
      std::sort(cuts.begin(), cuts.end());
      std::vector<std::thread> ts;
      for (size_t i = 0; i + 1 < cuts.size(); i++)
        ts.emplace_back([&, i] {
          EXPECT_EQ(ofl_image_plan_run(p2, cuts[i], cuts[i + 1], nullptr, nullptr), 0);
        });
      for (auto &t : ts) t.join();
      EXPECT_EQ(0, std::memcmp(one.data(), banded.data(), one.size())) << k;
      ofl_image_plan_free(p1);
      ofl_image_plan_free(p2);
    }
  }
}

int StopAfter(void *arg) {
  int *left = static_cast<int *>(arg);
  return (*left)-- > 0 ? 0 : OFL_ECANCELED;
}

TEST(image_resize, band_stops_between_rows_when_asked) {
  std::vector<uint8_t> src(64 * 64, 200), dst(32 * 32, 0);
  ofl_image_t s = View(src.data(), src.size(), Geo{64, 64, 1, 64}, OFL_IMAGE_U8);
  ofl_image_t d = View(dst.data(), dst.size(), Geo{32, 32, 1, 32}, OFL_IMAGE_U8);
  ofl_image_plan_t *p;
  ASSERT_EQ(ofl_image_plan_create(&s, &d, nullptr, &p), 0);
  int left = 3;
  EXPECT_EQ(ofl_image_plan_run(p, 0, 32, StopAfter, &left), OFL_ECANCELED);
  for (size_t i = 0; i < 3 * 32; i++) ASSERT_EQ(dst[i], 200);
  for (size_t i = 3 * 32; i < dst.size(); i++) ASSERT_EQ(dst[i], 0);
  EXPECT_EQ(ofl_image_plan_run(p, 5, 4, nullptr, nullptr), OFL_EINVAL);
  EXPECT_EQ(ofl_image_plan_run(p, 0, 33, nullptr, nullptr), OFL_EINVAL);
  EXPECT_EQ(ofl_image_plan_run(p, 7, 7, nullptr, nullptr), 0);
  ofl_image_plan_free(p);
  ofl_image_plan_free(nullptr);
}

TEST(image_resize, rejects_bad_geometry_overflow_and_the_pixel_cap) {
  uint8_t buf[64] = {0}, out[64];
  size_t n = 0;
  EXPECT_EQ(ofl_image_min_len(3, 2, 4, 0, &n), 0);
  EXPECT_EQ(n, 24u);
  EXPECT_EQ(ofl_image_min_len(3, 2, 4, 13, &n), 0);
  EXPECT_EQ(n, 25u);
  EXPECT_EQ(ofl_image_min_len(3, 2, 4, 11, &n), OFL_EINVAL);  // stride < row
  EXPECT_EQ(ofl_image_min_len(3, 2, 0, 0, &n), OFL_EINVAL);
  EXPECT_EQ(ofl_image_min_len(3, 2, 5, 0, &n), OFL_EINVAL);
  EXPECT_EQ(ofl_image_min_len(0, 2, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(2, 0, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(65536, 1, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(1, 65536, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(16383, 16383, 4, 0, &n), 0);  // exactly the cap
  EXPECT_EQ(ofl_image_min_len(16384, 16383, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(65535, 4096, 1, 0, &n), OFL_ERANGE);
  EXPECT_EQ(ofl_image_min_len(4, 3, 1, SIZE_MAX / 2, &n), OFL_ERANGE);  // stride*h
  EXPECT_EQ(ofl_image_min_len(4, 2, 1, SIZE_MAX - 2, &n), OFL_ERANGE);  // + row

  ofl_image_t s = View(buf, 64, Geo{8, 8, 1, 8}, OFL_IMAGE_U8);
  ofl_image_t d = View(out, 64, Geo{4, 4, 1, 4}, OFL_IMAGE_U8);
  EXPECT_EQ(ofl_image_resize(&s, &d, nullptr), 0);
  ofl_image_t t = s;
  t.len = 63;  // one sample short
  EXPECT_EQ(ofl_image_resize(&t, &d, nullptr), OFL_ERANGE);
  t = d;
  t.len = 15;
  EXPECT_EQ(ofl_image_resize(&s, &t, nullptr), OFL_ERANGE);
  t = s;
  t.data = nullptr;
  EXPECT_EQ(ofl_image_resize(&t, &d, nullptr), OFL_EINVAL);
  t = d;
  t.channels = 2;
  EXPECT_EQ(ofl_image_resize(&s, &t, nullptr), OFL_EINVAL);
  t = d;
  t.format = OFL_IMAGE_F32;
  EXPECT_EQ(ofl_image_resize(&s, &t, nullptr), OFL_EINVAL);
  t = s;
  t.format = OFL_IMAGE_FORMAT_COUNT;
  ofl_image_t t2 = d;
  t2.format = OFL_IMAGE_FORMAT_COUNT;
  EXPECT_EQ(ofl_image_resize(&t, &t2, nullptr), OFL_EINVAL);
  ofl_image_resize_opts_t o{};
  o.kernel = OFL_IMAGE_KERNEL_COUNT;
  EXPECT_EQ(ofl_image_resize(&s, &d, &o), OFL_EINVAL);
  o.kernel = OFL_IMAGE_LANCZOS3;
  o.virt_width = 65536;
  EXPECT_EQ(ofl_image_resize(&s, &d, &o), OFL_ERANGE);
  // Over the pixel cap is rejected before anything is read or allocated:
  // the view claims 20000 x 20000 pixels over a 64-byte buffer.
  t = s;
  t.width = t.height = 20000;
  t.stride = 0;
  t.len = SIZE_MAX;
  EXPECT_EQ(ofl_image_resize(&t, &d, nullptr), OFL_ERANGE);
  t2 = d;
  t2.width = t2.height = 16384;
  t2.stride = 0;
  t2.len = SIZE_MAX;
  EXPECT_EQ(ofl_image_resize(&s, &t2, nullptr), OFL_ERANGE);
  // In-place (overlapping) resize is refused: bands read while others write.
  ofl_image_t same = View(buf, 16, Geo{4, 4, 1, 4}, OFL_IMAGE_U8);
  EXPECT_EQ(ofl_image_resize(&s, &same, nullptr), OFL_EINVAL);
  ofl_image_plan_t *p = reinterpret_cast<ofl_image_plan_t *>(1);
  EXPECT_EQ(ofl_image_plan_create(&t, &d, nullptr, &p), OFL_ERANGE);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(ofl_image_plan_create(nullptr, &d, nullptr, &p), OFL_EINVAL);
}

TEST(image_resize, kernel_names_round_trip) {
  for (int k : kKernels) {
    const char *name = ofl_image_kernel_name(ofl_image_kernel_t(k));
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(ofl_image_kernel_from_name(name), k);
  }
  EXPECT_EQ(ofl_image_kernel_from_name("Lanczos3"), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_image_kernel_from_name(nullptr), OFL_EUNSUPPORTED);
  EXPECT_EQ(ofl_image_kernel_name(OFL_IMAGE_KERNEL_COUNT), nullptr);
}

}  // namespace
