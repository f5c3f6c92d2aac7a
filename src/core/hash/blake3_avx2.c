/* BLAKE3 compress-many, 8 inputs per pass with AVX2: each vector lane is
 * one input's state word. Built with a per-function target attribute so the
 * file needs no global -mavx2; only called after runtime detection. */
#include "hash_impl.h"

#ifdef OFL__X86_64
#include <immintrin.h>

#define TGT __attribute__((target("avx2")))

TGT OFL__INLINE __m256i add(__m256i a, __m256i b) {
  return _mm256_add_epi32(a, b);
}
TGT OFL__INLINE __m256i rot16(__m256i x) {
  return _mm256_shuffle_epi8(
      x, _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,
                         13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2));
}
TGT OFL__INLINE __m256i rot8(__m256i x) {
  return _mm256_shuffle_epi8(
      x, _mm256_set_epi8(12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2, 1,
                         12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2, 1));
}
TGT OFL__INLINE __m256i rot12(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, 12), _mm256_slli_epi32(x, 20));
}
TGT OFL__INLINE __m256i rot7(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, 7), _mm256_slli_epi32(x, 25));
}

TGT OFL__INLINE void g(__m256i *v, int a, int b, int c, int d, __m256i x,
                       __m256i y) {
  v[a] = add(add(v[a], v[b]), x);
  v[d] = rot16(_mm256_xor_si256(v[d], v[a]));
  v[c] = add(v[c], v[d]);
  v[b] = rot12(_mm256_xor_si256(v[b], v[c]));
  v[a] = add(add(v[a], v[b]), y);
  v[d] = rot8(_mm256_xor_si256(v[d], v[a]));
  v[c] = add(v[c], v[d]);
  v[b] = rot7(_mm256_xor_si256(v[b], v[c]));
}

/* In place 8x8 transpose of 32-bit words: r[i] word j -> r[j] word i. */
TGT OFL__INLINE void transpose8(__m256i r[8]) {
  __m256i t[8], u[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  /* Per 128-bit half, u[0..3] hold words 0..3 (low) / 4..7 (high) of
   * rows 0-3; u[4..7] the same for rows 4-7. */
  for (int k = 0; k < 2; k++) {
    u[4 * k + 0] = _mm256_unpacklo_epi64(t[4 * k + 0], t[4 * k + 2]);
    u[4 * k + 1] = _mm256_unpackhi_epi64(t[4 * k + 0], t[4 * k + 2]);
    u[4 * k + 2] = _mm256_unpacklo_epi64(t[4 * k + 1], t[4 * k + 3]);
    u[4 * k + 3] = _mm256_unpackhi_epi64(t[4 * k + 1], t[4 * k + 3]);
  }
  for (int j = 0; j < 4; j++) {
    r[j] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x20);
    r[j + 4] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x31);
  }
}

TGT static void hash8(const uint8_t *const *in, size_t blocks,
                      const uint32_t key[8], uint64_t counter, int inc,
                      uint8_t flags, uint8_t fs, uint8_t fe, uint8_t *out) {
  __m256i h[8];
  for (int i = 0; i < 8; i++) h[i] = _mm256_set1_epi32((int)key[i]);
  uint32_t lo[8], hi[8];
  for (int i = 0; i < 8; i++) {
    uint64_t c = counter + (inc ? (uint64_t)i : 0);
    lo[i] = (uint32_t)c;
    hi[i] = (uint32_t)(c >> 32);
  }
  const __m256i clo = _mm256_loadu_si256((const __m256i *)lo);
  const __m256i chi = _mm256_loadu_si256((const __m256i *)hi);
  for (size_t b = 0; b < blocks; b++) {
    __m256i m[16];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 8; i++)
        m[8 * k + i] =
            _mm256_loadu_si256((const __m256i *)(in[i] + b * 64 + 32 * k));
      transpose8(m + 8 * k);
    }
    uint8_t f = flags;
    if (b == 0) f |= fs;
    if (b + 1 == blocks) f |= fe;
    __m256i v[16];
    for (int i = 0; i < 8; i++) v[i] = h[i];
    for (int i = 0; i < 4; i++)
      v[8 + i] = _mm256_set1_epi32((int)ofl__b3_iv[i]);
    v[12] = clo;
    v[13] = chi;
    v[14] = _mm256_set1_epi32(OFL__B3_BLOCK);
    v[15] = _mm256_set1_epi32(f);
    OFL__B3_ROUNDS(g, __m256i, v, m);
    for (int i = 0; i < 8; i++) h[i] = _mm256_xor_si256(v[i], v[i + 8]);
  }
  transpose8(h);
  for (int i = 0; i < 8; i++)
    _mm256_storeu_si256((__m256i *)(out + 32 * i), h[i]);
}

void ofl__b3_many_avx2(const uint8_t *const *inputs, size_t n, size_t blocks,
                       const uint32_t key[8], uint64_t counter, int inc,
                       uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                       uint8_t *out) {
  for (; n >= 8; n -= 8, inputs += 8, out += 8 * 32) {
    hash8(inputs, blocks, key, counter, inc, flags, flags_start, flags_end,
          out);
    if (inc) counter += 8;
  }
  /* 4..7 leftovers still go wide on the SSE4.1 kernel (AVX2 implies it). */
  ofl__b3_many_sse41(inputs, n, blocks, key, counter, inc, flags, flags_start,
                     flags_end, out);
}
#endif
