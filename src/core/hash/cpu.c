/* CPU feature detection for the SIMD and CRC kernels, computed once, and
 * the names of the kernels the dispatch picked. */
#include <stdatomic.h>

#include "hash_impl.h"

#if defined(OFL__ARM64) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

/* Bit 31 marks "detected" so 0 features is distinguishable from unknown. */
#define DETECTED (1u << 31)
static atomic_uint g_features = 0;

static unsigned detect(void) {
  unsigned f = 0;
#if defined(OFL__X86_64) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.1")) f |= OFL__CPU_SSE41;
  if (__builtin_cpu_supports("sse4.2")) f |= OFL__CPU_SSE42;
  /* libgcc/compiler-rt report avx2 only when the OS saves YMM state. */
  if (__builtin_cpu_supports("avx2")) f |= OFL__CPU_AVX2;
  /* Likewise avx512*: only when the OS saves ZMM and mask state. */
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    f |= OFL__CPU_AVX512;
#endif
#ifdef OFL__ARM64
  f |= OFL__CPU_NEON; /* mandatory on AArch64 */
#if defined(__ARM_FEATURE_CRC32)
  f |= OFL__CPU_ARM_CRC;
#elif defined(__linux__)
  if (getauxval(AT_HWCAP) & HWCAP_CRC32) f |= OFL__CPU_ARM_CRC;
#elif defined(__APPLE__)
  f |= OFL__CPU_ARM_CRC; /* every Apple arm64 CPU has CRC32 */
#endif
#endif
  return f;
}

unsigned ofl__cpu_features(void) {
  unsigned f = atomic_load_explicit(&g_features, memory_order_relaxed);
  if (f == 0) {
    f = detect() | DETECTED;
    atomic_store_explicit(&g_features, f, memory_order_relaxed);
  }
  return f & ~DETECTED;
}

void ofl__cpu_override(unsigned features) {
  atomic_store_explicit(&g_features, features | DETECTED, memory_order_relaxed);
}

/* Indexed by OFL__B3_IMPL_* and OFL__CRC32C_IMPL_* (AUTO never in use). */
static const char *const k_b3_kernels[] = {NULL,   "portable", "sse4.1",
                                           "avx2", "neon",     "avx512"};
static const char *const k_crc32c_kernels[] = {NULL, "table", "sse4.2",
                                               "armv8-crc"};

const char *ofl_hash_kernel_name(ofl_hash_algo_t algo) {
  if (algo == OFL_HASH_BLAKE3) return k_b3_kernels[ofl__blake3_impl()];
  if (algo == OFL_HASH_CRC32C) return k_crc32c_kernels[ofl__crc32c_impl()];
  return NULL;
}
