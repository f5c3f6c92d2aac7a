/* zstd: one-shot ZSTD_compress2, streaming both ways. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader */
#include <zstd.h>
#include <zstd_errors.h>

#include "codec_internal.h"

typedef struct {
  ZSTD_CCtx *c;
  ZSTD_DCtx *d;
  int in_frame; /* decompress: zstd has the current frame's header */
  int fed;      /* decompress: any input consumed since start */
  /* decompress: the next frame's header, staged here and handed to zstd
   * whole (see zs_stage_header) */
  unsigned char hdr[ZSTD_FRAMEHEADERSIZE_MAX];
  size_t hdr_len;
} zsimpl;

static int map_zstd(size_t r) {
  switch (ZSTD_getErrorCode(r)) {
    case ZSTD_error_memory_allocation:
      return OFL_ENOMEM;
    case ZSTD_error_frameParameter_windowTooLarge:
      return OFL_EWINDOW;
    default:
      return OFL_ECORRUPT;
  }
}

int ofl_codec_max_workers(ofl_codec_id_t codec) {
  ZSTD_bounds b;
  if (codec != OFL_CODEC_ZSTD) return 0;
  b = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);
  return ZSTD_isError(b.error) || b.upperBound < 1 ? 0 : b.upperBound;
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

/* One-shot compressions borrow contexts from a small process-wide pool: a
 * reused ZSTD_CCtx keeps its workspace (no allocation, no page faults) and
 * leaves its tables dirty instead of clearing them, which cost about as
 * much as compressing a 512 KiB frame of incompressible input. Bounded in
 * count and in size: contexts beyond either are freed. */
#define OFL__CCTX_POOL 8
#define OFL__CCTX_KEEP ((size_t)8 << 20)
static uv_once_t pool_once = UV_ONCE_INIT;
static uv_mutex_t pool_lock; /* guards pool and pool_n */
static ZSTD_CCtx *pool[OFL__CCTX_POOL];
static int pool_n;

static void pool_init(void) {
  if (uv_mutex_init(&pool_lock) != 0) abort();
}

static ZSTD_CCtx *cctx_get(void) {
  ZSTD_CCtx *c = NULL;
  uv_once(&pool_once, pool_init);
  uv_mutex_lock(&pool_lock);
  if (pool_n > 0) c = pool[--pool_n];
  uv_mutex_unlock(&pool_lock);
  if (c == NULL) return ZSTD_createCCtx();
  /* Parameters, dictionary and workers as new. */
  ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
  return c;
}

static void cctx_put(ZSTD_CCtx *c) {
  if (c == NULL) return;
  if (ZSTD_sizeof_CCtx(c) <= OFL__CCTX_KEEP) {
    uv_mutex_lock(&pool_lock);
    if (pool_n < OFL__CCTX_POOL) {
      pool[pool_n++] = c;
      c = NULL;
    }
    uv_mutex_unlock(&pool_lock);
  }
  ZSTD_freeCCtx(c);
}

int ofl__zstd_oneshot(int level, int checksum, int workers, const uint8_t *dict,
                      size_t dict_len, const uint8_t *src, size_t len,
                      uint8_t *dst, size_t cap, size_t *n) {
  size_t bound, r;
  int e;
  if ((e = ofl__zstd_bound(len, &bound)) < 0) return e;
  if (bound > cap) return OFL__FAST_DECLINE;
  ZSTD_CCtx *c = cctx_get();
  if (c == NULL) return OFL_ENOMEM;
  e = cctx_setup(c, level, checksum, workers, dict, dict_len);
  if (e == 0) {
    r = ZSTD_compress2(c, dst, cap, src, len);
    if (!ZSTD_isError(r))
      *n = r;
    else
      e = ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? OFL_ENOMEM
                                                               : OFL_EINTERNAL;
  }
  cctx_put(c);
  return e;
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
  st->in_frame = 0;
  st->fed = 0;
  st->hdr_len = 0;
  if (s->mode == OFL_CODEC_COMPRESS) {
    r = cctx_setup(st->c, s->level, s->checksum, s->workers, s->dict,
                   s->dict_len);
    if (r < 0) return r;
    if (s->pledged > 0 &&
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(st->c, s->pledged - 1)))
      return OFL_EINVAL;
    return 0;
  }
  if (ZSTD_isError(ZSTD_DCtx_setParameter(
          st->d, ZSTD_d_windowLogMax,
          s->window_log_max > 0 ? s->window_log_max : OFL__ZSTD_WINDOWLOG_MAX)))
    return OFL_EINVAL;
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

/* Collects the next frame's header. libzstd 1.5.4's single-pass shortcut
 * in ZSTD_decompressStream reads the frame from the start of the current
 * call's input even when earlier calls supplied part of its header, so a
 * header split across calls can make it decode the wrong bytes; zstd is
 * therefore only ever given whole headers. ZSTD_getFrameHeader also rejects
 * legacy (v0.x) magics, which libzstd would otherwise decode.
 * @return 1 when the header is complete, 0 when input ran out, <0 on error. */
static int zs_stage_header(zsimpl *st, ofl_codec_in_t *in) {
  for (;;) {
    ZSTD_frameHeader fh;
    size_t need = ZSTD_getFrameHeader(&fh, st->hdr, st->hdr_len), n;
    if (ZSTD_isError(need) || need > sizeof st->hdr) return OFL_ECORRUPT;
    if (need == 0) return 1;
    if (in->pos == in->size) return 0;
    n = need - st->hdr_len;
    if (n > in->size - in->pos) n = in->size - in->pos;
    memcpy(st->hdr + st->hdr_len, in->ptr + in->pos, n);
    st->hdr_len += n;
    in->pos += n;
    st->fed = 1;
  }
}

static int zs_decompress(zsimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                         ofl_codec_directive_t d) {
  for (;;) {
    ZSTD_inBuffer zi = {in->ptr, in->size, in->pos};
    ZSTD_outBuffer zo = {out->ptr, out->size, out->pos};
    size_t r;
    if (out->pos == out->size) return 1;
    if (!st->in_frame) {
      int h = zs_stage_header(st, in);
      if (h < 0) return h;
      if (h == 0) {
        if (st->hdr_len == 0 && st->fed) return 0; /* between frames */
        return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
      }
      zi.src = st->hdr;
      zi.size = st->hdr_len;
      zi.pos = 0;
      r = ZSTD_decompressStream(st->d, &zo, &zi);
      if (ZSTD_isError(r)) return map_zstd(r);
      if (zi.pos != zi.size) return OFL_EINTERNAL;
      st->hdr_len = 0;
      st->in_frame = r != 0;
      out->pos = zo.pos;
      continue;
    }
    r = ZSTD_decompressStream(st->d, &zo, &zi);
    if (ZSTD_isError(r)) return map_zstd(r);
    in->pos = zi.pos;
    out->pos = zo.pos;
    if (r == 0) {
      st->in_frame = 0; /* the next frame, if any, starts here */
      continue;
    }
    if (out->pos == out->size) return 1;
    if (in->pos == in->size) return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
  }
}

static int zs_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                      ofl_codec_out_t *out, ofl_codec_directive_t d) {
  zsimpl *st = s->impl;
  if (s->mode == OFL_CODEC_COMPRESS) return zs_compress(st, in, out, d);
  return zs_decompress(st, in, out, d);
}

const ofl__codec_vt ofl__zstd_vt = {zs_init, zs_process, zs_reset, zs_destroy};
