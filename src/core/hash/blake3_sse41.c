/* BLAKE3 compress-many, 4 inputs per pass with SSE4.1: each vector lane is
 * one input's state word. Built with a per-function target attribute so the
 * file needs no global -msse4.1; only called after runtime detection. */
#include "hash_impl.h"

#ifdef OFL__X86_64
#include <immintrin.h>

#define TGT __attribute__((target("sse4.1")))

TGT OFL__INLINE __m128i add(__m128i a, __m128i b) {
  return _mm_add_epi32(a, b);
}
TGT OFL__INLINE __m128i rot16(__m128i x) {
  return _mm_shuffle_epi8(
      x, _mm_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2));
}
TGT OFL__INLINE __m128i rot8(__m128i x) {
  return _mm_shuffle_epi8(
      x, _mm_set_epi8(12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2, 1));
}
TGT OFL__INLINE __m128i rot12(__m128i x) {
  return _mm_or_si128(_mm_srli_epi32(x, 12), _mm_slli_epi32(x, 20));
}
TGT OFL__INLINE __m128i rot7(__m128i x) {
  return _mm_or_si128(_mm_srli_epi32(x, 7), _mm_slli_epi32(x, 25));
}

TGT OFL__INLINE void g(__m128i *v, int a, int b, int c, int d, __m128i x,
                       __m128i y) {
  v[a] = add(add(v[a], v[b]), x);
  v[d] = rot16(_mm_xor_si128(v[d], v[a]));
  v[c] = add(v[c], v[d]);
  v[b] = rot12(_mm_xor_si128(v[b], v[c]));
  v[a] = add(add(v[a], v[b]), y);
  v[d] = rot8(_mm_xor_si128(v[d], v[a]));
  v[c] = add(v[c], v[d]);
  v[b] = rot7(_mm_xor_si128(v[b], v[c]));
}

/* In place: r[i] word j  ->  r[j] word i. */
TGT OFL__INLINE void transpose4(__m128i r[4]) {
  __m128i t0 = _mm_unpacklo_epi32(r[0], r[1]);
  __m128i t1 = _mm_unpacklo_epi32(r[2], r[3]);
  __m128i t2 = _mm_unpackhi_epi32(r[0], r[1]);
  __m128i t3 = _mm_unpackhi_epi32(r[2], r[3]);
  r[0] = _mm_unpacklo_epi64(t0, t1);
  r[1] = _mm_unpackhi_epi64(t0, t1);
  r[2] = _mm_unpacklo_epi64(t2, t3);
  r[3] = _mm_unpackhi_epi64(t2, t3);
}

TGT static void hash4(const uint8_t *const *in, size_t blocks,
                      const uint32_t key[8], uint64_t counter, int inc,
                      uint8_t flags, uint8_t fs, uint8_t fe, uint8_t *out) {
  __m128i h[8];
  for (int i = 0; i < 8; i++) h[i] = _mm_set1_epi32((int)key[i]);
  uint64_t c[4];
  for (int i = 0; i < 4; i++) c[i] = counter + (inc ? (uint64_t)i : 0);
  const __m128i clo = _mm_set_epi32((int)(uint32_t)c[3], (int)(uint32_t)c[2],
                                    (int)(uint32_t)c[1], (int)(uint32_t)c[0]);
  const __m128i chi =
      _mm_set_epi32((int)(uint32_t)(c[3] >> 32), (int)(uint32_t)(c[2] >> 32),
                    (int)(uint32_t)(c[1] >> 32), (int)(uint32_t)(c[0] >> 32));
  for (size_t b = 0; b < blocks; b++) {
    __m128i m[16];
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 4; i++)
        m[4 * k + i] =
            _mm_loadu_si128((const __m128i *)(in[i] + b * 64 + 16 * k));
      transpose4(m + 4 * k);
    }
    uint8_t f = flags;
    if (b == 0) f |= fs;
    if (b + 1 == blocks) f |= fe;
    __m128i v[16];
    for (int i = 0; i < 8; i++) v[i] = h[i];
    for (int i = 0; i < 4; i++) v[8 + i] = _mm_set1_epi32((int)ofl__b3_iv[i]);
    v[12] = clo;
    v[13] = chi;
    v[14] = _mm_set1_epi32(OFL__B3_BLOCK);
    v[15] = _mm_set1_epi32(f);
    OFL__B3_ROUNDS(g, __m128i, v, m);
    for (int i = 0; i < 8; i++) h[i] = _mm_xor_si128(v[i], v[i + 8]);
  }
  transpose4(h);
  transpose4(h + 4);
  for (int i = 0; i < 4; i++) {
    _mm_storeu_si128((__m128i *)(out + 32 * i), h[i]);
    _mm_storeu_si128((__m128i *)(out + 32 * i + 16), h[4 + i]);
  }
}

void ofl__b3_many_sse41(const uint8_t *const *inputs, size_t n, size_t blocks,
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
