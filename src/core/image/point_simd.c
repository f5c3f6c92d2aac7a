/* The u8 per-sample tables (threshold, negate with alpha kept, linear,
 * gamma, lut) on AVX-512 VBMI: a 256-entry table is four zmm registers,
 * and two vpermi2b plus a blend on the index's top bit look up 64 samples
 * at once. Channels with different tables are looked up in each distinct
 * table and blended by a per-channel position mask. Exact: the same
 * table entries as the scalar loop. Also RGBA grayscale on AVX2. */
#include <string.h>

#include "image_impl.h"

#if (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512bw,avx512vbmi")))

typedef struct {
  __m512i t[4];
} table_t;

TGT static inline __m512i look(const table_t *t, __m512i v) {
  const __m512i a = _mm512_permutex2var_epi8(t->t[0], v, t->t[1]);
  const __m512i b = _mm512_permutex2var_epi8(t->t[2], v, t->t[3]);
  return _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), a, b);
}

TGT static void lut_row_vbmi(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                             size_t n, uint32_t ch) {
  table_t tab[OFL_IMAGE_MAX_CHANNELS];
  uint32_t uses[OFL_IMAGE_MAX_CHANNELS]; /* distinct table of channel c */
  uint32_t distinct = 0;
  for (uint32_t c = 0; c < ch; c++) {
    uint32_t k = 0;
    while (k < c && memcmp(lut + 256 * (size_t)c, lut + 256 * (size_t)k, 256))
      k++;
    if (k == c) {
      for (int q = 0; q < 4; q++)
        tab[distinct].t[q] =
            _mm512_loadu_si512((const void *)(lut + 256 * (size_t)c + 64 * q));
      uses[c] = distinct++;
    } else {
      uses[c] = uses[k];
    }
  }
  /* masks[phase][j]: the samples of a 64-sample block starting at a
   * sample whose channel is `phase` that belong to distinct table j. */
  __mmask64 masks[OFL_IMAGE_MAX_CHANNELS][OFL_IMAGE_MAX_CHANNELS];
  memset(masks, 0, sizeof(masks));
  for (uint32_t ph = 0; ph < ch; ph++)
    for (uint32_t i = 0; i < 64; i++)
      masks[ph][uses[(ph + i) % ch]] |= (__mmask64)1 << i;
  uint32_t ph = 0;
  for (size_t i = 0; i < n; i += 64) {
    const size_t left = n - i;
    const __mmask64 m =
        left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
    const __m512i v = _mm512_maskz_loadu_epi8(m, s + i);
    __m512i r = look(&tab[0], v);
    for (uint32_t j = 1; j < distinct; j++)
      r = _mm512_mask_blend_epi8(masks[ph][j], r, look(&tab[j], v));
    _mm512_mask_storeu_epi8(d + i, m, r);
    ph = (ph + 64) % ch;
  }
}

/* RGBA luma, 8 pixels a step: (r, b) and (g, a) as int16 pairs through
 * pmaddwd; kg > 32767 is split as (kg - 32768) * g + (g << 15). The
 * same integer sum as the scalar loop. */
__attribute__((target("avx2"))) static void gray_rgba_avx2(
    const uint8_t *s, uint8_t *d, uint32_t w, int keep, int32_t kr, int32_t kg,
    int32_t kb) {
  const __m256i m8 = _mm256_set1_epi32(0x00FF00FF);
  const __m256i wrb = _mm256_set1_epi32((kb << 16) | kr);
  const __m256i wg = _mm256_set1_epi32(kg - 32768);
  const __m256i half = _mm256_set1_epi32(32768);
  const __m256i lo8 = _mm256_set1_epi32(0xFF);
  uint32_t x = 0;
  for (; x + 8 <= w; x += 8) {
    const __m256i px = _mm256_loadu_si256((const __m256i *)(s + (size_t)x * 4));
    const __m256i rb = _mm256_and_si256(px, m8);
    const __m256i ga = _mm256_and_si256(_mm256_srli_epi32(px, 8), m8);
    const __m256i g = _mm256_and_si256(ga, lo8);
    __m256i y =
        _mm256_add_epi32(_mm256_madd_epi16(rb, wrb), _mm256_madd_epi16(g, wg));
    y = _mm256_add_epi32(y, _mm256_add_epi32(_mm256_slli_epi32(g, 15), half));
    y = _mm256_srli_epi32(y, 16); /* 0..255 */
    if (keep) {
      /* (y, a) pairs: a sits in ga's upper half. */
      const __m256i ya =
          _mm256_or_si256(y, _mm256_slli_epi32(_mm256_srli_epi32(ga, 16), 8));
      const __m256i p16 = _mm256_packus_epi32(ya, ya);
      const __m256i q = _mm256_permute4x64_epi64(p16, 0x08);
      _mm_storeu_si128((__m128i *)(d + (size_t)x * 2),
                       _mm256_castsi256_si128(q));
    } else {
      const __m256i p16 = _mm256_packus_epi32(y, y);
      const __m256i p8 = _mm256_packus_epi16(p16, p16);
      const __m256i q = _mm256_permutevar8x32_epi32(
          p8, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
      _mm_storel_epi64((__m128i *)(d + x), _mm256_castsi256_si128(q));
    }
  }
  for (; x < w; x++) {
    const uint8_t *p = s + (size_t)x * 4;
    const uint32_t y = ((uint32_t)kr * p[0] + (uint32_t)kg * p[1] +
                        (uint32_t)kb * p[2] + 32768) >>
                       16;
    if (keep)
      d[2 * (size_t)x] = (uint8_t)y, d[2 * (size_t)x + 1] = p[3];
    else
      d[x] = (uint8_t)y;
  }
}

int ofl__gray_row_u8_simd(const uint8_t *s, uint8_t *d, uint32_t w, uint32_t ch,
                          int keep, int32_t kr, int32_t kg, int32_t kb) {
  if (ch != 4 || !(ofl__simd_level() & OFL_IMAGE_SIMD_AVX2)) return 0;
  gray_rgba_avx2(s, d, w, keep, kr, kg, kb);
  return 1;
}

int ofl__lut_row_u8_simd(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                         size_t n, uint32_t ch) {
  if (!(ofl__simd_level() & OFL_IMAGE_SIMD_AVX512VBMI)) return 0;
  lut_row_vbmi(lut, s, d, n, ch);
  return 1;
}

#else

int ofl__gray_row_u8_simd(const uint8_t *s, uint8_t *d, uint32_t w, uint32_t ch,
                          int keep, int32_t kr, int32_t kg, int32_t kb) {
  (void)s, (void)d, (void)w, (void)ch, (void)keep, (void)kr, (void)kg, (void)kb;
  return 0;
}

int ofl__lut_row_u8_simd(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                         size_t n, uint32_t ch) {
  (void)lut, (void)s, (void)d, (void)n, (void)ch;
  return 0;
}

#endif
