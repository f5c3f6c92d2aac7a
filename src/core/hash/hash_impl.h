/* Internals shared by the hash module's files. Not installed, not API.
 * The ofl__*_force_impl hooks exist for tests and benchmarks. */
#ifndef OFL_HASH_IMPL_H
#define OFL_HASH_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ofl_hash.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__x86_64__) || defined(_M_X64)
#define OFL__X86_64 1
#endif
#if defined(__aarch64__)
#define OFL__ARM64 1
#endif

/* ---- CPU features, detected once ---- */
enum {
  OFL__CPU_SSE41 = 1u << 0,
  OFL__CPU_SSE42 = 1u << 1,
  OFL__CPU_AVX2 = 1u << 2,
  OFL__CPU_ARM_CRC = 1u << 3,
  OFL__CPU_NEON = 1u << 4,
  OFL__CPU_AVX512 = 1u << 5 /* F + VL + DQ (vpmullq on ymm) */
};
unsigned ofl__cpu_features(void);
/* Tests only: make ofl__cpu_features() report `features` from now on, as on
 * a CPU without (or with) them. Kernels already chosen stay in use until
 * the next ofl__*_force_impl(AUTO). */
void ofl__cpu_override(unsigned features);

/* ---- XXH64 ---- */
/* XXH64's stripe rounds on p[0..len) with the lanes in one AVX-512VL
 * register: consumes whole 32-byte stripes into acc[4] (XXH64_state_t's
 * v[]) and @return the bytes consumed. Call only with OFL__CPU_AVX512;
 * other builds return 0. */
size_t ofl__xxh64_stripes_avx512(uint64_t acc[4], const uint8_t *p, size_t len);

/* ---- BLAKE3 ---- */
#define OFL__B3_BLOCK 64
#define OFL__B3_CHUNK 1024
#define OFL__B3_MAX_DEPTH 54

enum {
  OFL__B3_CHUNK_START = 1,
  OFL__B3_CHUNK_END = 2,
  OFL__B3_PARENT = 4,
  OFL__B3_ROOT = 8,
  OFL__B3_KEYED_HASH = 16,
  OFL__B3_DERIVE_KEY_CONTEXT = 32,
  OFL__B3_DERIVE_KEY_MATERIAL = 64
};

enum {
  OFL__B3_IMPL_AUTO = 0,
  OFL__B3_IMPL_PORTABLE = 1,
  OFL__B3_IMPL_SSE41 = 2,
  OFL__B3_IMPL_AVX2 = 3,
  OFL__B3_IMPL_NEON = 4,
  OFL__B3_IMPL_AVX512 = 5
};

extern const uint32_t ofl__b3_iv[8];

/* Compress n independent inputs of `blocks` whole 64-byte blocks each,
 * writing n 32-byte CVs. Input i uses counter + i when inc is set (chunks)
 * or counter for all (parents). The first block adds flags_start, the last
 * flags_end. */
#if defined(__GNUC__) || defined(__clang__)
#define OFL__INLINE static inline __attribute__((always_inline))
#else
#define OFL__INLINE static inline
#endif

/* One round then the message permutation, written out so that, fully
 * unrolled, the state and message arrays live in registers (indexing a
 * schedule table at run time forced them to memory: 5x slower). G is the
 * caller's mixing function g(v, a, b, c, d, x, y). */
#define OFL__B3_ROUND(G, v, m)        \
  do {                                \
    G(v, 0, 4, 8, 12, m[0], m[1]);    \
    G(v, 1, 5, 9, 13, m[2], m[3]);    \
    G(v, 2, 6, 10, 14, m[4], m[5]);   \
    G(v, 3, 7, 11, 15, m[6], m[7]);   \
    G(v, 0, 5, 10, 15, m[8], m[9]);   \
    G(v, 1, 6, 11, 12, m[10], m[11]); \
    G(v, 2, 7, 8, 13, m[12], m[13]);  \
    G(v, 3, 4, 9, 14, m[14], m[15]);  \
  } while (0)
#define OFL__B3_PERMUTE(T, m)                                            \
  do {                                                                   \
    T t0 = m[2], t1 = m[6], t2 = m[3], t3 = m[10], t4 = m[7], t5 = m[0]; \
    T t6 = m[4], t7 = m[13], t8 = m[1], t9 = m[11], t10 = m[12];         \
    T t11 = m[5], t12 = m[9], t13 = m[14], t14 = m[15], t15 = m[8];      \
    m[0] = t0, m[1] = t1, m[2] = t2, m[3] = t3, m[4] = t4, m[5] = t5;    \
    m[6] = t6, m[7] = t7, m[8] = t8, m[9] = t9, m[10] = t10;             \
    m[11] = t11, m[12] = t12, m[13] = t13, m[14] = t14, m[15] = t15;     \
  } while (0)
#define OFL__B3_ROUNDS(G, T, v, m) \
  do {                             \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
    OFL__B3_PERMUTE(T, m);         \
    OFL__B3_ROUND(G, v, m);        \
  } while (0)

typedef void (*ofl__b3_many_fn)(const uint8_t *const *inputs, size_t n,
                                size_t blocks, const uint32_t key[8],
                                uint64_t counter, int inc, uint8_t flags,
                                uint8_t flags_start, uint8_t flags_end,
                                uint8_t *out);

void ofl__b3_compress(uint32_t cv[8], const uint8_t block[64],
                      uint8_t block_len, uint64_t counter, uint8_t flags);
void ofl__b3_compress_xof(const uint32_t cv[8], const uint8_t block[64],
                          uint8_t block_len, uint64_t counter, uint8_t flags,
                          uint8_t out[64]);
void ofl__b3_many_portable(const uint8_t *const *inputs, size_t n,
                           size_t blocks, const uint32_t key[8],
                           uint64_t counter, int inc, uint8_t flags,
                           uint8_t flags_start, uint8_t flags_end,
                           uint8_t *out);
#ifdef OFL__X86_64
void ofl__b3_many_sse41(const uint8_t *const *inputs, size_t n, size_t blocks,
                        const uint32_t key[8], uint64_t counter, int inc,
                        uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                        uint8_t *out);
void ofl__b3_many_avx2(const uint8_t *const *inputs, size_t n, size_t blocks,
                       const uint32_t key[8], uint64_t counter, int inc,
                       uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                       uint8_t *out);
void ofl__b3_many_avx512(const uint8_t *const *inputs, size_t n, size_t blocks,
                         const uint32_t key[8], uint64_t counter, int inc,
                         uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                         uint8_t *out);
#endif
#ifdef OFL__ARM64
void ofl__b3_many_neon(const uint8_t *const *inputs, size_t n, size_t blocks,
                       const uint32_t key[8], uint64_t counter, int inc,
                       uint8_t flags, uint8_t flags_start, uint8_t flags_end,
                       uint8_t *out);
#endif

/* Select the compress-many kernel; AUTO picks the best the CPU has.
 * @return 0, or OFL_EUNSUPPORTED when the CPU/build lacks it. */
int ofl__blake3_force_impl(int impl);
/* @return the kernel in use now (never AUTO). */
int ofl__blake3_impl(void);
/* The compress-many function of a kernel (not checked against the CPU). */
ofl__b3_many_fn ofl__b3_kernel(int impl);

typedef struct {
  uint32_t cv[8];
  uint64_t counter;
  uint8_t buf[64];
  uint8_t buf_len;
  uint8_t blocks_done;
} ofl__b3_chunk_t;

/* Streaming hasher: the current chunk plus a stack of subtree CVs, merged
 * eagerly whenever more input is known to follow (so none is the root). */
typedef struct {
  uint32_t key[8];
  uint8_t flags;
  uint8_t stack_len;
  ofl__b3_chunk_t chunk;
  uint8_t stack[OFL__B3_MAX_DEPTH][32];
} ofl__b3_hasher_t;

void ofl__b3_init(ofl__b3_hasher_t *h, const uint32_t key[8], uint8_t flags);
void ofl__b3_update(ofl__b3_hasher_t *h, const uint8_t *in, size_t len);
void ofl__b3_final(const ofl__b3_hasher_t *h, uint8_t *out, size_t out_len);
void ofl__b3_oneshot(const uint8_t *in, size_t len, const uint32_t key[8],
                     uint8_t flags, uint8_t *out, size_t out_len);

static inline uint32_t ofl__load32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline void ofl__store32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline void ofl__store32be(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* ---- CRC32C ---- */
enum {
  OFL__CRC32C_IMPL_AUTO = 0,
  OFL__CRC32C_IMPL_TABLE = 1,
  OFL__CRC32C_IMPL_SSE42 = 2,
  OFL__CRC32C_IMPL_ARM = 3
};
/* @return 0 or OFL_EUNSUPPORTED. */
int ofl__crc32c_force_impl(int impl);
int ofl__crc32c_impl(void);

/* Raw register updates (no pre/post inversion). */
uint32_t ofl__crc32c_table(uint32_t crc, const uint8_t *p, size_t len);
/* Shift a raw CRC register over len zero bytes, for len one of the
 * interleave block sizes below (tables built once). */
uint32_t ofl__crc32c_shift(uint32_t crc, size_t len);
#define OFL__CRC32C_LONG 4096
#define OFL__CRC32C_SHORT 256
#ifdef OFL__X86_64
uint32_t ofl__crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len);
#endif
#ifdef OFL__ARM64
uint32_t ofl__crc32c_arm(uint32_t crc, const uint8_t *p, size_t len);
#endif

/* ---- backends used by the dispatcher (hash.c) ---- */
/* OpenSSL: md is an OFL_HASH_* in [MD5, SHA3_512]. */
size_t ofl__ossl_size(int algo);
int ofl__ossl_oneshot(int algo, const uint8_t *key, size_t key_len,
                      const void *data, size_t len, uint8_t *out);
int ofl__ossl_new(int algo, const uint8_t *key, size_t key_len, void **state);
int ofl__ossl_update(void *state, const void *data, size_t len);
int ofl__ossl_final(void *state, uint8_t *out);
int ofl__ossl_reset(void *state);
void ofl__ossl_free(void *state);

/* xxHash: algo in [XXH32, XXH3_128]. */
size_t ofl__xxh_size(int algo);
void ofl__xxh_oneshot(int algo, uint64_t seed, const void *data, size_t len,
                      uint8_t *out);
int ofl__xxh_new(int algo, uint64_t seed, void **state);
void ofl__xxh_update(int algo, void *state, const void *data, size_t len);
void ofl__xxh_final(int algo, void *state, uint8_t *out);
void ofl__xxh_reset(int algo, void *state, uint64_t seed);
void ofl__xxh_free(int algo, void *state);

uint32_t ofl__crc32(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
