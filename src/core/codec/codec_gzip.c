/* gzip / deflate / deflate-raw one-shot compression through libdeflate. */
#include <libdeflate.h>
#include <stdlib.h>

#include "codec_internal.h"
#include "ofl_checked.h"

int ofl__deflate_bound(ofl_codec_id_t codec, size_t len, size_t *out) {
  /* A superset of libdeflate's and zlib's worst cases: stored blocks with
   * a 5-byte header per 4 KiB, plus wrapper and padding. */
  size_t blocks = len / 4096 + 1, extra, n;
  (void)codec;
  if (!ofl_mul_size(blocks, 5, &extra)) return OFL_ERANGE;
  if (!ofl_add_size(extra, 64, &extra)) return OFL_ERANGE;
  if (!ofl_add_size(len, extra, &n)) return OFL_ERANGE;
  *out = n;
  return 0;
}

/* Levels 1-9 mean zlib's levels: each maps to the fastest libdeflate level
 * whose output stays within +2% of zlib's at that level on every corpus of
 * bench/gzip_ratio.js (JSON logs, JS, CSS, HTML, English text, CSV,
 * binaries), one-shot and in 1 MiB parallel blocks; libdeflate 5 for zlib
 * 6 was +3.3% on JS sources. 10-12 are libdeflate's own. */
int ofl__libdeflate_level(int level) {
  static const int map[10] = {0, 1, 2, 3, 4, 5, 6, 7, 7, 8};
  return level >= 0 && level <= 9 ? map[level] : level;
}

int ofl__deflate_oneshot(ofl_codec_id_t codec, int level, const uint8_t *src,
                         size_t len, uint8_t *dst, size_t cap, size_t *n) {
  struct libdeflate_compressor *c =
      libdeflate_alloc_compressor(ofl__libdeflate_level(level));
  size_t bound;
  if (c == NULL) return OFL_ENOMEM;
  if (codec == OFL_CODEC_GZIP)
    bound = libdeflate_gzip_compress_bound(c, len);
  else if (codec == OFL_CODEC_DEFLATE)
    bound = libdeflate_zlib_compress_bound(c, len);
  else
    bound = libdeflate_deflate_compress_bound(c, len);
  if (bound < len || bound > cap) { /* wrapped, or not ofl's bound */
    libdeflate_free_compressor(c);
    return bound < len ? OFL_ERANGE : OFL__FAST_DECLINE;
  }
  if (codec == OFL_CODEC_GZIP)
    *n = libdeflate_gzip_compress(c, src, len, dst, cap);
  else if (codec == OFL_CODEC_DEFLATE)
    *n = libdeflate_zlib_compress(c, src, len, dst, cap);
  else
    *n = libdeflate_deflate_compress(c, src, len, dst, cap);
  libdeflate_free_compressor(c);
  return *n == 0 ? OFL_EINTERNAL : 0; /* 0 cannot happen with the bound */
}
