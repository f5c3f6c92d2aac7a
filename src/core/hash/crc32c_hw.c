/* CRC32C with the CPU's CRC instructions (SSE4.2 on x86-64, the ARMv8 CRC
 * extension on AArch64). The instruction has a 3-cycle latency but issues
 * every cycle, so three independent streams over adjacent blocks run about
 * 3x faster than one; the blocks are then merged with ofl__crc32c_shift. */
#include "hash_impl.h"

#if defined(OFL__X86_64)
#include <nmmintrin.h>
#define TGT __attribute__((target("sse4.2")))
#define CRC64(c, v) _mm_crc32_u64((c), (v))
#define CRC8(c, v) _mm_crc32_u8((c), (v))
#define FN ofl__crc32c_sse42
#elif defined(OFL__ARM64)
/* arm_acle.h hides the intrinsics unless +crc is global, so use builtins. */
#if defined(__clang__)
#define TGT __attribute__((target("crc")))
#define CRC64(c, v) __builtin_arm_crc32cd((uint32_t)(c), (v))
#define CRC8(c, v) __builtin_arm_crc32cb((uint32_t)(c), (v))
#else
#define TGT __attribute__((target("+crc")))
#define CRC64(c, v) __builtin_aarch64_crc32cx((uint32_t)(c), (v))
#define CRC8(c, v) __builtin_aarch64_crc32cb((uint32_t)(c), (v))
#endif
#define FN ofl__crc32c_arm
#endif

#ifdef FN
static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8); /* little-endian targets only */
  return v;
}

/* Three streams over blk-byte blocks while at least 3*blk bytes remain. */
TGT static uint32_t run3(uint32_t crc, const uint8_t **pp, size_t *plen,
                         size_t blk) {
  const uint8_t *p = *pp;
  size_t len = *plen;
  while (len >= 3 * blk) {
    uint64_t c0 = crc, c1 = 0, c2 = 0;
    for (size_t i = 0; i < blk; i += 8) {
      c0 = CRC64(c0, load64(p + i));
      c1 = CRC64(c1, load64(p + blk + i));
      c2 = CRC64(c2, load64(p + 2 * blk + i));
    }
    crc = ofl__crc32c_shift(ofl__crc32c_shift((uint32_t)c0, blk) ^ (uint32_t)c1,
                            blk) ^
          (uint32_t)c2;
    p += 3 * blk;
    len -= 3 * blk;
  }
  *pp = p;
  *plen = len;
  return crc;
}

TGT uint32_t FN(uint32_t crc, const uint8_t *p, size_t len) {
  crc = run3(crc, &p, &len, OFL__CRC32C_LONG);
  crc = run3(crc, &p, &len, OFL__CRC32C_SHORT);
  uint64_t c = crc;
  for (; len >= 8; p += 8, len -= 8) c = CRC64(c, load64(p));
  crc = (uint32_t)c;
  for (; len > 0; p++, len--) crc = CRC8(crc, *p);
  return crc;
}
#endif
