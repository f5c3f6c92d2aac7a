/* resize's 8-bit horizontal pass for 3 and 4 channels with SSE4.1: a pair
 * of taps is one load of two neighbouring pixels from the int16
 * intermediate, a shuffle into (tap k, tap k+1) pairs per channel and one
 * pmaddwd against the broadcast weight pair. Integer arithmetic in the
 * same order of magnitude as the scalar pass and no overflow (see
 * resize_impl.h), so the bytes are identical. Reads up to
 * OFL__HPASS_PAD samples past the row's last pixel: the caller pads the
 * intermediate with zeros. */
#include <string.h>

#include "image_impl.h"
#include "resize_impl.h"

#if (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TGT __attribute__((target("sse4.1")))
#define HSHIFT (OFL__W_BITS + OFL__MID_FRAC)

/* (w[k], w[k+1]) as one int32, or (w[k], 0) for the odd last tap. */
static inline int32_t weight_pair(const int16_t *w, uint32_t k, uint32_t taps) {
  const uint16_t lo = (uint16_t)w[k];
  const uint16_t hi = k + 1 < taps ? (uint16_t)w[k + 1] : 0;
  return (int32_t)(((uint32_t)hi << 16) | lo);
}

/* ch is a constant in each caller, so the loop specialises per count. */
TGT static inline __attribute__((always_inline)) void hpass_ch(
    const ofl__axis_t *ax, const int16_t *mid, uint8_t *out, const uint32_t ch,
    const __m128i shuf) {
  const uint32_t taps = ax->taps;
  const __m128i bias = _mm_set1_epi32(1 << (HSHIFT - 1));
  for (uint32_t x = 0; x < ax->out; x++) {
    const int16_t *s = mid + (size_t)ax->start[x] * ch;
    const int16_t *w = ax->w16 + (size_t)x * taps;
    __m128i acc = bias;
    for (uint32_t k = 0; k < taps; k += 2) {
      const __m128i v = _mm_shuffle_epi8(
          _mm_loadu_si128((const __m128i *)(s + (size_t)k * ch)), shuf);
      acc = _mm_add_epi32(
          acc, _mm_madd_epi16(v, _mm_set1_epi32(weight_pair(w, k, taps))));
    }
    acc = _mm_srai_epi32(acc, HSHIFT);
    const __m128i p = _mm_packus_epi16(_mm_packs_epi32(acc, acc), acc);
    const int32_t px = _mm_cvtsi128_si32(p);
    memcpy(out + (size_t)x * ch, &px, ch);
  }
}

TGT static void hpass_c4(const ofl__axis_t *ax, const int16_t *mid,
                         uint8_t *out) {
  /* [a0 a1 a2 a3 b0 b1 b2 b3] -> [a0 b0 a1 b1 a2 b2 a3 b3] */
  hpass_ch(ax, mid, out, 4,
           _mm_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15));
}

TGT static void hpass_c3(const ofl__axis_t *ax, const int16_t *mid,
                         uint8_t *out) {
  /* [a0 a1 a2 b0 b1 b2 ..] -> [a0 b0 a1 b1 a2 b2 0 0] */
  hpass_ch(ax, mid, out, 3,
           _mm_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, -1, -1, -1, -1));
}

int ofl__hpass_u8_simd(const ofl__axis_t *ax, const int16_t *mid, uint8_t *out,
                       uint32_t ch) {
  if (!(ofl__simd_level() & OFL_IMAGE_SIMD_SSE41)) return 0;
  if (ch == 4) {
    hpass_c4(ax, mid, out);
    return 1;
  }
  if (ch == 3) {
    hpass_c3(ax, mid, out);
    return 1;
  }
  return 0;
}

#else

int ofl__hpass_u8_simd(const ofl__axis_t *ax, const int16_t *mid, uint8_t *out,
                       uint32_t ch) {
  (void)ax, (void)mid, (void)out, (void)ch;
  return 0;
}

#endif
