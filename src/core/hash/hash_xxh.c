/* xxh32/xxh64/xxh3/xxh3-128 via libxxhash's state API, and libdeflate's crc32.
 * Digests are written in xxHash's canonical (big-endian) form, which is
 * what xxhsum prints. */
#include <limits.h>
/* Compiled into this file (not called through the shared library) so it
 * is optimised with our flags: XXH3 measured ~2x faster this way. */
#define XXH_INLINE_ALL
#include <libdeflate.h>
#include <xxhash.h>

#include "hash_impl.h"
#include "ofl_errors.h"

size_t ofl__xxh_size(int algo) {
  switch (algo) {
    case OFL_HASH_XXH32:
      return 4;
    case OFL_HASH_XXH3_128:
      return 16;
    default:
      return 8;
  }
}

static void put64(uint8_t *out, XXH64_hash_t h) {
  XXH64_canonical_t c;
  XXH64_canonicalFromHash(&c, h);
  memcpy(out, c.digest, 8);
}

static void put128(uint8_t *out, XXH128_hash_t h) {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, h);
  memcpy(out, c.digest, 16);
}

static void put32(uint8_t *out, XXH32_hash_t h) {
  XXH32_canonical_t c;
  XXH32_canonicalFromHash(&c, h);
  memcpy(out, c.digest, 4);
}

/* XXH64_state_t's v[] layout is 0.8.1's (0.8.0 had v1..v4). */
#if XXH_VERSION_NUMBER >= 801
#define WIDE_XXH64 1
#endif
/* Below this, the vector loop's setup costs more than it saves. */
#define WIDE_MIN 512

/* XXH64_update, with the bulk of long inputs on the AVX-512 stripe loop:
 * the state stays libxxhash's own, so digest and the other paths agree. */
static void xxh64_update(XXH64_state_t *s, const uint8_t *p, size_t len) {
#ifdef WIDE_XXH64
  if (len >= WIDE_MIN && (ofl__cpu_features() & OFL__CPU_AVX512)) {
    if (s->memsize != 0) { /* complete the buffered stripe first */
      size_t fill = 32 - s->memsize;
      XXH64_update(s, p, fill);
      p += fill;
      len -= fill;
    }
    size_t done = ofl__xxh64_stripes_avx512(s->v, p, len);
    s->total_len += done;
    p += done;
    len -= done;
  }
#endif
  XXH64_update(s, p, len);
}

static XXH64_hash_t xxh64(const void *data, size_t len, uint64_t seed) {
#ifdef WIDE_XXH64
  if (len >= WIDE_MIN && (ofl__cpu_features() & OFL__CPU_AVX512)) {
    XXH64_state_t s;
    XXH64_reset(&s, seed);
    xxh64_update(&s, data, len);
    return XXH64_digest(&s);
  }
#endif
  return XXH64(data, len, seed);
}

void ofl__xxh_oneshot(int algo, uint64_t seed, const void *data, size_t len,
                      uint8_t *out) {
  switch (algo) {
    case OFL_HASH_XXH32:
      put32(out, XXH32(data, len, (XXH32_hash_t)seed));
      break;
    case OFL_HASH_XXH64:
      put64(out, xxh64(data, len, seed));
      break;
    case OFL_HASH_XXH3:
      put64(out, XXH3_64bits_withSeed(data, len, seed));
      break;
    default:
      put128(out, XXH3_128bits_withSeed(data, len, seed));
      break;
  }
}

void ofl__xxh_reset(int algo, void *state, uint64_t seed) {
  switch (algo) {
    case OFL_HASH_XXH32:
      XXH32_reset((XXH32_state_t *)state, (XXH32_hash_t)seed);
      break;
    case OFL_HASH_XXH64:
      XXH64_reset((XXH64_state_t *)state, seed);
      break;
    case OFL_HASH_XXH3:
      XXH3_64bits_reset_withSeed((XXH3_state_t *)state, seed);
      break;
    default:
      XXH3_128bits_reset_withSeed((XXH3_state_t *)state, seed);
      break;
  }
}

int ofl__xxh_new(int algo, uint64_t seed, void **out) {
  void *s;
  switch (algo) {
    case OFL_HASH_XXH32:
      s = XXH32_createState();
      break;
    case OFL_HASH_XXH64:
      s = XXH64_createState();
      break;
    default:
      s = XXH3_createState();
      break;
  }
  *out = s;
  if (s == NULL) return OFL_ENOMEM;
  ofl__xxh_reset(algo, s, seed);
  return 0;
}

void ofl__xxh_update(int algo, void *state, const void *data, size_t len) {
  switch (algo) {
    case OFL_HASH_XXH32:
      XXH32_update((XXH32_state_t *)state, data, len);
      break;
    case OFL_HASH_XXH64:
      xxh64_update((XXH64_state_t *)state, data, len);
      break;
    case OFL_HASH_XXH3:
      XXH3_64bits_update((XXH3_state_t *)state, data, len);
      break;
    default:
      XXH3_128bits_update((XXH3_state_t *)state, data, len);
      break;
  }
}

void ofl__xxh_final(int algo, void *state, uint8_t *out) {
  switch (algo) {
    case OFL_HASH_XXH32:
      put32(out, XXH32_digest((XXH32_state_t *)state));
      break;
    case OFL_HASH_XXH64:
      put64(out, XXH64_digest((XXH64_state_t *)state));
      break;
    case OFL_HASH_XXH3:
      put64(out, XXH3_64bits_digest((XXH3_state_t *)state));
      break;
    default:
      put128(out, XXH3_128bits_digest((XXH3_state_t *)state));
      break;
  }
}

void ofl__xxh_free(int algo, void *state) {
  switch (algo) {
    case OFL_HASH_XXH32:
      XXH32_freeState((XXH32_state_t *)state);
      break;
    case OFL_HASH_XXH64:
      XXH64_freeState((XXH64_state_t *)state);
      break;
    default:
      XXH3_freeState((XXH3_state_t *)state);
      break;
  }
}

/* libdeflate's crc32 (PCLMUL/ARMv8 folding) computes the same CRC as
 * zlib's, several times faster, and takes a size_t length. */
uint32_t ofl__crc32(uint32_t crc, const void *data, size_t len) {
  return libdeflate_crc32(crc, data, len);
}
