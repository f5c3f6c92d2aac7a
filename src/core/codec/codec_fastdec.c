/* One-shot decompression fast paths: libdeflate for gzip, and zstd's
 * single-pass decoder for a lone frame that declares its size. Both decode
 * straight into the output (the streaming engine decodes through a window
 * and a growing buffer). A header-declared size is only a hint: it sizes
 * the first allocation after being capped at 64x the input (+64 KiB) and
 * at the caller's limit, so a lying header costs at most that much. */
#include <libdeflate.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "codec_internal.h"
#include "ofl_checked.h"

static size_t first_size(size_t hint, size_t len, size_t limit) {
  size_t bound;
  if (!ofl_mul_size(len, 64, &bound) || !ofl_add_size(bound, 64 << 10, &bound))
    bound = SIZE_MAX;
  if (hint == 0 || hint > bound) hint = bound;
  if (hint > limit) hint = limit;
  return hint == 0 ? 1 : hint;
}

static int finish(uint8_t *buf, size_t pos, size_t cap,
                  ofl_codec_output_t *out) {
  out->ptr = buf;
  out->len = pos;
  out->cap = cap;
  if (cap - pos > 4096 && cap - pos > pos / 8) {
    uint8_t *nb = realloc(buf, pos ? pos : 1);
    if (nb != NULL) {
      out->ptr = nb;
      out->cap = pos ? pos : 1;
    }
  }
  return 0;
}

/* libdeflate skips a gzip header's CRC16 (FHCRC) unchecked; zlib, the
 * streaming engine, rejects a wrong one. @return 0 when src starts with a
 * member whose header CRC is present and wrong (decline: the reference
 * judges it), else 1; a malformed header is left to libdeflate, which
 * rejects it as zlib does. */
static int gzip_hcrc_ok(const uint8_t *src, size_t len) {
  size_t p = 10;
  const uint8_t flg = src[3];
  if (!(flg & 0x02)) return 1;
  if (flg & 0x04) {
    if (len - p < 2) return 1;
    p += 2 + ((size_t)src[p] | (size_t)src[p + 1] << 8);
    if (p > len) return 1;
  }
  for (int bit = 0x08; bit <= 0x10; bit <<= 1) { /* FNAME, FCOMMENT */
    if (!(flg & bit)) continue;
    while (p < len && src[p] != 0) p++;
    if (p++ >= len) return 1;
  }
  if (len - p < 2) return 1;
  uint32_t want = (uint32_t)src[p] | (uint32_t)src[p + 1] << 8;
  return (libdeflate_crc32(0, src, p) & 0xffff) == want;
}

int ofl__gzip_fast_decompress(const uint8_t *src, size_t len, size_t limit,
                              ofl_codec_output_t *out) {
  if (len < 18 || src[0] != 0x1f || src[1] != 0x8b) return OFL__FAST_DECLINE;
  /* ISIZE of the last member: exact for one member, a hint otherwise. */
  size_t isize = (size_t)src[len - 4] | (size_t)src[len - 3] << 8 |
                 (size_t)src[len - 2] << 16 | (size_t)src[len - 1] << 24;
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d == NULL) return OFL_ENOMEM;
  size_t cap = first_size(isize, len, limit), pos = 0;
  uint8_t *buf = malloc(cap);
  int err = buf == NULL ? OFL_ENOMEM : 0;
  while (err == 0) {
    size_t in_used = 0, produced = 0;
    if (!gzip_hcrc_ok(src, len)) {
      err = OFL__FAST_DECLINE;
      break;
    }
    enum libdeflate_result r = libdeflate_gzip_decompress_ex(
        d, src, len, buf + pos, cap - pos, &in_used, &produced);
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
      /* Redo this member in a larger buffer, up to the limit. */
      if (cap >= limit) {
        err = OFL_ETOOBIG;
        break;
      }
      size_t ncap = cap > limit / 2 ? limit : cap * 2;
      uint8_t *nb = realloc(buf, ncap);
      if (nb == NULL) {
        err = OFL_ENOMEM;
        break;
      }
      buf = nb;
      cap = ncap;
      continue;
    }
    if (r != LIBDEFLATE_SUCCESS) {
      err = OFL_ECORRUPT;
      break;
    }
    pos += produced;
    src += in_used;
    len -= in_used;
    if (len == 0) break;
    /* Another member must follow; anything else is trailing garbage. */
    if (len < 18 || src[0] != 0x1f || src[1] != 0x8b) err = OFL_ECORRUPT;
  }
  libdeflate_free_decompressor(d);
  if (err == 0 && pos >= limit && limit != SIZE_MAX) err = OFL_ETOOBIG;
  if (err != 0) {
    free(buf);
    return err;
  }
  return finish(buf, pos, cap, out);
}

/* zstd frames that the single-pass decoder may take: the current format
 * only, each declaring its size, their total under limit and within the
 * 64x cap, nothing else before the end (libzstd decodes concatenated
 * frames in one call, as offload's parallel compression writes them).
 * @return the total size + 1, or 0. */
static size_t zstd_frames(const uint8_t *src, size_t len, size_t limit,
                          ofl_codec_span_t *spans, size_t *count) {
  size_t off = 0, total = 0, n = 0;
  if (len == 0) return 0;
  while (off < len) {
    const uint8_t *f = src + off;
    size_t left = len - off;
    /* Only the current frame format: libzstd may also read legacy frames
     * one-shot, which the streaming engine (the reference) rejects;
     * skippable frames are left to it too. */
    if (left < 4 || f[0] != 0x28 || f[1] != 0xb5 || f[2] != 0x2f ||
        f[3] != 0xfd)
      return 0;
    ZSTD_frameHeader fh;
    if (ZSTD_getFrameHeader(&fh, f, left) != 0 || fh.frameType != ZSTD_frame)
      return 0;
    /* libzstd 1.5.4's streaming decoder rejects blocks larger than the
     * window, its single-pass decoder does not: only frames whose blocks
     * can reach the format's maximum decode the same both ways. */
    if (fh.blockSizeMax != ZSTD_BLOCKSIZE_MAX) return 0;
    /* The single-pass decoder ignores the window limit, the streaming one
     * refuses a larger window (OFL_EWINDOW) unless raised: such frames go
     * to the reference, so every API answers alike. */
    if (fh.windowSize > (1ULL << OFL__ZSTD_WINDOWLOG_MAX)) return 0;
    unsigned long long fcs = fh.frameContentSize;
    if (fcs == ZSTD_CONTENTSIZE_UNKNOWN || fcs >= limit - total) return 0;
    size_t frame = ZSTD_findFrameCompressedSize(f, left);
    if (ZSTD_isError(frame) || frame == 0 || frame > left) return 0;
    if (spans != NULL && n < *count)
      spans[n] = (ofl_codec_span_t){off, frame, total, (size_t)fcs};
    n++;
    total += (size_t)fcs;
    off += frame;
  }
  if (total >= limit || total > first_size(0, len, SIZE_MAX)) return 0;
  if (count != NULL) *count = n;
  return total + 1;
}

static int zstd_exact(const uint8_t *src, size_t len, uint8_t *dst,
                      size_t size) {
  ZSTD_DCtx *dctx = ZSTD_createDCtx();
  int r = OFL__FAST_DECLINE;
  if (dctx == NULL) return OFL_ENOMEM;
  if (!ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27))) {
    size_t n = ZSTD_decompressDCtx(dctx, dst, size, src, len);
    /* Any failure is judged by the streaming engine, the reference. */
    if (!ZSTD_isError(n) && n == size) r = 0;
  }
  ZSTD_freeDCtx(dctx);
  return r;
}

int ofl__zstd_fast_decompress(const uint8_t *src, size_t len, size_t limit,
                              ofl_codec_output_t *out) {
  size_t size = zstd_frames(src, len, limit, NULL, NULL);
  if (size-- == 0) return OFL__FAST_DECLINE;
  uint8_t *buf = malloc(size ? size : 1);
  if (buf == NULL) return OFL_ENOMEM;
  int err = zstd_exact(src, len, buf, size);
  if (err != 0) {
    free(buf);
    return err;
  }
  return finish(buf, size, size ? size : 1, out);
}

/* lz4: one frame that declares its content size. @return size + 1, or 0. */
static size_t lz4_lone_frame(const uint8_t *src, size_t len, size_t limit) {
  LZ4F_dctx *d;
  LZ4F_frameInfo_t fi;
  size_t n = len, r;
  if (len < 7 || src[0] != 0x04 || src[1] != 0x22 || src[2] != 0x4d ||
      src[3] != 0x18)
    return 0;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION))) return 0;
  memset(&fi, 0, sizeof fi);
  r = LZ4F_getFrameInfo(d, &fi, src, &n);
  LZ4F_freeDecompressionContext(d);
  if (LZ4F_isError(r) || fi.contentSize == 0 || fi.contentSize >= limit ||
      fi.contentSize > first_size(0, len, SIZE_MAX))
    return 0;
  return (size_t)fi.contentSize + 1;
}

static int lz4_exact(const uint8_t *src, size_t len, uint8_t *dst,
                     size_t size) {
  LZ4F_dctx *d;
  size_t dn = size, sn = len, r;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
    return OFL_ENOMEM;
  r = LZ4F_decompress(d, dst, &dn, src, &sn, NULL);
  LZ4F_freeDecompressionContext(d);
  /* 0: the frame ended, checksums verified; it must be all of the input. */
  return !LZ4F_isError(r) && r == 0 && sn == len && dn == size
             ? 0
             : OFL__FAST_DECLINE;
}

/* gzip: ISIZE of the last member, a hint only (mod 2^32, may lie). */
static size_t gzip_member(const uint8_t *src, size_t len, size_t limit) {
  if (len < 18 || src[0] != 0x1f || src[1] != 0x8b) return 0;
  size_t isize = (size_t)src[len - 4] | (size_t)src[len - 3] << 8 |
                 (size_t)src[len - 2] << 16 | (size_t)src[len - 1] << 24;
  if (isize == 0 || isize >= limit || isize > first_size(0, len, SIZE_MAX))
    return 0;
  return isize + 1;
}

static int gzip_exact(const uint8_t *src, size_t len, uint8_t *dst,
                      size_t size) {
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  size_t in_used = 0, produced = 0;
  if (d == NULL) return OFL_ENOMEM;
  if (len < 18 || !gzip_hcrc_ok(src, len)) {
    libdeflate_free_decompressor(d);
    return OFL__FAST_DECLINE;
  }
  enum libdeflate_result r = libdeflate_gzip_decompress_ex(
      d, src, len, dst, size, &in_used, &produced);
  libdeflate_free_decompressor(d);
  return r == LIBDEFLATE_SUCCESS && in_used == len && produced == size
             ? 0
             : OFL__FAST_DECLINE;
}

size_t ofl_codec_size_hint(ofl_codec_id_t codec, const uint8_t *src, size_t len,
                           size_t max_output) {
  size_t limit = max_output == SIZE_MAX ? SIZE_MAX : max_output + 1, n = 0;
  if (src == NULL) return 0;
  if (codec == OFL_CODEC_AUTO && ofl_codec_detect(src, len, &codec) < 0)
    return 0;
  if (codec == OFL_CODEC_ZSTD) n = zstd_frames(src, len, limit, NULL, NULL);
  if (codec == OFL_CODEC_LZ4) n = lz4_lone_frame(src, len, limit);
  if (codec == OFL_CODEC_GZIP) n = gzip_member(src, len, limit);
  return n > 0 ? n - 1 : 0;
}

int ofl_codec_decompress_exact(ofl_codec_id_t codec, const uint8_t *src,
                               size_t len, uint8_t *dst, size_t size) {
  if (src == NULL || dst == NULL || size == 0) return OFL__FAST_DECLINE;
  if (codec == OFL_CODEC_AUTO && ofl_codec_detect(src, len, &codec) < 0)
    return OFL__FAST_DECLINE;
  if (codec == OFL_CODEC_ZSTD) /* the frames the hint accepts, no others */
    return zstd_frames(src, len, SIZE_MAX, NULL, NULL) == size + 1
               ? zstd_exact(src, len, dst, size)
               : OFL__FAST_DECLINE;
  if (codec == OFL_CODEC_LZ4) return lz4_exact(src, len, dst, size);
  if (codec == OFL_CODEC_GZIP) return gzip_exact(src, len, dst, size);
  return OFL__FAST_DECLINE;
}

size_t ofl_codec_zstd_spans(const uint8_t *src, size_t len, size_t max_output,
                            ofl_codec_span_t *spans, size_t max_spans,
                            size_t *total) {
  size_t limit = max_output == SIZE_MAX ? SIZE_MAX : max_output + 1;
  size_t n = max_spans, t;
  if (src == NULL) return 0;
  if ((t = zstd_frames(src, len, limit, spans, &n)) == 0) return 0;
  if (total != NULL) *total = t - 1;
  return n;
}
