/* One-shot decompression fast paths: libdeflate for gzip, and zstd's
 * single-pass decoder for a lone frame that declares its size. Both decode
 * straight into the output (the streaming engine decodes through a window
 * and a growing buffer). A header-declared size is only a hint: it sizes
 * the first allocation after being capped at 64x the input (+64 KiB) and
 * at the caller's limit, so a lying header costs at most that much. */
#include <libdeflate.h>
#include <stdlib.h>
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

static int finish(uint8_t *buf, size_t pos, size_t cap, ofl_codec_output_t *out) {
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

int ofl__zstd_fast_decompress(const uint8_t *src, size_t len, size_t limit,
                              ofl_codec_output_t *out) {
  /* Only the current frame format: libzstd may also read legacy frames
   * one-shot, which the streaming engine (the reference) rejects. */
  if (len < 4 || src[0] != 0x28 || src[1] != 0xb5 || src[2] != 0x2f ||
      src[3] != 0xfd)
    return OFL__FAST_DECLINE;
  ZSTD_frameHeader fh;
  if (ZSTD_getFrameHeader(&fh, src, len) != 0 || fh.frameType != ZSTD_frame)
    return OFL__FAST_DECLINE;
  /* libzstd 1.5.4's streaming decoder rejects blocks larger than the
   * window, its single-pass decoder does not: only frames whose blocks can
   * reach the format's maximum decode the same both ways. */
  if (fh.blockSizeMax != ZSTD_BLOCKSIZE_MAX) return OFL__FAST_DECLINE;
  unsigned long long fcs = fh.frameContentSize;
  if (fcs == ZSTD_CONTENTSIZE_UNKNOWN) return OFL__FAST_DECLINE;
  size_t frame = ZSTD_findFrameCompressedSize(src, len);
  /* Several frames, skippable frames, garbage or oversized claims: the
   * streaming engine handles (and reports) those. */
  if (ZSTD_isError(frame) || frame != len || fcs >= limit ||
      fcs > first_size(0, len, SIZE_MAX))
    return OFL__FAST_DECLINE;
  ZSTD_DCtx *dctx = ZSTD_createDCtx();
  if (dctx == NULL) return OFL_ENOMEM;
  uint8_t *buf = malloc(fcs ? (size_t)fcs : 1);
  int err = buf == NULL ? OFL_ENOMEM : 0;
  if (err == 0 && ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27)))
    err = OFL_EINTERNAL;
  if (err == 0) {
    size_t n = ZSTD_decompressDCtx(dctx, buf, (size_t)fcs, src, len);
    /* Any failure is judged by the streaming engine, the reference. */
    if (ZSTD_isError(n) || n != fcs) err = OFL__FAST_DECLINE;
  }
  ZSTD_freeDCtx(dctx);
  if (err != 0) {
    free(buf);
    return err;
  }
  return finish(buf, (size_t)fcs, fcs ? (size_t)fcs : 1, out);
}
