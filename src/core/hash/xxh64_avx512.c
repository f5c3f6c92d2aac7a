/* XXH64's stripe loop with its four lanes in one AVX-512VL register.
 * Scalar XXH64 needs eight 64-bit multiplies per 32-byte stripe and x86
 * cores retire about one per cycle; vpmullq does four at once, so the loop
 * is bound by the lanes' add-rotate-multiply chain instead (1.3-1.45x
 * libxxhash here, bench/hash.js). Same arithmetic, same result. */
#include "hash_impl.h"

#if defined(OFL__X86_64) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define PRIME64_1 0x9E3779B185EBCA87ULL
#define PRIME64_2 0xC2B2AE3D27D4EB4FULL

__attribute__((target("avx512f,avx512vl,avx512dq"))) size_t
ofl__xxh64_stripes_avx512(uint64_t acc[4], const uint8_t *p, size_t len) {
  const __m256i p1 = _mm256_set1_epi64x((long long)PRIME64_1);
  const __m256i p2 = _mm256_set1_epi64x((long long)PRIME64_2);
  __m256i a = _mm256_loadu_si256((const __m256i *)acc);
  size_t n = len / 32;
  for (size_t i = 0; i < n; i++) {
    __m256i in = _mm256_loadu_si256((const __m256i *)(p + 32 * i));
    a = _mm256_add_epi64(a, _mm256_mullo_epi64(in, p2));
    a = _mm256_rol_epi64(a, 31);
    a = _mm256_mullo_epi64(a, p1);
  }
  _mm256_storeu_si256((__m256i *)acc, a);
  return n * 32;
}
#else
size_t ofl__xxh64_stripes_avx512(uint64_t acc[4], const uint8_t *p,
                                 size_t len) {
  (void)acc;
  (void)p;
  (void)len;
  return 0;
}
#endif
