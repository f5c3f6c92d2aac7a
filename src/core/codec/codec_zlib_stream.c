/* gzip / deflate (zlib) / deflate-raw streaming through zlib. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec_internal.h"

typedef struct {
  z_stream z;
  int live;        /* deflateInit/inflateInit succeeded */
  int member_done; /* decompress: the current member/stream ended */
  int finished;    /* compress: Z_STREAM_END seen */
} zimpl;

static int window_bits(ofl_codec_id_t c) {
  if (c == OFL_CODEC_GZIP) return 15 + 16;
  if (c == OFL_CODEC_DEFLATE) return 15;
  return -15;
}

static int map_zerr(int r) {
  if (r == Z_MEM_ERROR) return OFL_ENOMEM;
  if (r == Z_DATA_ERROR || r == Z_NEED_DICT) return OFL_ECORRUPT;
  return OFL_EINTERNAL;
}

static int zl_start(ofl_codec_stream_t *s, zimpl *st) {
  int r;
  memset(&st->z, 0, sizeof st->z);
  st->member_done = 0;
  st->finished = 0;
  if (s->mode == OFL_CODEC_COMPRESS) {
    r = deflateInit2(&st->z, s->level, Z_DEFLATED, window_bits(s->active), 8,
                     Z_DEFAULT_STRATEGY);
    if (r != Z_OK) return map_zerr(r);
    st->live = 1;
    if (s->dict_len > 0) {
      r = deflateSetDictionary(&st->z, s->dict, (uInt)s->dict_len);
      if (r != Z_OK) return OFL_EINVAL;
    }
  } else {
    r = inflateInit2(&st->z, window_bits(s->active));
    if (r != Z_OK) return map_zerr(r);
    st->live = 1;
    if (s->dict_len > 0 && s->active == OFL_CODEC_DEFLATE_RAW) {
      r = inflateSetDictionary(&st->z, s->dict, (uInt)s->dict_len);
      if (r != Z_OK) return OFL_EINVAL;
    }
  }
  return 0;
}

static void zl_destroy(ofl_codec_stream_t *s) {
  zimpl *st = s->impl;
  if (st == NULL) return;
  if (st->live) {
    if (s->mode == OFL_CODEC_COMPRESS)
      deflateEnd(&st->z);
    else
      inflateEnd(&st->z);
  }
  free(st);
  s->impl = NULL;
}

static int zl_init(ofl_codec_stream_t *s) {
  zimpl *st;
  int r;
  if (s->dict_len > UINT_MAX) return OFL_ERANGE;
  if (s->dict_len > 0 && s->active == OFL_CODEC_GZIP) return OFL_EUNSUPPORTED;
  st = calloc(1, sizeof *st);
  if (st == NULL) return OFL_ENOMEM;
  s->impl = st;
  r = zl_start(s, st);
  if (r < 0) zl_destroy(s);
  return r;
}

static int zl_reset(ofl_codec_stream_t *s) {
  zimpl *st = s->impl;
  if (st->live) {
    if (s->mode == OFL_CODEC_COMPRESS)
      deflateEnd(&st->z);
    else
      inflateEnd(&st->z);
    st->live = 0;
  }
  return zl_start(s, st);
}

/* zlib counts in uInt: feed at most UINT_MAX per call. */
static void zl_set(z_stream *z, ofl_codec_in_t *in, ofl_codec_out_t *out) {
  size_t ni = in->size - in->pos, no = out->size - out->pos;
  z->next_in = (Bytef *)(in->ptr ? in->ptr + in->pos : NULL);
  z->avail_in = ni > UINT_MAX ? UINT_MAX : (uInt)ni;
  z->next_out = out->ptr ? out->ptr + out->pos : NULL;
  z->avail_out = no > UINT_MAX ? UINT_MAX : (uInt)no;
}

static void zl_get(z_stream *z, ofl_codec_in_t *in, ofl_codec_out_t *out) {
  if (in->ptr) in->pos = (size_t)(z->next_in - in->ptr);
  if (out->ptr) out->pos = (size_t)(z->next_out - out->ptr);
}

static int zl_compress(zimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                       ofl_codec_directive_t d) {
  int flush = d == OFL_CODEC_CONTINUE ? Z_NO_FLUSH
              : d == OFL_CODEC_FLUSH  ? Z_SYNC_FLUSH
                                      : Z_FINISH;
  for (;;) {
    int r;
    if (st->finished) return in->pos < in->size ? OFL_EINVAL : 0;
    if (out->pos == out->size) return 1;
    zl_set(&st->z, in, out);
    r = deflate(&st->z, flush);
    zl_get(&st->z, in, out);
    if (r == Z_STREAM_END) {
      st->finished = 1;
      return 0;
    }
    if (r == Z_BUF_ERROR) return 0; /* nothing left to do for this flush */
    if (r != Z_OK) return map_zerr(r);
    if (out->pos == out->size) return 1;
    /* Output space remains: deflate consumed all it was given. */
    if (in->pos == in->size && flush != Z_FINISH) return 0;
  }
}

static int zl_decompress(ofl_codec_stream_t *s, zimpl *st, ofl_codec_in_t *in,
                         ofl_codec_out_t *out, ofl_codec_directive_t d) {
  for (;;) {
    int r;
    size_t in0, out0;
    if (st->member_done) {
      if (in->pos == in->size) return 0;
      /* Only gzip allows another member; anything else is garbage. */
      if (s->active != OFL_CODEC_GZIP) return OFL_ECORRUPT;
      if (inflateReset(&st->z) != Z_OK) return OFL_EINTERNAL;
      st->member_done = 0;
    }
    if (out->pos == out->size) return 1;
    in0 = in->pos;
    out0 = out->pos;
    zl_set(&st->z, in, out);
    r = inflate(&st->z, Z_NO_FLUSH);
    zl_get(&st->z, in, out);
    if (r == Z_STREAM_END) {
      st->member_done = 1;
      continue;
    }
    if (r == Z_NEED_DICT) {
      if (s->dict_len == 0) return OFL_ECORRUPT;
      if (inflateSetDictionary(&st->z, s->dict, (uInt)s->dict_len) != Z_OK)
        return OFL_ECORRUPT;
      continue;
    }
    if (r != Z_OK && r != Z_BUF_ERROR) return map_zerr(r);
    if (out->pos == out->size) return 1;
    if (in->pos == in->size) return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
    if (in->pos == in0 && out->pos == out0) return OFL_EINTERNAL;
  }
}

static int zl_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                      ofl_codec_out_t *out, ofl_codec_directive_t d) {
  zimpl *st = s->impl;
  if (s->mode == OFL_CODEC_COMPRESS) return zl_compress(st, in, out, d);
  return zl_decompress(s, st, in, out, d);
}

const ofl__codec_vt ofl__zlib_vt = {zl_init, zl_process, zl_reset, zl_destroy};
