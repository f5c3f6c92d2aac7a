/* lz4 frame format (LZ4F): one-shot LZ4F_compressFrame, streaming both
 * ways. LZ4F_compressUpdate needs a worst-case sized destination, so the
 * streaming encoder stages its output and drains it into the caller's. */
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

#define OFL__LZ4_CHUNK ((size_t)64 << 10)

typedef struct {
  LZ4F_cctx *c;
  LZ4F_dctx *d;
  LZ4F_preferences_t prefs;
  uint8_t *stage; /* compress: staged output */
  size_t stage_cap, stage_len, stage_pos;
  int begun, finished;
  int at_boundary, fed; /* decompress */
} l4impl;

static void lz4_prefs(LZ4F_preferences_t *p, int level, int checksum,
                      unsigned long long content_size) {
  memset(p, 0, sizeof *p);
  p->compressionLevel = level;
  p->frameInfo.contentChecksumFlag =
      checksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  p->frameInfo.contentSize = content_size;
}

int ofl__lz4_bound(size_t len, size_t *out) {
  LZ4F_preferences_t p;
  size_t b;
  lz4_prefs(&p, 0, 1, len);
  b = LZ4F_compressFrameBound(len, &p);
  if (LZ4F_isError(b) || b < len) return OFL_ERANGE;
  *out = b;
  return 0;
}

int ofl__lz4_oneshot(int level, int checksum, const uint8_t *src, size_t len,
                     uint8_t *dst, size_t cap, size_t *n) {
  LZ4F_preferences_t p;
  size_t bound, r;
  lz4_prefs(&p, level, checksum, len);
  bound = LZ4F_compressFrameBound(len, &p);
  if (LZ4F_isError(bound) || bound < len) return OFL_ERANGE;
  if (bound > cap) return OFL__FAST_DECLINE;
  r = LZ4F_compressFrame(dst, cap, src, len, &p);
  if (LZ4F_isError(r)) return OFL_EINTERNAL;
  *n = r;
  return 0;
}

static void l4_destroy(ofl_codec_stream_t *s) {
  l4impl *st = s->impl;
  if (st == NULL) return;
  if (st->c) LZ4F_freeCompressionContext(st->c);
  if (st->d) LZ4F_freeDecompressionContext(st->d);
  free(st->stage);
  free(st);
  s->impl = NULL;
}

static int l4_init(ofl_codec_stream_t *s) {
  l4impl *st;
  if (s->dict_len > 0) return OFL_EUNSUPPORTED;
  st = calloc(1, sizeof *st);
  if (st == NULL) return OFL_ENOMEM;
  s->impl = st;
  if (s->mode == OFL_CODEC_COMPRESS) {
    lz4_prefs(&st->prefs, s->level, s->checksum,
              s->pledged ? s->pledged - 1 : 0);
    if (LZ4F_isError(LZ4F_createCompressionContext(&st->c, LZ4F_VERSION))) {
      l4_destroy(s);
      return OFL_ENOMEM;
    }
    st->stage_cap = LZ4F_compressBound(OFL__LZ4_CHUNK, &st->prefs);
    if (st->stage_cap < LZ4F_HEADER_SIZE_MAX)
      st->stage_cap = LZ4F_HEADER_SIZE_MAX;
    st->stage = malloc(st->stage_cap);
    if (st->stage == NULL) {
      l4_destroy(s);
      return OFL_ENOMEM;
    }
  } else if (LZ4F_isError(
                 LZ4F_createDecompressionContext(&st->d, LZ4F_VERSION))) {
    l4_destroy(s);
    return OFL_ENOMEM;
  }
  return 0;
}

static int l4_reset(ofl_codec_stream_t *s) {
  l4impl *st = s->impl;
  if (st->c && st->begun && !st->finished) {
    /* No abort API in 1.9: start over with a fresh context. */
    LZ4F_freeCompressionContext(st->c);
    st->c = NULL;
    if (LZ4F_isError(LZ4F_createCompressionContext(&st->c, LZ4F_VERSION)))
      return OFL_ENOMEM;
  }
  if (st->d) LZ4F_resetDecompressionContext(st->d);
  st->stage_len = st->stage_pos = 0;
  st->begun = st->finished = 0;
  st->at_boundary = st->fed = 0;
  return 0;
}

static int drain(l4impl *st, ofl_codec_out_t *out) {
  size_t n = st->stage_len - st->stage_pos, room = out->size - out->pos;
  if (n > room) n = room;
  if (n) memcpy(out->ptr + out->pos, st->stage + st->stage_pos, n);
  out->pos += n;
  st->stage_pos += n;
  if (st->stage_pos < st->stage_len) return 1;
  st->stage_len = st->stage_pos = 0;
  return 0;
}

static int l4_compress(l4impl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                       ofl_codec_directive_t d) {
  size_t n;
  if (!st->begun) {
    n = LZ4F_compressBegin(st->c, st->stage, st->stage_cap, &st->prefs);
    if (LZ4F_isError(n)) return OFL_EINTERNAL;
    st->stage_len = n;
    st->begun = 1;
  }
  for (;;) {
    if (drain(st, out)) return 1;
    if (st->finished) return in->pos < in->size ? OFL_EINVAL : 0;
    if (in->pos < in->size) {
      size_t chunk = in->size - in->pos;
      if (chunk > OFL__LZ4_CHUNK) chunk = OFL__LZ4_CHUNK;
      n = LZ4F_compressUpdate(st->c, st->stage, st->stage_cap,
                              in->ptr + in->pos, chunk, NULL);
      if (LZ4F_isError(n)) return OFL_EINTERNAL;
      in->pos += chunk;
      st->stage_len = n;
      continue;
    }
    if (d == OFL_CODEC_CONTINUE) return 0;
    if (d == OFL_CODEC_FLUSH) {
      n = LZ4F_flush(st->c, st->stage, st->stage_cap, NULL);
      if (LZ4F_isError(n)) return OFL_EINTERNAL;
      if (n == 0) return 0;
      st->stage_len = n;
      continue;
    }
    n = LZ4F_compressEnd(st->c, st->stage, st->stage_cap, NULL);
    if (LZ4F_isError(n)) return OFL_EINTERNAL;
    st->stage_len = n;
    st->finished = 1;
  }
}

static int l4_decompress(l4impl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                         ofl_codec_directive_t d) {
  for (;;) {
    size_t ni, no, r;
    if (out->pos == out->size) return 1;
    if (in->pos == in->size && st->at_boundary) return 0;
    ni = in->size - in->pos;
    no = out->size - out->pos;
    r = LZ4F_decompress(st->d, out->ptr + out->pos, &no,
                        in->ptr ? in->ptr + in->pos : NULL, &ni, NULL);
    if (LZ4F_isError(r)) return OFL_ECORRUPT;
    if (ni) st->fed = 1;
    if (r == 0)
      st->at_boundary = 1;
    else if (ni || no)
      st->at_boundary = 0;
    in->pos += ni;
    out->pos += no;
    if (out->pos == out->size) return 1;
    if (in->pos == in->size) {
      if (st->at_boundary && st->fed) return 0;
      return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
    }
    if (ni == 0 && no == 0) return OFL_EINTERNAL;
  }
}

static int l4_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                      ofl_codec_out_t *out, ofl_codec_directive_t d) {
  l4impl *st = s->impl;
  if (s->mode == OFL_CODEC_COMPRESS) return l4_compress(st, in, out, d);
  return l4_decompress(st, in, out, d);
}

const ofl__codec_vt ofl__lz4_vt = {l4_init, l4_process, l4_reset, l4_destroy};
