/* zstd: one-shot ZSTD_compress2, streaming both ways. */
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "codec_internal.h"

typedef struct {
  ZSTD_CCtx *c;
  ZSTD_DCtx *d;
  int at_boundary; /* decompress: last frame complete and flushed */
  int fed;         /* decompress: any input consumed since start */
  /* decompress: the current frame's first bytes, fed to zstd at most 4 at
   * a time until the magic is known, so legacy (v0.x) frames, which libzstd
   * would otherwise decode, are rejected before any output. */
  unsigned char magic[4];
  size_t magic_len;
} zsimpl;

static int is_legacy_magic(const unsigned char m[4]) {
  return m[0] >= 0x22 && m[0] <= 0x27 && m[1] == 0xb5 && m[2] == 0x2f &&
         m[3] == 0xfd;
}

/* Decoder window limit: what a frame header may ask us to allocate. */
#define OFL__ZSTD_WINDOWLOG_MAX 27

static int map_zstd(size_t r) {
  if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation) return OFL_ENOMEM;
  return OFL_ECORRUPT;
}

int ofl__zstd_check_workers(int workers) {
  ZSTD_bounds b;
  if (workers < 0) return OFL_ERANGE;
  if (workers == 0) return 0;
  b = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);
  if (ZSTD_isError(b.error) || b.upperBound < 1) return OFL_EUNSUPPORTED;
  if (workers > b.upperBound) return OFL_ERANGE;
  return 0;
}

static int cctx_setup(ZSTD_CCtx *c, int level, int checksum, int workers,
                      const uint8_t *dict, size_t dict_len) {
  if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level)))
    return OFL_ERANGE;
  if (ZSTD_isError(
          ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum ? 1 : 0)))
    return OFL_EINVAL;
  if (workers > 0 &&
      ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, workers)))
    return OFL_EUNSUPPORTED;
  if (dict_len > 0 && ZSTD_isError(ZSTD_CCtx_loadDictionary(c, dict, dict_len)))
    return OFL_EINVAL;
  return 0;
}

int ofl__zstd_bound(size_t len, size_t *out) {
  size_t b = ZSTD_compressBound(len);
  if (ZSTD_isError(b) || b < len) return OFL_ERANGE;
  *out = b;
  return 0;
}

int ofl__zstd_oneshot(int level, int checksum, int workers,
                      const uint8_t *dict, size_t dict_len,
                      const uint8_t *src, size_t len,
                      ofl_codec_output_t *out) {
  size_t bound, n;
  uint8_t *buf;
  int r;
  ZSTD_CCtx *c;
  if ((r = ofl__zstd_bound(len, &bound)) < 0) return r;
  c = ZSTD_createCCtx();
  if (c == NULL) return OFL_ENOMEM;
  r = cctx_setup(c, level, checksum, workers, dict, dict_len);
  if (r < 0) {
    ZSTD_freeCCtx(c);
    return r;
  }
  buf = malloc(bound);
  if (buf == NULL) {
    ZSTD_freeCCtx(c);
    return OFL_ENOMEM;
  }
  n = ZSTD_compress2(c, buf, bound, src, len);
  ZSTD_freeCCtx(c);
  if (ZSTD_isError(n)) {
    free(buf);
    return ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation
               ? OFL_ENOMEM
               : OFL_EINTERNAL;
  }
  out->ptr = buf;
  out->len = n;
  out->cap = bound;
  return 0;
}

static void zs_destroy(ofl_codec_stream_t *s) {
  zsimpl *st = s->impl;
  if (st == NULL) return;
  ZSTD_freeCCtx(st->c);
  ZSTD_freeDCtx(st->d);
  free(st);
  s->impl = NULL;
}

static int zs_configure(ofl_codec_stream_t *s, zsimpl *st) {
  int r;
  st->at_boundary = 0;
  st->fed = 0;
  st->magic_len = 0;
  if (s->mode == OFL_CODEC_COMPRESS) {
    r = cctx_setup(st->c, s->level, s->checksum, s->workers, s->dict,
                   s->dict_len);
    if (r < 0) return r;
    if (s->pledged > 0 &&
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(st->c, s->pledged - 1)))
      return OFL_EINVAL;
    return 0;
  }
  if (ZSTD_isError(ZSTD_DCtx_setParameter(st->d, ZSTD_d_windowLogMax,
                                          OFL__ZSTD_WINDOWLOG_MAX)))
    return OFL_EINTERNAL;
  if (s->dict_len > 0 &&
      ZSTD_isError(ZSTD_DCtx_loadDictionary(st->d, s->dict, s->dict_len)))
    return OFL_EINVAL;
  return 0;
}

static int zs_init(ofl_codec_stream_t *s) {
  zsimpl *st = calloc(1, sizeof *st);
  int r;
  if (st == NULL) return OFL_ENOMEM;
  s->impl = st;
  if (s->mode == OFL_CODEC_COMPRESS)
    st->c = ZSTD_createCCtx();
  else
    st->d = ZSTD_createDCtx();
  if (st->c == NULL && st->d == NULL) {
    zs_destroy(s);
    return OFL_ENOMEM;
  }
  r = zs_configure(s, st);
  if (r < 0) zs_destroy(s);
  return r;
}

static int zs_reset(ofl_codec_stream_t *s) {
  zsimpl *st = s->impl;
  if (st->c) ZSTD_CCtx_reset(st->c, ZSTD_reset_session_and_parameters);
  if (st->d) ZSTD_DCtx_reset(st->d, ZSTD_reset_session_and_parameters);
  return zs_configure(s, st);
}

static int zs_compress(zsimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                       ofl_codec_directive_t d) {
  ZSTD_EndDirective e = d == OFL_CODEC_CONTINUE ? ZSTD_e_continue
                        : d == OFL_CODEC_FLUSH  ? ZSTD_e_flush
                                                : ZSTD_e_end;
  for (;;) {
    ZSTD_inBuffer zi = {in->ptr, in->size, in->pos};
    ZSTD_outBuffer zo = {out->ptr, out->size, out->pos};
    size_t r = ZSTD_compressStream2(st->c, &zo, &zi, e);
    in->pos = zi.pos;
    out->pos = zo.pos;
    if (ZSTD_isError(r))
      return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
                 ? OFL_ENOMEM
                 : OFL_EINTERNAL;
    if (e == ZSTD_e_continue) {
      if (in->pos == in->size) return 0;
      if (out->pos == out->size) return 1;
      continue;
    }
    if (r == 0) return 0;
    if (out->pos == out->size) return 1;
  }
}

static int zs_decompress(zsimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                         ofl_codec_directive_t d) {
  for (;;) {
    ZSTD_inBuffer zi = {in->ptr, in->size, in->pos};
    ZSTD_outBuffer zo = {out->ptr, out->size, out->pos};
    size_t r;
    if (out->pos == out->size) return 1;
    if (in->pos == in->size && st->at_boundary) return 0;
    if (st->magic_len < 4 && zi.size - zi.pos > 4 - st->magic_len)
      zi.size = zi.pos + (4 - st->magic_len);
    r = ZSTD_decompressStream(st->d, &zo, &zi);
    if (ZSTD_isError(r)) return map_zstd(r);
    if (zi.pos > in->pos) st->fed = 1;
    if (st->magic_len < 4) {
      size_t n = zi.pos - in->pos;
      for (size_t i = 0; i < n && st->magic_len < 4; i++)
        st->magic[st->magic_len++] = in->ptr[in->pos + i];
      if (st->magic_len == 4 && is_legacy_magic(st->magic)) return OFL_ECORRUPT;
    }
    if (r == 0) {
      st->at_boundary = 1;
      st->magic_len = 0; /* the next frame starts */
    } else if (zi.pos > in->pos || zo.pos > out->pos)
      st->at_boundary = 0;
    in->pos = zi.pos;
    out->pos = zo.pos;
    if (out->pos == out->size) return 1;
    if (in->pos == in->size) {
      if (st->at_boundary && st->fed) return 0;
      return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
    }
  }
}

static int zs_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                      ofl_codec_out_t *out, ofl_codec_directive_t d) {
  zsimpl *st = s->impl;
  if (s->mode == OFL_CODEC_COMPRESS) return zs_compress(st, in, out, d);
  return zs_decompress(st, in, out, d);
}

const ofl__codec_vt ofl__zstd_vt = {zs_init, zs_process, zs_reset,
                                    zs_destroy};
