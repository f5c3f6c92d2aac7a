/* Stream contexts: option capture, AUTO detection, max_output accounting.
 * Codec files implement the per-format state machines behind ofl__codec_vt. */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

static const ofl__codec_vt *vt_for(ofl_codec_id_t c) {
  switch (c) {
    case OFL_CODEC_GZIP:
    case OFL_CODEC_DEFLATE:
    case OFL_CODEC_DEFLATE_RAW:
      return &ofl__zlib_vt;
    case OFL_CODEC_ZSTD:
      return &ofl__zstd_vt;
    case OFL_CODEC_LZ4:
      return &ofl__lz4_vt;
    case OFL_CODEC_BROTLI:
      return &ofl__brotli_vt;
    default:
      return NULL;
  }
}

static int activate(ofl_codec_stream_t *s, ofl_codec_id_t c) {
  int r;
  s->active = c;
  s->vt = vt_for(c);
  r = s->vt->init(s);
  if (r < 0) {
    s->vt = NULL;
    s->impl = NULL;
  }
  return r;
}

/* Internal variant: pledged = known total input size for compression. */
int ofl__stream_create(ofl_codec_mode_t mode, ofl_codec_id_t codec,
                       const ofl_codec_opts_t *opts, int have_pledged,
                       size_t pledged, ofl_codec_stream_t **out) {
  ofl_codec_opts_t def;
  ofl_codec_stream_t *s;
  int r, level = 0;
  if (out == NULL) return OFL_EINVAL;
  *out = NULL;
  if (opts == NULL) {
    ofl_codec_opts_init(&def);
    opts = &def;
  }
  if (mode != OFL_CODEC_COMPRESS && mode != OFL_CODEC_DECOMPRESS)
    return OFL_EINVAL;
  if (codec == OFL_CODEC_AUTO ? mode != OFL_CODEC_DECOMPRESS
                              : vt_for(codec) == NULL)
    return OFL_EUNSUPPORTED;
  if (opts->dict_len > 0 && opts->dict == NULL) return OFL_EINVAL;
  if (mode == OFL_CODEC_COMPRESS) {
    if ((r = ofl__level_resolve(codec, opts->level, 0, &level)) < 0) return r;
    if (codec == OFL_CODEC_ZSTD &&
        (r = ofl__zstd_check_workers(opts->workers)) < 0)
      return r;
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) return OFL_ENOMEM;
  s->mode = mode;
  s->codec = codec;
  s->level = level;
  s->checksum = opts->checksum;
  s->window_log_max = opts->window_log_max;
  s->workers = codec == OFL_CODEC_ZSTD ? opts->workers : 0;
  s->max_output = opts->max_output;
  s->pledged = have_pledged ? (unsigned long long)pledged + 1 : 0;
  if (opts->dict_len > 0) {
    s->dict = malloc(opts->dict_len);
    if (s->dict == NULL) {
      free(s);
      return OFL_ENOMEM;
    }
    memcpy(s->dict, opts->dict, opts->dict_len);
    s->dict_len = opts->dict_len;
  }
  if (codec != OFL_CODEC_AUTO && (r = activate(s, codec)) < 0) {
    free(s->dict);
    free(s);
    return r;
  }
  *out = s;
  return 0;
}

int ofl_codec_stream_create(ofl_codec_mode_t mode, ofl_codec_id_t codec,
                            const ofl_codec_opts_t *opts,
                            ofl_codec_stream_t **out) {
  return ofl__stream_create(mode, codec, opts, 0, 0, out);
}

void ofl_codec_stream_free(ofl_codec_stream_t *s) {
  if (s == NULL) return;
  if (s->vt) s->vt->destroy(s);
  free(s->dict);
  free(s);
}

int ofl_codec_stream_reset(ofl_codec_stream_t *s) {
  int r = 0;
  if (s == NULL) return OFL_EINVAL;
  s->err = 0;
  s->ended = 0;
  s->total_out = 0;
  s->peek_len = s->peek_pos = 0;
  if (s->codec == OFL_CODEC_AUTO) {
    if (s->vt) s->vt->destroy(s);
    s->vt = NULL;
    s->active = 0;
    return 0;
  }
  if (s->vt == NULL)
    r = activate(s, s->codec);
  else
    r = s->vt->reset(s);
  if (r < 0) {
    /* A failed reset leaves an unusable context: make that sticky. */
    if (s->vt) s->vt->destroy(s);
    s->vt = NULL;
    s->err = r;
  }
  return r;
}

/* AUTO: hold back up to 4 header bytes, then pick the codec.
 * @return 1 when active, 0 when more input is needed, <0 on error. */
static int auto_detect(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                       ofl_codec_directive_t d) {
  ofl_codec_id_t c;
  int r;
  while (s->peek_len < sizeof s->peek && in->pos < in->size)
    s->peek[s->peek_len++] = in->ptr[in->pos++];
  if (s->peek_len < sizeof s->peek && d != OFL_CODEC_END) return 0;
  if (ofl_codec_detect(s->peek, s->peek_len, &c) < 0) return OFL_ECORRUPT;
  s->peek_pos = 0;
  r = activate(s, c);
  return r < 0 ? r : 1;
}

static int decompress_step(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                           ofl_codec_out_t *out, ofl_codec_directive_t d) {
  int r;
  if (s->vt == NULL) {
    r = auto_detect(s, in, d);
    if (r <= 0) return r;
  }
  while (s->peek_pos < s->peek_len) {
    ofl_codec_in_t pin = {s->peek, s->peek_len, s->peek_pos};
    ofl_codec_directive_t pd =
        (in->pos == in->size && d == OFL_CODEC_END) ? d : OFL_CODEC_CONTINUE;
    r = s->vt->process(s, &pin, out, pd);
    s->peek_pos = pin.pos;
    if (r != 0) return r;
    if (pd == OFL_CODEC_END) return 0;
  }
  return s->vt->process(s, in, out, d);
}

int ofl_codec_stream_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                             ofl_codec_out_t *out,
                             ofl_codec_directive_t directive) {
  int r;
  if (s == NULL || in == NULL || out == NULL || in->pos > in->size ||
      out->pos > out->size || (in->ptr == NULL && in->size > 0) ||
      (out->ptr == NULL && out->size > 0) || directive < OFL_CODEC_CONTINUE ||
      directive > OFL_CODEC_END)
    return OFL_EINVAL;
  if (s->err) return s->err;
  if (s->ended) return in->pos < in->size ? OFL_EINVAL : 0;
  if (s->mode == OFL_CODEC_COMPRESS) {
    r = s->vt->process(s, in, out, directive);
  } else {
    /* Offer at most (max_output - total) + 1 bytes: the codec writing that
     * extra byte is exactly "one byte over the cap". */
    size_t full = out->size, pos0 = out->pos, room = out->size - out->pos;
    unsigned long long left = s->max_output - s->total_out;
    if (room > 0 && room - 1 > left) out->size = out->pos + (size_t)left + 1;
    r = decompress_step(s, in, out, directive);
    s->total_out += out->pos - pos0;
    if (r >= 0 && s->total_out > s->max_output) r = OFL_ETOOBIG;
    if (r > 0 && out->size != full && out->pos < full) r = 1;
    out->size = full;
  }
  if (r < 0)
    s->err = r;
  else if (r == 0 && directive == OFL_CODEC_END)
    s->ended = 1;
  return r;
}
