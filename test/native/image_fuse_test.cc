// Fusing u8 table ops (ofl_image_fuse_u8): the composed per-channel table
// equals running the ops one by one, for random chains, parameters,
// tables, alpha flags and channel counts; a per_channel lut runs it in
// bands; what is not a table op is refused.
#include <random>

#include "image_test_util.h"

using namespace imgtest;

namespace {

// A random table op; t8 backs a lut's table.
ofl_image_op_t RandomTableOp(std::mt19937 &rng, std::vector<uint8_t> &t8) {
  std::uniform_real_distribution<double> u(0, 1);
  ofl_image_op_t o{};
  o.alpha = rng() & 1;
  switch (rng() % 5) {
    case 0:
      o.kind = OFL_IMAGE_OP_THRESHOLD, o.value = std::floor(u(rng) * 256);
      break;
    case 1:
      o.kind = OFL_IMAGE_OP_NEGATE;
      break;
    case 2:
      o.kind = OFL_IMAGE_OP_LINEAR;
      for (uint32_t c = 0; c < 4; c++)
        o.a[c] = u(rng) * 3 - 1, o.b[c] = u(rng) * 200 - 100;
      break;
    case 3:
      o.kind = OFL_IMAGE_OP_GAMMA, o.value = 0.1 + u(rng) * 5;
      break;
    default:
      o.kind = OFL_IMAGE_OP_LUT;
      for (auto &v : t8) v = (uint8_t)rng();
      o.table = t8.data();
      break;
  }
  return o;
}

// Every value 0..255 in every channel: pixel x holds x in each channel,
// over a few rows with a padded stride.
void FillRamp(Img &im) {
  for (uint32_t y = 0; y < im.v.height; y++)
    for (uint32_t x = 0; x < im.v.width; x++)
      for (uint32_t c = 0; c < im.v.channels; c++)
        im.Set(x, y, c, (x + 37 * c + 11 * y) % 256);
}

}  // namespace

TEST(ImageFuse, ComposedTableEqualsTheOpsOneByOne) {
  std::mt19937 rng(2024);
  for (int round = 0; round < 400; round++) {
    const uint32_t ch = 1 + round % 4, n = 1 + rng() % 9;
    std::vector<std::vector<uint8_t>> tables(n, std::vector<uint8_t>(256));
    std::vector<ofl_image_op_t> ops;
    for (uint32_t i = 0; i < n; i++)
      ops.push_back(RandomTableOp(rng, tables[i]));
    Img a(256, 3, ch, OFL_IMAGE_U8, 3), b(256, 3, ch, OFL_IMAGE_U8, 1);
    FillRamp(a);
    Img src(256, 3, ch, OFL_IMAGE_U8, 2);
    FillRamp(src);
    // One by one, ping-ponging between a and b.
    Img *cur = &a, *next = &b;
    for (const auto &op : ops) {
      ASSERT_EQ(0, ofl_image_op(&op, &cur->v, nullptr, &next->v));
      std::swap(cur, next);
    }
    std::vector<uint8_t> table(256 * ch);
    ASSERT_EQ(0, ofl_image_fuse_u8(ops.data(), n, ch, table.data()));
    ofl_image_op_t lut{};
    lut.kind = OFL_IMAGE_OP_LUT, lut.per_channel = 1, lut.table = table.data();
    Img fused(256, 3, ch, OFL_IMAGE_U8, 4);
    ASSERT_EQ(0, RunBands(lut, src, nullptr, fused, 2));
    for (uint32_t y = 0; y < 3; y++)
      for (uint32_t x = 0; x < 256; x++)
        for (uint32_t c = 0; c < ch; c++) {
          ASSERT_EQ(cur->At(x, y, c), fused.At(x, y, c))
              << "round " << round << " ch " << ch << " n " << n;
          ASSERT_EQ(cur->At(x, y, c), table[256 * c + (size_t)src.At(x, y, c)]);
        }
  }
}

TEST(ImageFuse, OneOpIsItsOwnTableAndAlphaIsKept) {
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_NEGATE;  // alpha 0: the alpha channel is identity
  std::vector<uint8_t> t(256 * 4);
  ASSERT_EQ(0, ofl_image_fuse_u8(&op, 1, 4, t.data()));
  for (int v = 0; v < 256; v++) {
    for (int c = 0; c < 3; c++) ASSERT_EQ(255 - v, t[256 * c + v]);
    ASSERT_EQ(v, t[768 + v]);
  }
  ASSERT_EQ(0, ofl_image_fuse_u8(&op, 1, 3, t.data()));
  for (int v = 0; v < 256; v++) ASSERT_EQ(255 - v, t[512 + v]);
  // negate twice is the identity, whatever the alpha flags.
  ofl_image_op_t two[2] = {op, op};
  two[1].alpha = 1, two[0].alpha = 1;
  ASSERT_EQ(0, ofl_image_fuse_u8(two, 2, 2, t.data()));
  for (int v = 0; v < 256; v++) {
    ASSERT_EQ(v, t[v]);
    ASSERT_EQ(v, t[256 + v]);
  }
}

TEST(ImageFuse, RefusesWhatIsNotATableOp) {
  std::vector<uint8_t> t(1024);
  ofl_image_op_t op{};
  op.kind = OFL_IMAGE_OP_NEGATE;
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(nullptr, 1, 1, t.data()));
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&op, 0, 1, t.data()));
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&op, 1, 0, t.data()));
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&op, 1, 5, t.data()));
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&op, 1, 1, nullptr));
  EXPECT_EQ(1, ofl_image_op_is_table(&op, OFL_IMAGE_U8));
  EXPECT_EQ(0, ofl_image_op_is_table(&op, OFL_IMAGE_U16));
  EXPECT_EQ(0, ofl_image_op_is_table(&op, OFL_IMAGE_F32));
  for (auto k :
       {OFL_IMAGE_OP_GRAYSCALE, OFL_IMAGE_OP_MODULATE, OFL_IMAGE_OP_BLUR,
        OFL_IMAGE_OP_CONVERT, OFL_IMAGE_OP_PREMULTIPLY, OFL_IMAGE_OP_FLIP}) {
    ofl_image_op_t o{};
    o.kind = k;
    EXPECT_EQ(0, ofl_image_op_is_table(&o, OFL_IMAGE_U8));
    ofl_image_op_t pair[2] = {op, o};
    EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(pair, 2, 3, t.data()));
  }
  ofl_image_op_t bad{};
  bad.kind = OFL_IMAGE_OP_GAMMA;  // gamma 0
  EXPECT_EQ(OFL_ERANGE, ofl_image_fuse_u8(&bad, 1, 3, t.data()));
  bad.kind = OFL_IMAGE_OP_LUT;  // no table
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&bad, 1, 3, t.data()));
  bad.kind = OFL_IMAGE_OP_LINEAR, bad.a[2] = NAN;
  EXPECT_EQ(OFL_EINVAL, ofl_image_fuse_u8(&bad, 1, 3, t.data()));
  // A per-channel lut is u8 only.
  ofl_image_op_t lut{};
  lut.kind = OFL_IMAGE_OP_LUT, lut.per_channel = 1, lut.table = t.data();
  Img s16(4, 4, 1, OFL_IMAGE_U16), d16(4, 4, 1, OFL_IMAGE_U16);
  EXPECT_EQ(OFL_EINVAL, ofl_image_op(&lut, &s16.v, nullptr, &d16.v));
}
