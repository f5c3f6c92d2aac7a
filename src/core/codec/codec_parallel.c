/* pigz-style parallel gzip/deflate: independent raw-deflate blocks joined
 * by sync flushes into one stream, with checksums combined by zlib. Small
 * blocks are primed with the previous 32 KiB (zlib); large ones, and
 * blocks with no history, go through libdeflate (codec_par_fast.c). */
/* The 64-bit combine functions: exported by system zlib and by Node's
 * bundled copy alike (whose header hides the plain names when
 * _FILE_OFFSET_BITS=64), and correct for block lengths over 2 GiB. */
#define _LARGEFILE64_SOURCE 1
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec_internal.h"
#include "ofl_checked.h"

#define OFL__WINDOW ((size_t)32 << 10)
#define OFL__PAR_FAST_MIN ((size_t)256 << 10)

static int is_par_codec(ofl_codec_id_t c) {
  return c == OFL_CODEC_GZIP || c == OFL_CODEC_DEFLATE ||
         c == OFL_CODEC_DEFLATE_RAW;
}

int ofl_codec_par_block_compress(int level, const uint8_t *dict,
                                 size_t dict_len, const uint8_t *in, size_t len,
                                 int last, ofl_codec_output_t *out) {
  z_stream z;
  uint8_t *buf;
  size_t cap, pos = 0, blocks;
  int r, flush = last ? Z_FINISH : Z_SYNC_FLUSH;
  if (out == NULL) return OFL_EINVAL;
  memset(out, 0, sizeof *out);
  if ((in == NULL && len > 0) || (dict == NULL && dict_len > 0))
    return OFL_EINVAL;
  if (level == OFL_CODEC_LEVEL_DEFAULT) level = 6;
  if (level < 0 || level > 9) return OFL_ERANGE;
  /* Without the history a large block loses < 0.5% of ratio (0.48% at
   * 512 KiB on JSON logs), and libdeflate is about 2x zlib per core. */
  if (dict_len == 0 || len >= OFL__PAR_FAST_MIN)
    return ofl__par_block_libdeflate(level, in, len, last, out);
  /* Worst case: stored blocks, 5 bytes per 16 KiB, plus flush markers. */
  blocks = len / 16384 + 2;
  if (!ofl_mul_size(blocks, 5, &cap) || !ofl_add_size(cap, len + 64, &cap) ||
      len > SIZE_MAX - 64)
    return OFL_ERANGE;
  buf = malloc(cap);
  if (buf == NULL) return OFL_ENOMEM;
  memset(&z, 0, sizeof z);
  r = deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  if (r != Z_OK) {
    free(buf);
    return r == Z_MEM_ERROR ? OFL_ENOMEM : OFL_EINTERNAL;
  }
  if (dict_len > OFL__WINDOW) {
    dict += dict_len - OFL__WINDOW;
    dict_len = OFL__WINDOW;
  }
  if (dict_len > 0 && deflateSetDictionary(&z, dict, (uInt)dict_len) != Z_OK) {
    deflateEnd(&z);
    free(buf);
    return OFL_EINTERNAL;
  }
  {
    const uint8_t *p = in ? in : buf;
    size_t left = len;
    for (;;) {
      uInt n = left > UINT_MAX ? UINT_MAX : (uInt)left;
      int f = left > UINT_MAX ? Z_NO_FLUSH : flush;
      z.next_in = (Bytef *)p;
      z.avail_in = n;
      z.next_out = buf + pos;
      z.avail_out = cap - pos > UINT_MAX ? UINT_MAX : (uInt)(cap - pos);
      r = deflate(&z, f);
      p += n - z.avail_in;
      left -= n - z.avail_in;
      pos = (size_t)(z.next_out - buf);
      if (r == Z_STREAM_END) break;
      if (r != Z_OK) break;
      if (f == Z_SYNC_FLUSH && z.avail_out > 0) {
        r = Z_STREAM_END; /* flush complete: block ends byte-aligned */
        break;
      }
      if (pos == cap) { /* cannot happen with the bound above */
        r = Z_BUF_ERROR;
        break;
      }
    }
  }
  deflateEnd(&z);
  if (r != Z_STREAM_END) {
    free(buf);
    return r == Z_MEM_ERROR ? OFL_ENOMEM : OFL_EINTERNAL;
  }
  out->ptr = buf;
  out->len = pos;
  out->cap = cap;
  return 0;
}

uint32_t ofl_codec_par_checksum(ofl_codec_id_t codec, const uint8_t *in,
                                size_t len) {
  uLong c;
  if (codec == OFL_CODEC_GZIP)
    c = crc32(0L, Z_NULL, 0);
  else if (codec == OFL_CODEC_DEFLATE)
    c = adler32(0L, Z_NULL, 0);
  else
    return 0;
  while (len > 0) {
    uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;
    c = codec == OFL_CODEC_GZIP ? crc32(c, in, n) : adler32(c, in, n);
    in += n;
    len -= n;
  }
  return (uint32_t)c;
}

uint32_t ofl_codec_par_checksum_combine(ofl_codec_id_t codec, uint32_t a,
                                        uint32_t b, uint64_t len_b) {
  if (codec == OFL_CODEC_GZIP)
    return (uint32_t)crc32_combine64(a, b, (z_off64_t)len_b);
  if (codec == OFL_CODEC_DEFLATE)
    return (uint32_t)adler32_combine64(a, b, (z_off64_t)len_b);
  return 0;
}

int ofl_codec_par_header(ofl_codec_id_t codec, int level, uint8_t *dst,
                         size_t cap, size_t *written) {
  if (!is_par_codec(codec) || written == NULL || (dst == NULL && cap > 0))
    return OFL_EINVAL;
  if (level == OFL_CODEC_LEVEL_DEFAULT) level = 6;
  *written = 0;
  if (codec == OFL_CODEC_GZIP) {
    /* ID1 ID2 CM FLG MTIME(4) XFL OS(255 = unknown) */
    static const uint8_t h[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};
    if (cap < 10) return OFL_ERANGE;
    memcpy(dst, h, 10);
    dst[8] = level >= 9 ? 2 : level == 1 ? 4 : 0;
    *written = 10;
  } else if (codec == OFL_CODEC_DEFLATE) {
    unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
    unsigned cmf = 0x78, flg = flevel << 6;
    if (cap < 2) return OFL_ERANGE;
    if ((cmf * 256 + flg) % 31) flg += 31 - (cmf * 256 + flg) % 31;
    dst[0] = (uint8_t)cmf;
    dst[1] = (uint8_t)flg;
    *written = 2;
  }
  return 0;
}

int ofl_codec_par_trailer(ofl_codec_id_t codec, uint32_t check,
                          uint64_t total_len, uint8_t *dst, size_t cap,
                          size_t *written) {
  if (!is_par_codec(codec) || written == NULL || (dst == NULL && cap > 0))
    return OFL_EINVAL;
  *written = 0;
  if (codec == OFL_CODEC_GZIP) {
    int i;
    if (cap < 8) return OFL_ERANGE;
    for (i = 0; i < 4; i++) dst[i] = (uint8_t)(check >> (8 * i));
    for (i = 0; i < 4; i++) dst[4 + i] = (uint8_t)(total_len >> (8 * i));
    *written = 8;
  } else if (codec == OFL_CODEC_DEFLATE) {
    int i;
    if (cap < 4) return OFL_ERANGE;
    for (i = 0; i < 4; i++) dst[i] = (uint8_t)(check >> (24 - 8 * i));
    *written = 4;
  }
  return 0;
}

int ofl_codec_par_compress(ofl_codec_id_t codec, int level, size_t block_size,
                           const ofl_codec_opts_t *opts, const uint8_t *in,
                           size_t len, ofl_codec_output_t *out) {
  uint8_t *buf;
  size_t cap, pos, n, off = 0;
  uint32_t check;
  int r;
  ofl_codec_stop_fn stop = opts ? opts->should_stop : NULL;
  void *arg = opts ? opts->stop_arg : NULL;
  if (out == NULL) return OFL_EINVAL;
  memset(out, 0, sizeof *out);
  if (!is_par_codec(codec) || (in == NULL && len > 0)) return OFL_EINVAL;
  if (level == OFL_CODEC_LEVEL_DEFAULT) level = 6;
  if (level < 0 || level > 9) return OFL_ERANGE;
  if (block_size == 0) block_size = (size_t)128 << 10;
  if ((r = ofl__deflate_bound(codec, len, &cap)) < 0) return r;
  if (!ofl_add_size(cap, (len / block_size + 1) * 16, &cap)) return OFL_ERANGE;
  buf = malloc(cap);
  if (buf == NULL) return OFL_ENOMEM;
  ofl_codec_par_header(codec, level, buf, cap, &pos);
  check = ofl_codec_par_checksum(codec, NULL, 0);
  do {
    ofl_codec_output_t blk;
    size_t bl = len - off < block_size ? len - off : block_size;
    size_t dl = off < OFL__WINDOW ? off : OFL__WINDOW;
    int last = off + bl == len;
    if ((r = ofl__stop(stop, arg)) < 0) break;
    r = ofl_codec_par_block_compress(level, in ? in + off - dl : NULL, dl,
                                     in ? in + off : NULL, bl, last, &blk);
    if (r < 0) break;
    if (blk.len > cap - pos) { /* cannot happen: cap is a bound */
      ofl_codec_free_output(&blk);
      r = OFL_EINTERNAL;
      break;
    }
    memcpy(buf + pos, blk.ptr, blk.len);
    pos += blk.len;
    ofl_codec_free_output(&blk);
    check = ofl_codec_par_checksum_combine(
        codec, check, ofl_codec_par_checksum(codec, in ? in + off : NULL, bl),
        bl);
    off += bl;
  } while (off < len);
  if (r == 0)
    r = ofl_codec_par_trailer(codec, check, len, buf + pos, cap - pos, &n);
  if (r < 0) {
    free(buf);
    return r;
  }
  out->ptr = buf;
  out->len = pos + n;
  out->cap = cap;
  return 0;
}
