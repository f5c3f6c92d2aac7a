// Shared by the image op tests: random views with padded strides in every
// format, a sample reader, and a comparison against a reference function
// written from the op's definition (in double, sharing no code).
#ifndef OFL_IMAGE_TEST_UTIL_H
#define OFL_IMAGE_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "ofl_errors.h"
#include "ofl_image.h"

namespace imgtest {

inline size_t SampleSize(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 4 : f == OFL_IMAGE_U16 ? 2 : 1;
}
inline double Max(ofl_image_format_t f) {
  return f == OFL_IMAGE_F32 ? 1.0 : f == OFL_IMAGE_U16 ? 65535.0 : 255.0;
}

// An owned view; `pad` extra samples per row make the stride odd.
struct Img {
  std::vector<uint64_t> store;  // 8-byte aligned for every format
  ofl_image_t v{};
  Img(uint32_t w, uint32_t h, uint32_t ch, ofl_image_format_t f,
      uint32_t pad = 0) {
    v.width = w;
    v.height = h;
    v.channels = ch;
    v.format = f;
    v.stride = (size_t)w * ch + pad;
    v.len = v.stride * (h - 1) + (size_t)w * ch;
    store.assign((v.len * SampleSize(f) + 7) / 8 + 1, 0);
    v.data = store.data();
  }
  Img(const Img &) = delete;
  double At(int64_t x, int64_t y, uint32_t c) const {
    const size_t i = (size_t)y * v.stride + (size_t)x * v.channels + c;
    switch (v.format) {
      case OFL_IMAGE_U8:
        return ((const uint8_t *)v.data)[i];
      case OFL_IMAGE_U16:
        return ((const uint16_t *)v.data)[i];
      default:
        return ((const float *)v.data)[i];
    }
  }
  void Set(uint32_t x, uint32_t y, uint32_t c, double val) {
    const size_t i = (size_t)y * v.stride + (size_t)x * v.channels + c;
    switch (v.format) {
      case OFL_IMAGE_U8:
        ((uint8_t *)v.data)[i] = (uint8_t)val;
        break;
      case OFL_IMAGE_U16:
        ((uint16_t *)v.data)[i] = (uint16_t)val;
        break;
      default:
        ((float *)v.data)[i] = (float)val;
        break;
    }
  }
  // Random samples; `smooth` makes gradients with a little noise (filters
  // see something natural), otherwise uniform noise.
  void Fill(uint32_t seed, bool smooth = false) {
    std::mt19937 rng(seed);
    const double mx = Max(v.format);
    for (uint32_t y = 0; y < v.height; y++)
      for (uint32_t x = 0; x < v.width; x++)
        for (uint32_t c = 0; c < v.channels; c++) {
          double u = std::uniform_real_distribution<double>(0, 1)(rng);
          if (smooth)
            u = 0.5 + 0.4 * std::sin(0.07 * x + 0.11 * y + c) + 0.1 * (u - 0.5);
          double s = u * mx;
          if (v.format != OFL_IMAGE_F32) s = std::floor(s);
          Set(x, y, c, s);
        }
  }
};

// Rounds a reference value as the integer formats store it.
inline double Quantise(double r, ofl_image_format_t f) {
  if (f == OFL_IMAGE_F32) return r;
  const double mx = Max(f);
  r = std::floor(r + 0.5);
  return r < 0 ? 0 : r > mx ? mx : r;
}

// Every sample of out against ref(x, y, c): integer formats within `lsb`
// after quantising the reference, f32 within rel (relative to max(1, |r|)).
inline void Expect(
    const Img &out,
    const std::function<double(uint32_t, uint32_t, uint32_t)> &ref, double lsb,
    double rel = 1e-5) {
  int bad = 0;
  for (uint32_t y = 0; y < out.v.height && bad < 5; y++)
    for (uint32_t x = 0; x < out.v.width && bad < 5; x++)
      for (uint32_t c = 0; c < out.v.channels && bad < 5; c++) {
        const double r = ref(x, y, c), got = out.At(x, y, c);
        const bool ok =
            out.v.format == OFL_IMAGE_F32
                ? std::fabs(got - r) <= rel * std::max(1.0, std::fabs(r))
                : std::fabs(got - Quantise(r, out.v.format)) <= lsb;
        if (!ok) {
          ADD_FAILURE() << "at (" << x << "," << y << "," << c << ") got "
                        << got << " want " << r << " [" << out.v.width << "x"
                        << out.v.height << "x" << out.v.channels << " fmt "
                        << out.v.format << "]";
          bad++;
        }
      }
}

inline int64_t Clamp(int64_t i, int64_t n) {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

// Runs op over dst in `bands` bands (exercises the band contract).
inline int RunBands(const ofl_image_op_t &op, const Img &src, const Img *other,
                    Img &dst, uint32_t bands) {
  ofl_image_op_plan_t *p = nullptr;
  int err = ofl_image_op_plan_create(&op, &src.v, other ? &other->v : nullptr,
                                     &dst.v, &p);
  if (err != 0) return err;
  const uint32_t h = dst.v.height;
  for (uint32_t i = 0; i < bands && err == 0; i++)
    err = ofl_image_op_plan_run(p, (uint32_t)((uint64_t)h * i / bands),
                                (uint32_t)((uint64_t)h * (i + 1) / bands),
                                nullptr, nullptr);
  ofl_image_op_plan_free(p);
  return err;
}

// The destination an op implies, with a padded stride.
inline ofl_image_t Shape(const ofl_image_op_t &op, const Img &src,
                         const Img *other = nullptr) {
  ofl_image_t s;
  EXPECT_EQ(
      0, ofl_image_op_dst_shape(&op, &src.v, other ? &other->v : nullptr, &s));
  return s;
}

struct Size {
  uint32_t w, h;
};
// Awkward sizes: 1x1, 1xN, Nx1, primes, around powers of two.
inline std::vector<Size> Sizes() {
  return {{1, 1}, {1, 13},  {17, 1}, {7, 5},
          {8, 8}, {63, 31}, {64, 3}, {97, 11}};
}
const ofl_image_format_t kFormats[] = {OFL_IMAGE_U8, OFL_IMAGE_U16,
                                       OFL_IMAGE_F32};

}  // namespace imgtest

#endif
