/* BLAKE3 compression function, portable C, written from the specification.
 * Also the reference every SIMD kernel is tested against. */
#include "hash_impl.h"

const uint32_t ofl__b3_iv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

OFL__INLINE uint32_t rotr32(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

OFL__INLINE void g(uint32_t *v, int a, int b, int c, int d, uint32_t x,
                   uint32_t y) {
  v[a] = v[a] + v[b] + x;
  v[d] = rotr32(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = rotr32(v[b] ^ v[c], 12);
  v[a] = v[a] + v[b] + y;
  v[d] = rotr32(v[d] ^ v[a], 8);
  v[c] = v[c] + v[d];
  v[b] = rotr32(v[b] ^ v[c], 7);
}

OFL__INLINE void rounds(uint32_t v[16], const uint32_t cv[8],
                        const uint8_t block[64], uint8_t block_len,
                        uint64_t counter, uint8_t flags) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = ofl__load32le(block + 4 * i);
  for (int i = 0; i < 8; i++) v[i] = cv[i];
  v[8] = ofl__b3_iv[0];
  v[9] = ofl__b3_iv[1];
  v[10] = ofl__b3_iv[2];
  v[11] = ofl__b3_iv[3];
  v[12] = (uint32_t)counter;
  v[13] = (uint32_t)(counter >> 32);
  v[14] = block_len;
  v[15] = flags;
  OFL__B3_ROUNDS(g, uint32_t, v, m);
}

void ofl__b3_compress(uint32_t cv[8], const uint8_t block[64],
                      uint8_t block_len, uint64_t counter, uint8_t flags) {
  uint32_t v[16];
  rounds(v, cv, block, block_len, counter, flags);
  for (int i = 0; i < 8; i++) cv[i] = v[i] ^ v[i + 8];
}

void ofl__b3_compress_xof(const uint32_t cv[8], const uint8_t block[64],
                          uint8_t block_len, uint64_t counter, uint8_t flags,
                          uint8_t out[64]) {
  uint32_t v[16];
  rounds(v, cv, block, block_len, counter, flags);
  for (int i = 0; i < 8; i++) {
    ofl__store32le(out + 4 * i, v[i] ^ v[i + 8]);
    ofl__store32le(out + 32 + 4 * i, v[i + 8] ^ cv[i]);
  }
}

void ofl__b3_many_portable(const uint8_t *const *inputs, size_t n,
                           size_t blocks, const uint32_t key[8],
                           uint64_t counter, int inc, uint8_t flags,
                           uint8_t flags_start, uint8_t flags_end,
                           uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint32_t cv[8];
    memcpy(cv, key, sizeof(cv));
    for (size_t b = 0; b < blocks; b++) {
      uint8_t f = flags;
      if (b == 0) f |= flags_start;
      if (b + 1 == blocks) f |= flags_end;
      ofl__b3_compress(cv, inputs[i] + b * OFL__B3_BLOCK, OFL__B3_BLOCK,
                       counter + (inc ? i : 0), f);
    }
    for (int w = 0; w < 8; w++) ofl__store32le(out + 32 * i + 4 * w, cv[w]);
  }
}
