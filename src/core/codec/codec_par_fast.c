/* Parallel blocks through libdeflate (about twice zlib's speed per core).
 * libdeflate takes no preset history and always ends its output with a
 * final block, so a non-last block is "sealed" afterwards: zlib's inflate
 * with Z_BLOCK walks it once to find where the final block's header and
 * the stream's last bit are (as zlib's examples/gzjoin.c does), the final
 * bit is cleared, and an empty stored block byte-aligns the end, exactly
 * what a zlib sync flush leaves. */
#include <libdeflate.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec_internal.h"
#include "ofl_checked.h"

#define WALK_BUF ((size_t)64 << 10)

/* Bit offsets in src[0..n) (LSB first) of the final block's header and of
 * the end of its end-of-block code; raw_len is what src inflates to. */
static int walk(const uint8_t *src, size_t n, size_t raw_len,
                uint64_t *final_hdr, uint64_t *end) {
  z_stream z;
  uint8_t *win = malloc(WALK_BUF);
  uint64_t hdr = 0, produced = 0;
  int r, err = OFL_EINTERNAL;
  if (win == NULL) return OFL_ENOMEM;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, -15) != Z_OK) {
    free(win);
    return OFL_ENOMEM;
  }
  z.next_in = (Bytef *)src;
  for (;;) {
    size_t left = n - (size_t)(z.next_in - src);
    z.avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
    z.next_out = win;
    z.avail_out = (uInt)WALK_BUF;
    r = inflate(&z, Z_BLOCK);
    produced += WALK_BUF - z.avail_out;
    if (r != Z_OK && r != Z_BUF_ERROR) break;
    if (z.data_type & 128) { /* stopped at a block boundary */
      uint64_t at = (uint64_t)(z.next_in - src) * 8 - (z.data_type & 7);
      if (z.data_type & 64) { /* just after the final block */
        *final_hdr = hdr;
        *end = at;
        err = produced == raw_len ? 0 : OFL_EINTERNAL;
        break;
      }
      hdr = at;
    }
    if (r == Z_BUF_ERROR && z.avail_out == WALK_BUF) break; /* no progress */
  }
  inflateEnd(&z);
  free(win);
  return err;
}

static int seal(uint8_t *buf, size_t *len, size_t cap, size_t raw_len) {
  uint64_t hdr, end;
  size_t e, stop, i;
  int r = walk(buf, *len, raw_len, &hdr, &end);
  if (r < 0) return r;
  if (end > (uint64_t)*len * 8 || !(buf[hdr >> 3] & (1u << (hdr & 7))))
    return OFL_EINTERNAL;
  buf[hdr >> 3] &= (uint8_t) ~(1u << (hdr & 7));
  /* Then 3 zero bits (BFINAL 0, BTYPE 00), padding, LEN 0000, NLEN ffff. */
  e = (size_t)(end >> 3);
  stop = (size_t)((end + 3 + 7) >> 3);
  if (stop + 4 > cap) return OFL_EINTERNAL;
  for (i = e; i < stop; i++) {
    unsigned keep = i == e ? (1u << (end & 7)) - 1 : 0;
    buf[i] = keep ? (uint8_t)(buf[i] & keep) : 0;
  }
  buf[stop] = 0;
  buf[stop + 1] = 0;
  buf[stop + 2] = 0xff;
  buf[stop + 3] = 0xff;
  *len = stop + 4;
  return 0;
}

int ofl__par_block_libdeflate(int level, const uint8_t *in, size_t len,
                              int last, ofl_codec_output_t *out) {
  struct libdeflate_compressor *c =
      libdeflate_alloc_compressor(ofl__libdeflate_level(level));
  size_t bound, cap, n;
  uint8_t *buf;
  int r;
  if (c == NULL) return OFL_ENOMEM;
  bound = libdeflate_deflate_compress_bound(c, len);
  if (bound < len || !ofl_add_size(bound, 8, &cap)) {
    libdeflate_free_compressor(c);
    return OFL_ERANGE;
  }
  buf = malloc(cap);
  if (buf == NULL) {
    libdeflate_free_compressor(c);
    return OFL_ENOMEM;
  }
  n = libdeflate_deflate_compress(c, len > 0 ? in : buf, len, buf, bound);
  libdeflate_free_compressor(c);
  r = n == 0 ? OFL_EINTERNAL : last ? 0 : seal(buf, &n, cap, len);
  if (r < 0) {
    free(buf);
    return r;
  }
  out->ptr = buf;
  out->len = n;
  out->cap = cap;
  return 0;
}
