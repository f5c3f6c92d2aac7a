/* The u8 per-sample tables (threshold, negate with alpha kept, linear,
 * gamma, lut) on AVX-512 VBMI: a 256-entry table is four zmm registers,
 * and two vpermi2b plus a blend on the index's top bit look up 64 samples
 * at once. Channels with different tables are looked up in each distinct
 * table and blended by a per-channel position mask. Exact: the same
 * table entries as the scalar loop. */
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

int ofl__lut_row_u8_simd(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                         size_t n, uint32_t ch) {
  if (!(ofl__simd_level() & OFL_IMAGE_SIMD_AVX512VBMI)) return 0;
  lut_row_vbmi(lut, s, d, n, ch);
  return 1;
}

#else

int ofl__lut_row_u8_simd(const uint8_t *lut, const uint8_t *s, uint8_t *d,
                         size_t n, uint32_t ch) {
  (void)lut, (void)s, (void)d, (void)n, (void)ch;
  return 0;
}

#endif
