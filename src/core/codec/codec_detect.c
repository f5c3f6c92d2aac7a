/* Format detection by magic numbers. */
#include "codec_internal.h"

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

int ofl_codec_detect(const uint8_t *src, size_t len, ofl_codec_id_t *out) {
  if (src == NULL || out == NULL) return OFL_EINVAL;
  if (len >= 2 && src[0] == 0x1f && src[1] == 0x8b) {
    *out = OFL_CODEC_GZIP;
    return 0;
  }
  if (len >= 4) {
    uint32_t m = le32(src);
    if (m == 0xFD2FB528u) {
      *out = OFL_CODEC_ZSTD;
      return 0;
    }
    if (m == 0x184D2204u) {
      *out = OFL_CODEC_LZ4;
      return 0;
    }
    /* zstd and lz4 share skippable frames: look past them (iteratively)
     * when the next frame is in the buffer, else assume zstd. */
    if ((m & 0xFFFFFFF0u) == 0x184D2A50u) {
      size_t off = 0;
      while (len - off >= 8 && (le32(src + off) & 0xFFFFFFF0u) == 0x184D2A50u) {
        uint64_t skip = 8 + (uint64_t)le32(src + off + 4);
        if (skip >= len - off) break;
        off += (size_t)skip;
      }
      if (off > 0 && len - off >= 4) {
        uint32_t n = le32(src + off);
        if (n == 0x184D2204u) {
          *out = OFL_CODEC_LZ4;
          return 0;
        }
      }
      *out = OFL_CODEC_ZSTD;
      return 0;
    }
  }
  /* zlib: CM 8, CINFO <= 7, header checksum. */
  if (len >= 2 && (src[0] & 0x0f) == 8 && (src[0] >> 4) <= 7 &&
      ((unsigned)src[0] * 256u + src[1]) % 31u == 0) {
    *out = OFL_CODEC_DEFLATE;
    return 0;
  }
  return OFL_ECORRUPT;
}
