/* brotli: one-shot BrotliEncoderCompress, streaming both ways. brotli
 * 1.0.9 has no shared-dictionary API, so dictionaries are unsupported. */
#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdlib.h>

#include "codec_internal.h"

typedef struct {
  BrotliEncoderState *e;
  BrotliDecoderState *d;
  int done; /* decompress: stream complete */
} brimpl;

int ofl__brotli_bound(size_t len, size_t *out) {
  size_t b = BrotliEncoderMaxCompressedSize(len);
  if (b == 0 || b < len) return OFL_ERANGE;
  *out = b;
  return 0;
}

int ofl__brotli_oneshot(int level, const uint8_t *src, size_t len, uint8_t *dst,
                        size_t cap, size_t *n) {
  size_t bound;
  int r = ofl__brotli_bound(len, &bound);
  if (r < 0) return r;
  if (bound > cap) return OFL__FAST_DECLINE;
  *n = cap;
  if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                             len, src, n, dst))
    return OFL_ENOMEM; /* only fails on allocation with a bound buffer */
  return 0;
}

static void br_destroy(ofl_codec_stream_t *s) {
  brimpl *st = s->impl;
  if (st == NULL) return;
  if (st->e) BrotliEncoderDestroyInstance(st->e);
  if (st->d) BrotliDecoderDestroyInstance(st->d);
  free(st);
  s->impl = NULL;
}

static int br_open(ofl_codec_stream_t *s, brimpl *st) {
  st->done = 0;
  if (s->mode == OFL_CODEC_COMPRESS) {
    st->e = BrotliEncoderCreateInstance(NULL, NULL, NULL);
    if (st->e == NULL) return OFL_ENOMEM;
    if (!BrotliEncoderSetParameter(st->e, BROTLI_PARAM_QUALITY,
                                   (uint32_t)s->level))
      return OFL_ERANGE;
    if (s->pledged > 0 && s->pledged - 1 <= UINT32_MAX)
      BrotliEncoderSetParameter(st->e, BROTLI_PARAM_SIZE_HINT,
                                (uint32_t)(s->pledged - 1));
    return 0;
  }
  st->d = BrotliDecoderCreateInstance(NULL, NULL, NULL);
  return st->d == NULL ? OFL_ENOMEM : 0;
}

static int br_init(ofl_codec_stream_t *s) {
  brimpl *st;
  int r;
  if (s->dict_len > 0) return OFL_EUNSUPPORTED;
  st = calloc(1, sizeof *st);
  if (st == NULL) return OFL_ENOMEM;
  s->impl = st;
  r = br_open(s, st);
  if (r < 0) br_destroy(s);
  return r;
}

static int br_reset(ofl_codec_stream_t *s) {
  brimpl *st = s->impl;
  if (st->e) BrotliEncoderDestroyInstance(st->e);
  if (st->d) BrotliDecoderDestroyInstance(st->d);
  st->e = NULL;
  st->d = NULL;
  return br_open(s, st);
}

static int br_compress(brimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                       ofl_codec_directive_t d) {
  BrotliEncoderOperation op = d == OFL_CODEC_CONTINUE ? BROTLI_OPERATION_PROCESS
                              : d == OFL_CODEC_FLUSH  ? BROTLI_OPERATION_FLUSH
                                                      : BROTLI_OPERATION_FINISH;
  for (;;) {
    size_t ni = in->size - in->pos, no = out->size - out->pos;
    const uint8_t *pi = in->ptr ? in->ptr + in->pos : NULL;
    uint8_t *po = out->ptr ? out->ptr + out->pos : NULL;
    if (BrotliEncoderIsFinished(st->e))
      return in->pos < in->size ? OFL_EINVAL : 0;
    if (no == 0) return 1;
    if (!BrotliEncoderCompressStream(st->e, op, &ni, &pi, &no, &po, NULL))
      return OFL_EINTERNAL;
    in->pos = in->size - ni;
    out->pos = out->size - no;
    if (op == BROTLI_OPERATION_FINISH) {
      if (BrotliEncoderIsFinished(st->e)) return 0;
      continue;
    }
    if (ni == 0 && !BrotliEncoderHasMoreOutput(st->e)) return 0;
  }
}

static int br_decompress(brimpl *st, ofl_codec_in_t *in, ofl_codec_out_t *out,
                         ofl_codec_directive_t d) {
  size_t ni, no;
  const uint8_t *pi;
  uint8_t *po;
  BrotliDecoderResult r;
  if (st->done) return in->pos < in->size ? OFL_ECORRUPT : 0;
  if (out->pos == out->size) return 1;
  ni = in->size - in->pos;
  no = out->size - out->pos;
  pi = in->ptr ? in->ptr + in->pos : NULL;
  po = out->ptr + out->pos;
  r = BrotliDecoderDecompressStream(st->d, &ni, &pi, &no, &po, NULL);
  in->pos = in->size - ni;
  out->pos = out->size - no;
  switch (r) {
    case BROTLI_DECODER_RESULT_SUCCESS:
      st->done = 1;
      return in->pos < in->size ? OFL_ECORRUPT : 0;
    case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
      return 1;
    case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
      return d == OFL_CODEC_END ? OFL_ECORRUPT : 0;
    default: {
      int e = (int)BrotliDecoderGetErrorCode(st->d);
      return e <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
                     e >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES
                 ? OFL_ENOMEM
                 : OFL_ECORRUPT;
    }
  }
}

static int br_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                      ofl_codec_out_t *out, ofl_codec_directive_t d) {
  brimpl *st = s->impl;
  if (s->mode == OFL_CODEC_COMPRESS) return br_compress(st, in, out, d);
  return br_decompress(st, in, out, d);
}

const ofl__codec_vt ofl__brotli_vt = {br_init, br_process, br_reset,
                                      br_destroy};
