/* Dispatcher: names, levels, one-shot compress/decompress drivers. */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "codec_internal.h"
#include "ofl_checked.h"

int ofl__stream_create(ofl_codec_mode_t mode, ofl_codec_id_t codec,
                       const ofl_codec_opts_t *opts, int have_pledged,
                       size_t pledged, ofl_codec_stream_t **out);

static const char *const names[] = {NULL,     "gzip", "deflate", "deflate-raw",
                                    "brotli", "zstd", "lz4",     "auto"};

void ofl_codec_opts_init(ofl_codec_opts_t *opts) {
  memset(opts, 0, sizeof *opts);
  opts->level = OFL_CODEC_LEVEL_DEFAULT;
  opts->max_output = SIZE_MAX;
}

const char *ofl_codec_name(ofl_codec_id_t codec) {
  if (codec < OFL_CODEC_GZIP || codec > OFL_CODEC_AUTO) return NULL;
  return names[codec];
}

int ofl_codec_from_name(const char *name, ofl_codec_id_t *out) {
  int i;
  if (name == NULL || out == NULL) return OFL_EINVAL;
  for (i = OFL_CODEC_GZIP; i <= OFL_CODEC_AUTO; i++) {
    if (strcmp(name, names[i]) == 0) {
      *out = (ofl_codec_id_t)i;
      return 0;
    }
  }
  return OFL_EUNSUPPORTED;
}

int ofl_codec_level_range(ofl_codec_id_t codec, int *min, int *max, int *def) {
  int lo, hi, d;
  switch (codec) {
    case OFL_CODEC_GZIP:
    case OFL_CODEC_DEFLATE:
    case OFL_CODEC_DEFLATE_RAW:
      lo = 0, hi = 9, d = 6;
      break;
    case OFL_CODEC_BROTLI:
      lo = 0, hi = 11, d = 11;
      break;
    case OFL_CODEC_ZSTD:
      lo = ZSTD_minCLevel(), hi = ZSTD_maxCLevel(), d = 3;
      break;
    case OFL_CODEC_LZ4:
      lo = 0, hi = 12, d = 0;
      break;
    default:
      return OFL_EUNSUPPORTED;
  }
  if (min) *min = lo;
  if (max) *max = hi;
  if (def) *def = d;
  return 0;
}

int ofl__level_resolve(ofl_codec_id_t codec, int level, int oneshot, int *out) {
  int lo, hi, d, r = ofl_codec_level_range(codec, &lo, &hi, &d);
  if (r < 0) return r;
  if (oneshot && codec <= OFL_CODEC_DEFLATE_RAW) hi = 12;
  if (level == OFL_CODEC_LEVEL_DEFAULT ||
      (codec == OFL_CODEC_ZSTD && level == 0))
    level = d;
  if (level < lo || level > hi) return OFL_ERANGE;
  *out = level;
  return 0;
}

void ofl_codec_free_output(ofl_codec_output_t *out) {
  if (out == NULL) return;
  free(out->ptr);
  out->ptr = NULL;
  out->len = out->cap = 0;
}

int ofl_codec_compress_bound(ofl_codec_id_t codec, size_t len, size_t *out) {
  if (out == NULL) return OFL_EINVAL;
  switch (codec) {
    case OFL_CODEC_GZIP:
    case OFL_CODEC_DEFLATE:
    case OFL_CODEC_DEFLATE_RAW:
      return ofl__deflate_bound(codec, len, out);
    case OFL_CODEC_BROTLI:
      return ofl__brotli_bound(len, out);
    case OFL_CODEC_ZSTD:
      return ofl__zstd_bound(len, out);
    case OFL_CODEC_LZ4:
      return ofl__lz4_bound(len, out);
    default:
      return OFL_EUNSUPPORTED;
  }
}

/* Run a stream over src into a growing buffer of at most cap_limit bytes
 * (the stream itself enforces max_output). Input goes in OFL__STEP slices
 * so should_stop runs about every MiB of input or output. */
static int drive(ofl_codec_stream_t *s, const uint8_t *src, size_t len,
                 size_t first_cap, size_t cap_limit, ofl_codec_stop_fn stop,
                 void *arg, ofl_codec_output_t *res) {
  uint8_t *buf = NULL;
  size_t cap = 0, pos = 0, next_check = OFL__STEP;
  ofl_codec_in_t in = {src, 0, 0};
  int r = ofl__stop(stop, arg);
  while (r == 0) {
    ofl_codec_directive_t d;
    ofl_codec_out_t o;
    if (len - in.pos > OFL__STEP) {
      in.size = in.pos + OFL__STEP;
      d = OFL_CODEC_CONTINUE;
    } else {
      in.size = len;
      d = OFL_CODEC_END;
    }
    if (pos == cap) {
      size_t ncap =
          cap == 0 ? first_cap : (cap > cap_limit / 2 ? cap_limit : cap * 2);
      uint8_t *nb;
      if (ncap <= cap) {
        r = OFL_EINTERNAL; /* the stream should have hit max_output */
        break;
      }
      nb = realloc(buf, ncap);
      if (nb == NULL) {
        r = OFL_ENOMEM;
        break;
      }
      buf = nb;
      cap = ncap;
    }
    o.ptr = buf;
    o.size = cap - pos > OFL__STEP ? pos + OFL__STEP : cap;
    o.pos = pos;
    r = ofl_codec_stream_process(s, &in, &o, d);
    pos = o.pos;
    if (r < 0) break;
    if (r == 0 && d == OFL_CODEC_END) {
      res->ptr = buf;
      res->len = pos;
      res->cap = cap;
      if (cap - pos > 4096 && cap - pos > pos / 8) {
        uint8_t *nb = realloc(buf, pos ? pos : 1);
        if (nb) res->ptr = nb, res->cap = pos ? pos : 1;
      }
      return 0;
    }
    r = 0;
    if (in.pos + pos >= next_check) {
      next_check = in.pos + pos + OFL__STEP;
      r = ofl__stop(stop, arg);
    }
  }
  free(buf);
  return r;
}

/* Shared one-shot prologue: checks the buffers, clears *out, and fills in
 * an empty source and the default options. */
static const uint8_t empty[1] = {0}; /* a valid pointer for len 0 */

static int begin(const uint8_t **src, size_t len, ofl_codec_output_t *out,
                 const ofl_codec_opts_t **opts, ofl_codec_opts_t *def) {
  if (out == NULL) return OFL_EINVAL;
  memset(out, 0, sizeof *out);
  if (*src == NULL && len > 0) return OFL_EINVAL;
  if (*src == NULL) *src = empty;
  if (*opts == NULL) {
    ofl_codec_opts_init(def);
    *opts = def;
  }
  return 0;
}

/* Checks shared by the one-shot compressors. @return 0 and *level. */
static int compress_setup(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                          int *level) {
  int r, deflate_family =
             codec >= OFL_CODEC_GZIP && codec <= OFL_CODEC_DEFLATE_RAW;
  if (codec < OFL_CODEC_GZIP || codec > OFL_CODEC_LZ4) return OFL_EUNSUPPORTED;
  if (opts->dict_len > 0 && opts->dict == NULL) return OFL_EINVAL;
  if ((r = ofl__level_resolve(codec, opts->level, 1, level)) < 0) return r;
  if (codec == OFL_CODEC_ZSTD &&
      (r = ofl__zstd_check_workers(opts->workers)) < 0)
    return r;
  if ((r = ofl__stop(opts->should_stop, opts->stop_arg)) < 0) return r;
  if (deflate_family && *level > 9 && opts->dict_len > 0) return OFL_ERANGE;
  return 0;
}

/* The single-call encoders, where they apply. @return 0 and *n,
 * OFL__FAST_DECLINE (use the streaming engine) or a negative OFL_E*. */
static int compress_fast(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                         int level, const uint8_t *src, size_t len,
                         uint8_t *dst, size_t cap, size_t *n) {
  int deflate_family =
      codec >= OFL_CODEC_GZIP && codec <= OFL_CODEC_DEFLATE_RAW;
  size_t bound;
  /* A stoppable call streams, to check between steps; libdeflate's levels
   * 10-12 exist only in one shot. */
  if (opts->should_stop && len > OFL__STEP && !(deflate_family && level > 9))
    return OFL__FAST_DECLINE;
  switch (codec) {
    case OFL_CODEC_ZSTD:
      return ofl__zstd_oneshot(level, opts->checksum, opts->workers, opts->dict,
                               opts->dict_len, src, len, dst, cap, n);
    case OFL_CODEC_LZ4:
      if (opts->dict_len > 0) return OFL_EUNSUPPORTED;
      return ofl__lz4_oneshot(level, opts->checksum, src, len, dst, cap, n);
    case OFL_CODEC_BROTLI:
      if (opts->dict_len > 0) return OFL_EUNSUPPORTED;
      if (ofl__brotli_bound(len, &bound) < 0) return OFL__FAST_DECLINE;
      return ofl__brotli_oneshot(level, src, len, dst, cap, n);
    default: /* libdeflate has no preset dictionaries */
      if (opts->dict_len > 0) return OFL__FAST_DECLINE;
      return ofl__deflate_oneshot(codec, level, src, len, dst, cap, n);
  }
}

int ofl_codec_compress(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                       const uint8_t *src, size_t len,
                       ofl_codec_output_t *out) {
  ofl_codec_opts_t def;
  ofl_codec_stream_t *s;
  int r, level;
  size_t bound, n;
  if ((r = begin(&src, len, out, &opts, &def)) < 0) return r;
  if ((r = compress_setup(codec, opts, &level)) < 0) return r;
  if (ofl_codec_compress_bound(codec, len, &bound) == 0) {
    uint8_t *buf = malloc(bound ? bound : 1);
    if (buf == NULL) return OFL_ENOMEM;
    r = compress_fast(codec, opts, level, src, len, buf, bound, &n);
    if (r == 0) {
      out->ptr = buf;
      out->len = n;
      out->cap = bound ? bound : 1;
      return 0;
    }
    free(buf);
    if (r != OFL__FAST_DECLINE) return r;
  }
  r = ofl__stream_create(OFL_CODEC_COMPRESS, codec, opts, 1, len, &s);
  if (r < 0) return r;
  if (ofl_codec_compress_bound(codec, len, &bound) < 0 ||
      bound > ((size_t)64 << 20))
    bound = (size_t)64 << 20;
  r = drive(s, src, len, bound, SIZE_MAX, opts->should_stop, opts->stop_arg,
            out);
  ofl_codec_stream_free(s);
  return r;
}

int ofl_codec_compress_to(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                          const uint8_t *src, size_t len, uint8_t *dst,
                          size_t cap, size_t *written) {
  ofl_codec_opts_t def;
  int r, level;
  if (written == NULL || (src == NULL && len > 0) || dst == NULL)
    return OFL_EINVAL;
  *written = 0;
  if (src == NULL) src = empty;
  if (opts == NULL) {
    ofl_codec_opts_init(&def);
    opts = &def;
  }
  if ((r = compress_setup(codec, opts, &level)) < 0) return r;
  return compress_fast(codec, opts, level, src, len, dst, cap, written);
}

int ofl_codec_decompress(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                         const uint8_t *src, size_t len,
                         ofl_codec_output_t *out) {
  ofl_codec_opts_t def;
  ofl_codec_stream_t *s;
  size_t limit, first;
  int r;
  if ((r = begin(&src, len, out, &opts, &def)) < 0) return r;
  limit = opts->max_output == SIZE_MAX ? SIZE_MAX : opts->max_output + 1;
  if (opts->should_stop == NULL && opts->dict_len == 0) {
    ofl_codec_id_t c = codec;
    if (c == OFL_CODEC_AUTO && ofl_codec_detect(src, len, &c) < 0) c = codec;
    r = OFL__FAST_DECLINE;
    if (c == OFL_CODEC_GZIP)
      r = ofl__gzip_fast_decompress(src, len, limit, out);
    if (c == OFL_CODEC_ZSTD)
      r = ofl__zstd_fast_decompress(src, len, limit, out);
    if (r != OFL__FAST_DECLINE) return r;
  }
  r = ofl__stream_create(OFL_CODEC_DECOMPRESS, codec, opts, 0, 0, &s);
  if (r < 0) return r;
  /* Never size from headers: start near the input size and double, never
   * beyond max_output + 1 (the byte that proves the cap is exceeded). */
  if (!ofl_mul_size(len, 4, &first) || first > ((size_t)64 << 20))
    first = (size_t)64 << 20;
  if (first < ((size_t)64 << 10)) first = (size_t)64 << 10;
  if (first > limit) first = limit;
  r = drive(s, src, len, first, limit, opts->should_stop, opts->stop_arg, out);
  ofl_codec_stream_free(s);
  return r;
}

int ofl_codec_decompress_into(ofl_codec_id_t codec,
                              const ofl_codec_opts_t *opts, const uint8_t *src,
                              size_t len, uint8_t *dst, size_t cap,
                              size_t *written) {
  ofl_codec_opts_t o;
  ofl_codec_stream_t *s;
  ofl_codec_in_t in = {src, len, 0};
  ofl_codec_out_t ob = {dst, cap, 0};
  int r;
  if (written == NULL || (src == NULL && len > 0) || (dst == NULL && cap > 0))
    return OFL_EINVAL;
  *written = 0;
  if (src == NULL) in.ptr = empty;
  if (opts)
    o = *opts;
  else
    ofl_codec_opts_init(&o);
  if (o.max_output > cap) o.max_output = cap;
  r = ofl__stream_create(OFL_CODEC_DECOMPRESS, codec, &o, 0, 0, &s);
  if (r < 0) return r;
  /* One byte of scratch so output beyond cap is seen as ETOOBIG. */
  for (;;) {
    uint8_t spare;
    r = ofl_codec_stream_process(s, &in, &ob, OFL_CODEC_END);
    if (r <= 0) break;
    if (ob.pos == ob.size) {
      ofl_codec_out_t sp = {&spare, 1, 0};
      r = ofl_codec_stream_process(s, &in, &sp, OFL_CODEC_END);
      if (r < 0) break;
      if (sp.pos > 0) {
        r = OFL_ETOOBIG;
        break;
      }
      if (r == 0) break;
    }
  }
  if (r == 0) *written = ob.pos;
  ofl_codec_stream_free(s);
  return r;
}
