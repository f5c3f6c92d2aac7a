// Geometry ops (flip, flop, rotations, transpose, extract, extend) are
// exact copies: every size, format, channel count, odd strides and band
// splits against index arithmetic written from the definitions.
#include "image_test_util.h"

using namespace imgtest;

namespace {

// Source coordinate of destination (x, y), or false for background.
bool RefMap(const ofl_image_op_t &op, const ofl_image_t &s, int64_t x,
            int64_t y, int64_t *sx, int64_t *sy) {
  const int64_t W = s.width, H = s.height;
  switch (op.kind) {
    case OFL_IMAGE_OP_FLIP:
      *sx = x;
      *sy = H - 1 - y;
      return true;
    case OFL_IMAGE_OP_FLOP:
      *sx = W - 1 - x;
      *sy = y;
      return true;
    case OFL_IMAGE_OP_ROTATE90:
      *sx = y;
      *sy = H - 1 - x;
      return true;
    case OFL_IMAGE_OP_ROTATE180:
      *sx = W - 1 - x;
      *sy = H - 1 - y;
      return true;
    case OFL_IMAGE_OP_ROTATE270:
      *sx = W - 1 - y;
      *sy = x;
      return true;
    case OFL_IMAGE_OP_TRANSPOSE:
      *sx = y;
      *sy = x;
      return true;
    case OFL_IMAGE_OP_EXTRACT:
      *sx = x + op.left;
      *sy = y + op.top;
      return true;
    default:
      break;  // extend
  }
  auto map = [&](int64_t i, int64_t n, int64_t *o) {
    if (i >= 0 && i < n) return *o = i, true;
    switch (op.edge) {
      case OFL_IMAGE_EDGE_CLAMP:
        *o = Clamp(i, n);
        return true;
      case OFL_IMAGE_EDGE_WRAP:
        *o = ((i % n) + n) % n;
        return true;
      case OFL_IMAGE_EDGE_MIRROR: {
        // Unfold: ... c b a | a b c | c b a ...
        int64_t m = ((i % (2 * n)) + 2 * n) % (2 * n);
        *o = m < n ? m : 2 * n - 1 - m;
        return true;
      }
      default:
        return false;
    }
  };
  return map(x - op.left, W, sx) && map(y - op.top, H, sy);
}

void Check(const ofl_image_op_t &op, uint32_t w, uint32_t h, uint32_t ch,
           ofl_image_format_t f, uint32_t bands) {
  Img src(w, h, ch, f, 3);
  src.Fill(w * 131 + h * 7 + ch);
  const ofl_image_t s = Shape(op, src);
  Img dst(s.width, s.height, s.channels, s.format, 5);
  ASSERT_EQ(0, RunBands(op, src, nullptr, dst, bands));
  for (uint32_t y = 0; y < dst.v.height; y++)
    for (uint32_t x = 0; x < dst.v.width; x++)
      for (uint32_t c = 0; c < ch; c++) {
        int64_t sx, sy;
        const double want = RefMap(op, src.v, x, y, &sx, &sy)
                                ? src.At(sx, sy, c)
                                : Quantise(op.color[c], f);
        ASSERT_EQ(want, dst.At(x, y, c))
            << ofl_image_op_name(op.kind) << " " << w << "x" << h << "x" << ch
            << " at " << x << "," << y << "," << c;
      }
}

TEST(ImageGeometry, FlipsRotationsTranspose) {
  for (int k = OFL_IMAGE_OP_FLIP; k <= OFL_IMAGE_OP_TRANSPOSE; k++)
    for (auto sz : Sizes())
      for (uint32_t ch = 1; ch <= 4; ch++)
        for (auto f : kFormats) {
          ofl_image_op_t op{};
          op.kind = (ofl_image_op_kind_t)k;
          Check(op, sz.w, sz.h, ch, f, 3);
        }
}

TEST(ImageGeometry, LargeRotationAcrossTiles) {
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_ROTATE90;
  Check(op, 4097, 3, 4, OFL_IMAGE_U8, 2);
  op.kind = OFL_IMAGE_OP_TRANSPOSE;
  Check(op, 3, 4096, 1, OFL_IMAGE_U8, 7);
  op.kind = OFL_IMAGE_OP_ROTATE270;
  Check(op, 131, 67, 3, OFL_IMAGE_F32, 5);
}

TEST(ImageGeometry, Extract) {
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_EXTRACT;
  op.left = 3, op.top = 2, op.width = 5, op.height = 4;
  for (uint32_t ch = 1; ch <= 4; ch++)
    for (auto f : kFormats) Check(op, 11, 7, ch, f, 2);
  op.left = 0, op.top = 0, op.width = 1, op.height = 1;
  Check(op, 1, 1, 3, OFL_IMAGE_U8, 1);
  // A window past the edge is a range error.
  Img src(4, 4, 1, OFL_IMAGE_U8);
  ofl_image_t s;
  op.left = 1, op.width = 4;
  EXPECT_EQ(OFL_ERANGE, ofl_image_op_dst_shape(&op, &src.v, nullptr, &s));
}

TEST(ImageGeometry, ExtendEveryEdgeMode) {
  for (int e = 0; e < OFL_IMAGE_EDGE_COUNT; e++)
    for (uint32_t ch = 1; ch <= 4; ch++)
      for (auto f : kFormats) {
        ofl_image_op_t op{};
        op.kind = OFL_IMAGE_OP_EXTEND;
        op.edge = (ofl_image_edge_t)e;
        op.left = 9, op.top = 4, op.width = 5 + 9 + 11, op.height = 3 + 4 + 8;
        for (int c = 0; c < 4; c++)
          op.color[c] = f == OFL_IMAGE_F32 ? 0.25 * c : 7 + c;
        Check(op, 5, 3, ch, f, 3);
        op.left = 0, op.top = 0, op.width = 1, op.height = 4;
        Check(op, 1, 1, ch, f, 2);
      }
}

TEST(ImageGeometry, RejectsOverlapAndWrongShape) {
  Img src(8, 8, 3, OFL_IMAGE_U8);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_FLOP;
  ofl_image_op_plan_t *p = nullptr;
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_op_plan_create(&op, &src.v, nullptr, &src.v, &p));
  EXPECT_EQ(nullptr, p);
  Img wrong(8, 7, 3, OFL_IMAGE_U8);
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_op_plan_create(&op, &src.v, nullptr, &wrong.v, &p));
  Img fmt(8, 8, 3, OFL_IMAGE_U16);
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_op_plan_create(&op, &src.v, nullptr, &fmt.v, &p));
  // A view shorter than its geometry.
  Img dst(8, 8, 3, OFL_IMAGE_U8);
  ofl_image_t shortv = src.v;
  shortv.len -= 1;
  EXPECT_EQ(OFL_ERANGE,
            ofl_image_op_plan_create(&op, &shortv, nullptr, &dst.v, &p));
  // Absurd sizes never allocate.
  ofl_image_t huge = src.v;
  huge.width = 70000;
  EXPECT_EQ(OFL_ERANGE,
            ofl_image_op_plan_create(&op, &huge, nullptr, &dst.v, &p));
  op.kind = OFL_IMAGE_OP_COUNT;
  EXPECT_EQ(OFL_EINVAL,
            ofl_image_op_plan_create(&op, &src.v, nullptr, &dst.v, &p));
}

TEST(ImageGeometry, StopCallbackStopsTheBand) {
  Img src(16, 64, 1, OFL_IMAGE_U8), dst(16, 64, 1, OFL_IMAGE_U8);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_FLIP;
  ofl_image_op_plan_t *p = nullptr;
  ASSERT_EQ(0, ofl_image_op_plan_create(&op, &src.v, nullptr, &dst.v, &p));
  EXPECT_EQ(OFL_ECANCELED,
            ofl_image_op_plan_run(
                p, 0, 64, [](void *) { return (int)OFL_ECANCELED; }, nullptr));
  EXPECT_EQ(OFL_EINVAL, ofl_image_op_plan_run(p, 3, 65, nullptr, nullptr));
  ofl_image_op_plan_free(p);
  ofl_image_op_plan_free(nullptr);
}

TEST(ImageGeometry, Names) {
  for (int k = 0; k < OFL_IMAGE_OP_COUNT; k++)
    EXPECT_EQ(
        k, ofl_image_op_from_name(ofl_image_op_name((ofl_image_op_kind_t)k)));
  EXPECT_EQ(OFL_EUNSUPPORTED, ofl_image_op_from_name("rotate45"));
  EXPECT_EQ(nullptr, ofl_image_op_name(OFL_IMAGE_OP_COUNT));
}

}  // namespace
