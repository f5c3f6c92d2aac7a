/* Internals shared by the codec files. Not installed, not for the addon. */
#ifndef OFL_CODEC_INTERNAL_H
#define OFL_CODEC_INTERNAL_H

#include "ofl_codec.h"
#include "ofl_errors.h"

/* Cancellation / input-feeding granularity of the one-shot drivers. */
#define OFL__STEP ((size_t)1 << 20)

typedef struct {
  int (*init)(ofl_codec_stream_t *s); /* allocates s->impl */
  /* Same contract as ofl_codec_stream_process, without cap accounting. */
  int (*process)(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                 ofl_codec_out_t *out, ofl_codec_directive_t d);
  int (*reset)(ofl_codec_stream_t *s);
  void (*destroy)(ofl_codec_stream_t *s); /* frees s->impl, NULL ok */
} ofl__codec_vt;

/* zstd decoder window limit by default (libzstd's, 128 MiB): what a frame
 * header may ask us to allocate unless maxWindowLog raises it. */
#define OFL__ZSTD_WINDOWLOG_MAX 27

struct ofl_codec_stream_s {
  ofl_codec_mode_t mode;
  ofl_codec_id_t codec;  /* as requested, may be AUTO */
  ofl_codec_id_t active; /* resolved codec; 0 while AUTO is detecting */
  int level;             /* resolved */
  int checksum;
  int workers;
  int window_log_max; /* zstd decompression; 0 = the default */
  uint8_t *dict;      /* owned copy */
  size_t dict_len;
  unsigned long long pledged; /* compress: known total size + 1, 0 = unknown */
  size_t max_output;
  unsigned long long total_out;
  int err;         /* sticky error */
  int ended;       /* END completed */
  uint8_t peek[4]; /* AUTO: header bytes held back until detection */
  size_t peek_len, peek_pos;
  const ofl__codec_vt *vt;
  void *impl;
};

extern const ofl__codec_vt ofl__zlib_vt;
extern const ofl__codec_vt ofl__zstd_vt;
extern const ofl__codec_vt ofl__lz4_vt;
extern const ofl__codec_vt ofl__brotli_vt;

/* Validate level for codec; oneshot extends the gzip family to 12.
 * @return 0 and *out (resolved default), or OFL_ERANGE/OFL_EUNSUPPORTED. */
int ofl__level_resolve(ofl_codec_id_t codec, int level, int oneshot, int *out);

/* zlib level 0-9 to the libdeflate level with no larger output; 10-12 as is. */
int ofl__libdeflate_level(int level);
/* One raw-deflate block of a parallel stream by libdeflate, without
 * history; a non-last block ends byte-aligned with no final bit. */
int ofl__par_block_libdeflate(int level, const uint8_t *in, size_t len,
                              int last, ofl_codec_output_t *out);

/* Fast one-shot compressors into dst[0..cap): @return 0 and *n, a
 * negative OFL_E*, or OFL__FAST_DECLINE when cap is under the codec's own
 * bound (ofl_codec_compress_bound is always enough). */
int ofl__deflate_oneshot(ofl_codec_id_t codec, int level, const uint8_t *src,
                         size_t len, uint8_t *dst, size_t cap, size_t *n);
int ofl__zstd_oneshot(int level, int checksum, int workers, const uint8_t *dict,
                      size_t dict_len, const uint8_t *src, size_t len,
                      uint8_t *dst, size_t cap, size_t *n);
int ofl__lz4_oneshot(int level, int checksum, const uint8_t *src, size_t len,
                     uint8_t *dst, size_t cap, size_t *n);
int ofl__brotli_oneshot(int level, const uint8_t *src, size_t len, uint8_t *dst,
                        size_t cap, size_t *n);

/* Bounds; 0 and *out, or OFL_ERANGE. */
int ofl__deflate_bound(ofl_codec_id_t codec, size_t len, size_t *out);
int ofl__zstd_bound(size_t len, size_t *out);
int ofl__lz4_bound(size_t len, size_t *out);
int ofl__brotli_bound(size_t len, size_t *out);

/* Validate zstd workers against the linked libzstd. */
int ofl__zstd_check_workers(int workers);

/* One-shot decompression fast paths (codec_fastdec.c). @return 0, a
 * negative OFL_E* code, or OFL__FAST_DECLINE: use the streaming engine. */
#define OFL__FAST_DECLINE 1
int ofl__gzip_fast_decompress(const uint8_t *src, size_t len, size_t limit,
                              ofl_codec_output_t *out);
int ofl__zstd_fast_decompress(const uint8_t *src, size_t len, size_t limit,
                              ofl_codec_output_t *out);

/* Run the stop callback: 0 to continue, else the negative code to return. */
static inline int ofl__stop(ofl_codec_stop_fn fn, void *arg) {
  int r;
  if (fn == NULL) return 0;
  r = fn(arg);
  if (r == 0) return 0;
  return r < 0 ? r : OFL_ECANCELED;
}

#endif
