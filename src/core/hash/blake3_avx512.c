/* BLAKE3 compress-many, 16 inputs per pass with AVX-512: each vector lane
 * is one input's state word, as in blake3_avx2.c at twice the width, with
 * the native 32-bit rotate. Built with a per-function target attribute;
 * only called after runtime detection (OFL__CPU_AVX512). */
#include "hash_impl.h"

#ifdef OFL__X86_64
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512vl,avx512dq")))

TGT OFL__INLINE void g(__m512i *v, int a, int b, int c, int d, __m512i x,
                       __m512i y) {
  v[a] = _mm512_add_epi32(_mm512_add_epi32(v[a], v[b]), x);
  v[d] = _mm512_ror_epi32(_mm512_xor_si512(v[d], v[a]), 16);
  v[c] = _mm512_add_epi32(v[c], v[d]);
  v[b] = _mm512_ror_epi32(_mm512_xor_si512(v[b], v[c]), 12);
  v[a] = _mm512_add_epi32(_mm512_add_epi32(v[a], v[b]), y);
  v[d] = _mm512_ror_epi32(_mm512_xor_si512(v[d], v[a]), 8);
  v[c] = _mm512_add_epi32(v[c], v[d]);
  v[b] = _mm512_ror_epi32(_mm512_xor_si512(v[b], v[c]), 7);
}

/* In place 16x16 transpose of 32-bit words: r[i] word j -> r[j] word i.
 * Per 128-bit lane L the unpacks gather words 4L..4L+3 of four rows at a
 * time (as transpose8 does); the two lane shuffles then put each word's
 * four row groups side by side. */
TGT OFL__INLINE void transpose16(__m512i r[16]) {
  __m512i t[16], u[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  /* u[4k + c], lane L: word 4L + c of rows 4k..4k+3. */
  for (int k = 0; k < 4; k++) {
    u[4 * k + 0] = _mm512_unpacklo_epi64(t[4 * k + 0], t[4 * k + 2]);
    u[4 * k + 1] = _mm512_unpackhi_epi64(t[4 * k + 0], t[4 * k + 2]);
    u[4 * k + 2] = _mm512_unpacklo_epi64(t[4 * k + 1], t[4 * k + 3]);
    u[4 * k + 3] = _mm512_unpackhi_epi64(t[4 * k + 1], t[4 * k + 3]);
  }
  for (int c = 0; c < 4; c++) {
    /* a..d: row groups 0..3; lanes: word groups 0..3. */
    __m512i a = u[c], b = u[4 + c], cc = u[8 + c], d = u[12 + c];
    __m512i x0 = _mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0));
    __m512i x1 = _mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2));
    __m512i y0 = _mm512_shuffle_i32x4(cc, d, _MM_SHUFFLE(1, 0, 1, 0));
    __m512i y1 = _mm512_shuffle_i32x4(cc, d, _MM_SHUFFLE(3, 2, 3, 2));
    r[0 + c] = _mm512_shuffle_i32x4(x0, y0, _MM_SHUFFLE(2, 0, 2, 0));
    r[4 + c] = _mm512_shuffle_i32x4(x0, y0, _MM_SHUFFLE(3, 1, 3, 1));
    r[8 + c] = _mm512_shuffle_i32x4(x1, y1, _MM_SHUFFLE(2, 0, 2, 0));
    r[12 + c] = _mm512_shuffle_i32x4(x1, y1, _MM_SHUFFLE(3, 1, 3, 1));
  }
}

TGT static void hash16(const uint8_t *const *in, size_t blocks,
                       const uint32_t key[8], uint64_t counter, int inc,
                       uint8_t flags, uint8_t fs, uint8_t fe, uint8_t *out) {
  __m512i h[8];
  for (int i = 0; i < 8; i++) h[i] = _mm512_set1_epi32((int)key[i]);
  uint32_t lo[16], hi[16];
  for (int i = 0; i < 16; i++) {
    uint64_t c = counter + (inc ? (uint64_t)i : 0);
    lo[i] = (uint32_t)c;
    hi[i] = (uint32_t)(c >> 32);
  }
  const __m512i clo = _mm512_loadu_si512(lo);
  const __m512i chi = _mm512_loadu_si512(hi);
  for (size_t b = 0; b < blocks; b++) {
    __m512i m[16];
    for (int i = 0; i < 16; i++) m[i] = _mm512_loadu_si512(in[i] + b * 64);
    transpose16(m);
    uint8_t f = flags;
    if (b == 0) f |= fs;
    if (b + 1 == blocks) f |= fe;
    __m512i v[16];
    for (int i = 0; i < 8; i++) v[i] = h[i];
    for (int i = 0; i < 4; i++)
      v[8 + i] = _mm512_set1_epi32((int)ofl__b3_iv[i]);
    v[12] = clo;
    v[13] = chi;
    v[14] = _mm512_set1_epi32(OFL__B3_BLOCK);
    v[15] = _mm512_set1_epi32(f);
    OFL__B3_ROUNDS(g, __m512i, v, m);
    for (int i = 0; i < 8; i++) h[i] = _mm512_xor_si512(v[i], v[i + 8]);
  }
  /* Lane i's eight words are input i's CV: 16 x 8 words, written out
   * through a small table (once per 16 whole chunks, off the hot loop). */
  uint32_t w[8][16];
  for (int i = 0; i < 8; i++) _mm512_storeu_si512(w[i], h[i]);
  for (int lane = 0; lane < 16; lane++)
    for (int i = 0; i < 8; i++) memcpy(out + 32 * lane + 4 * i, &w[i][lane], 4);
}

void ofl__b3_many_avx512(const uint8_t *const *inputs, size_t n, size_t blocks,
                         const uint32_t key[8], uint64_t counter, int inc,
                         uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                         uint8_t *out) {
  for (; n >= 16; n -= 16, inputs += 16, out += 16 * 32) {
    hash16(inputs, blocks, key, counter, inc, flags, flags_start, flags_end,
           out);
    if (inc) counter += 16;
  }
  /* 8..15 leftovers go on the AVX2 kernel (AVX-512 implies it). */
  ofl__b3_many_avx2(inputs, n, blocks, key, counter, inc, flags, flags_start,
                    flags_end, out);
}
#endif
