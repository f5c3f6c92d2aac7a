/* The 8-bit multiply-accumulate kernel behind the fixed-point filters
 * (blur, sharpen's blur, integer convolution): for each sample i,
 *   out[i] = sat_u8((bias + sum_t w[t] * src[t][i]) >> shift)
 * over `taps` source pointers (rows for a vertical pass, shifted copies of
 * one padded row for a horizontal pass). A portable version, which the
 * compiler vectorises for the baseline ISA, and an AVX2 one (pairs of taps
 * through vpmaddwd, 16 samples per step) chosen at run time; tests force
 * each. Callers guarantee the int32 sum cannot overflow. */
#include <stdatomic.h>

#include "image_impl.h"

#if (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_PATH 1
#include <immintrin.h>
#endif

#define BLOCK 256

static void mac_portable(const uint8_t *const *src, const int16_t *w,
                         uint32_t taps, size_t n, int32_t bias, int shift,
                         uint8_t *out) {
  int32_t acc[BLOCK];
  for (size_t x0 = 0; x0 < n; x0 += BLOCK) {
    const size_t len = n - x0 < BLOCK ? n - x0 : BLOCK;
    for (size_t i = 0; i < len; i++) acc[i] = bias;
    for (uint32_t t = 0; t < taps; t++) {
      const int32_t wt = w[t];
      const uint8_t *s = src[t] + x0;
      for (size_t i = 0; i < len; i++) acc[i] += wt * s[i];
    }
    for (size_t i = 0; i < len; i++) {
      const int32_t v = acc[i] >> shift; /* arithmetic on our compilers */
      out[x0 + i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
}

/* The same sum, kept as int16 (resize's vertical pass: its weights keep
 * the result within int16, see resize_impl.h); any number of taps. */
static void mac_i16_portable(const uint8_t *const *src, const int16_t *w,
                             uint32_t taps, size_t n, int32_t bias, int shift,
                             int16_t *out) {
  int32_t acc[BLOCK];
  for (size_t x0 = 0; x0 < n; x0 += BLOCK) {
    const size_t len = n - x0 < BLOCK ? n - x0 : BLOCK;
    for (size_t i = 0; i < len; i++) acc[i] = bias;
    for (uint32_t t = 0; t < taps; t++) {
      const int32_t wt = w[t];
      const uint8_t *s = src[t] + x0;
      for (size_t i = 0; i < len; i++) acc[i] += wt * s[i];
    }
    for (size_t i = 0; i < len; i++) out[x0 + i] = (int16_t)(acc[i] >> shift);
  }
}

#ifdef HAVE_AVX2_PATH
#define TGT __attribute__((target("avx2")))

TGT static void mac_avx2(const uint8_t *const *src, const int16_t *w,
                         uint32_t taps, size_t n, int32_t bias, int shift,
                         uint8_t *out) {
  size_t i = 0;
  const __m256i vb = _mm256_set1_epi32(bias);
  const __m128i sh = _mm_cvtsi32_si128(shift);
  for (; i + 16 <= n; i += 16) {
    __m256i lo = vb, hi = vb;
    uint32_t t = 0;
    for (; t + 2 <= taps; t += 2) {
      const __m256i a =
          _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src[t] + i)));
      const __m256i b = _mm256_cvtepu8_epi16(
          _mm_loadu_si128((const __m128i *)(src[t + 1] + i)));
      const __m256i wp = _mm256_set1_epi32(
          (int32_t)(((uint32_t)(uint16_t)w[t + 1] << 16) | (uint16_t)w[t]));
      lo = _mm256_add_epi32(lo,
                            _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), wp));
      hi = _mm256_add_epi32(hi,
                            _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), wp));
    }
    if (t < taps) {
      const __m256i a =
          _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src[t] + i)));
      const __m256i wp = _mm256_set1_epi32((int32_t)(uint16_t)w[t]);
      const __m256i z = _mm256_setzero_si256();
      lo = _mm256_add_epi32(lo,
                            _mm256_madd_epi16(_mm256_unpacklo_epi16(a, z), wp));
      hi = _mm256_add_epi32(hi,
                            _mm256_madd_epi16(_mm256_unpackhi_epi16(a, z), wp));
    }
    lo = _mm256_sra_epi32(lo, sh);
    hi = _mm256_sra_epi32(hi, sh);
    /* In-lane unpack, then in-lane packs: the order comes back. Saturating
     * to int16 then u8 clamps as the scalar path does. */
    const __m256i s16 = _mm256_packs_epi32(lo, hi);
    const __m256i u8 = _mm256_packus_epi16(s16, s16);
    const __m256i g = _mm256_permute4x64_epi64(u8, 0x08);
    _mm_storeu_si128((__m128i *)(out + i), _mm256_castsi256_si128(g));
  }
  if (i < n) {
    const uint8_t *rest[OFL__MAC_MAX_TAPS];
    for (uint32_t t = 0; t < taps; t++) rest[t] = src[t] + i;
    mac_portable(rest, w, taps, n - i, bias, shift, out + i);
  }
}

TGT static void mac_i16_avx2(const uint8_t *const *src, const int16_t *w,
                             uint32_t taps, size_t n, int32_t bias, int shift,
                             int16_t *out) {
  size_t i = 0;
  const __m256i vb = _mm256_set1_epi32(bias);
  const __m128i sh = _mm_cvtsi32_si128(shift);
  for (; i + 16 <= n; i += 16) {
    __m256i lo = vb, hi = vb;
    uint32_t t = 0;
    for (; t + 2 <= taps; t += 2) {
      const __m256i a =
          _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src[t] + i)));
      const __m256i b = _mm256_cvtepu8_epi16(
          _mm_loadu_si128((const __m128i *)(src[t + 1] + i)));
      const __m256i wp = _mm256_set1_epi32(
          (int32_t)(((uint32_t)(uint16_t)w[t + 1] << 16) | (uint16_t)w[t]));
      lo = _mm256_add_epi32(lo,
                            _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), wp));
      hi = _mm256_add_epi32(hi,
                            _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), wp));
    }
    if (t < taps) {
      const __m256i a =
          _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src[t] + i)));
      const __m256i wp = _mm256_set1_epi32((int32_t)(uint16_t)w[t]);
      const __m256i z = _mm256_setzero_si256();
      lo = _mm256_add_epi32(lo,
                            _mm256_madd_epi16(_mm256_unpacklo_epi16(a, z), wp));
      hi = _mm256_add_epi32(hi,
                            _mm256_madd_epi16(_mm256_unpackhi_epi16(a, z), wp));
    }
    lo = _mm256_sra_epi32(lo, sh);
    hi = _mm256_sra_epi32(hi, sh);
    /* In-lane unpack then in-lane pack: the sample order comes back. */
    _mm256_storeu_si256((__m256i *)(out + i), _mm256_packs_epi32(lo, hi));
  }
  for (; i < n; i++) {
    int32_t acc = bias;
    for (uint32_t t = 0; t < taps; t++) acc += w[t] * src[t][i];
    out[i] = (int16_t)(acc >> shift);
  }
}

static int cpu_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

static int cpu_vbmi(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
}

static int cpu_sse41(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.1");
}
#endif

/* The SIMD paths this CPU has. */
static unsigned cpu_paths(void) {
  unsigned have = 0;
#ifdef HAVE_AVX2_PATH
  if (cpu_avx2()) have |= OFL_IMAGE_SIMD_AVX2;
  if (cpu_sse41()) have |= OFL_IMAGE_SIMD_SSE41;
  if (cpu_vbmi()) have |= OFL_IMAGE_SIMD_AVX512VBMI;
#endif
  return have;
}

/* -1 unknown; otherwise the OFL_IMAGE_SIMD_* bits in use. */
static atomic_int g_level = -1;

static int level(void) {
  int l = atomic_load_explicit(&g_level, memory_order_relaxed);
  if (l < 0) {
    l = (int)cpu_paths();
    atomic_store_explicit(&g_level, l, memory_order_relaxed);
  }
  return l;
}

unsigned ofl__simd_level(void) {
  return (unsigned)level();
}

unsigned ofl_image_simd(int mask) {
  if (mask >= 0) {
    atomic_store_explicit(&g_level, (int)(cpu_paths() & (unsigned)mask),
                          memory_order_relaxed);
  }
  return (unsigned)level();
}

void ofl__mac_i16(const uint8_t *const *src, const int16_t *w, uint32_t taps,
                  size_t n, int32_t bias, int shift, int16_t *out) {
#ifdef HAVE_AVX2_PATH
  if (level() & OFL_IMAGE_SIMD_AVX2) {
    mac_i16_avx2(src, w, taps, n, bias, shift, out);
    return;
  }
#endif
  mac_i16_portable(src, w, taps, n, bias, shift, out);
}

void ofl__mac_u8(const uint8_t *const *src, const int16_t *w, uint32_t taps,
                 size_t n, int32_t bias, int shift, uint8_t *out) {
#ifdef HAVE_AVX2_PATH
  if (level() & OFL_IMAGE_SIMD_AVX2) {
    mac_avx2(src, w, taps, n, bias, shift, out);
    return;
  }
#endif
  mac_portable(src, w, taps, n, bias, shift, out);
}
