/* BLAKE3 compress-many, 4 inputs per pass with NEON (always present on
 * AArch64, so no runtime check is needed beyond the architecture). */
#include "hash_impl.h"

#ifdef OFL__ARM64
#include <arm_neon.h>

OFL__INLINE uint32x4_t rot16(uint32x4_t x) {
  return vreinterpretq_u32_u16(vrev32q_u16(vreinterpretq_u16_u32(x)));
}
#define ROTR(x, n) vsriq_n_u32(vshlq_n_u32((x), 32 - (n)), (x), (n))

OFL__INLINE void g(uint32x4_t *v, int a, int b, int c, int d, uint32x4_t x,
                   uint32x4_t y) {
  v[a] = vaddq_u32(vaddq_u32(v[a], v[b]), x);
  v[d] = rot16(veorq_u32(v[d], v[a]));
  v[c] = vaddq_u32(v[c], v[d]);
  v[b] = ROTR(veorq_u32(v[b], v[c]), 12);
  v[a] = vaddq_u32(vaddq_u32(v[a], v[b]), y);
  v[d] = ROTR(veorq_u32(v[d], v[a]), 8);
  v[c] = vaddq_u32(v[c], v[d]);
  v[b] = ROTR(veorq_u32(v[b], v[c]), 7);
}

/* In place: r[i] word j  ->  r[j] word i. */
OFL__INLINE void transpose4(uint32x4_t r[4]) {
  uint32x4x2_t a = vtrnq_u32(r[0], r[1]);
  uint32x4x2_t b = vtrnq_u32(r[2], r[3]);
  r[0] = vcombine_u32(vget_low_u32(a.val[0]), vget_low_u32(b.val[0]));
  r[1] = vcombine_u32(vget_low_u32(a.val[1]), vget_low_u32(b.val[1]));
  r[2] = vcombine_u32(vget_high_u32(a.val[0]), vget_high_u32(b.val[0]));
  r[3] = vcombine_u32(vget_high_u32(a.val[1]), vget_high_u32(b.val[1]));
}

static uint32x4_t load(const uint8_t *p) {
  return vreinterpretq_u32_u8(vld1q_u8(p));
}

static void hash4(const uint8_t *const *in, size_t blocks,
                  const uint32_t key[8], uint64_t counter, int inc,
                  uint8_t flags, uint8_t fs, uint8_t fe, uint8_t *out) {
  uint32x4_t h[8];
  for (int i = 0; i < 8; i++) h[i] = vdupq_n_u32(key[i]);
  uint32_t lo[4], hi[4];
  for (int i = 0; i < 4; i++) {
    uint64_t c = counter + (inc ? (uint64_t)i : 0);
    lo[i] = (uint32_t)c;
    hi[i] = (uint32_t)(c >> 32);
  }
  const uint32x4_t clo = vld1q_u32(lo), chi = vld1q_u32(hi);
  for (size_t b = 0; b < blocks; b++) {
    uint32x4_t m[16];
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 4; i++) m[4 * k + i] = load(in[i] + b * 64 + 16 * k);
      transpose4(m + 4 * k);
    }
    uint8_t f = flags;
    if (b == 0) f |= fs;
    if (b + 1 == blocks) f |= fe;
    uint32x4_t v[16];
    for (int i = 0; i < 8; i++) v[i] = h[i];
    for (int i = 0; i < 4; i++) v[8 + i] = vdupq_n_u32(ofl__b3_iv[i]);
    v[12] = clo;
    v[13] = chi;
    v[14] = vdupq_n_u32(OFL__B3_BLOCK);
    v[15] = vdupq_n_u32(f);
    OFL__B3_ROUNDS(g, uint32x4_t, v, m);
    for (int i = 0; i < 8; i++) h[i] = veorq_u32(v[i], v[i + 8]);
  }
  transpose4(h);
  transpose4(h + 4);
  for (int i = 0; i < 4; i++) {
    vst1q_u8(out + 32 * i, vreinterpretq_u8_u32(h[i]));
    vst1q_u8(out + 32 * i + 16, vreinterpretq_u8_u32(h[4 + i]));
  }
}

void ofl__b3_many_neon(const uint8_t *const *inputs, size_t n, size_t blocks,
                       const uint32_t key[8], uint64_t counter, int inc,
                       uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                       uint8_t *out) {
  for (; n >= 4; n -= 4, inputs += 4, out += 4 * 32) {
    hash4(inputs, blocks, key, counter, inc, flags, flags_start, flags_end,
          out);
    if (inc) counter += 4;
  }
  ofl__b3_many_portable(inputs, n, blocks, key, counter, inc, flags,
                        flags_start, flags_end, out);
}
#endif
