/* offload core: compression (gzip, deflate, deflate-raw, brotli, zstd, lz4).
 *
 * API tiers, read top to bottom:
 *   1. One-shot     ofl_codec_compress / ofl_codec_decompress: whole input in,
 *                   codec-allocated output out (free with
 *                   ofl_codec_free_output). Compression takes the fast path
 *                   (libdeflate, ZSTD_compress2, LZ4F_compressFrame,
 *                   BrotliEncoderCompress). Decompression never trusts a
 *                   size declared in a header: the output grows
 *                   geometrically and is capped by max_output.
 *   2. Streaming    ofl_codec_stream_*: an opaque context fed with
 *                   {ptr,size,pos} buffers and a directive
 *                   (CONTINUE | FLUSH | END), as in zstd.h.
 *   3. Parallel     ofl_codec_par_*: pigz-style helpers that compress blocks
 *                   of one gzip/deflate stream independently (on any
 *                   thread) and assemble ONE standard stream. zstd
 *                   parallelism is opts.workers instead.
 *
 * Errors: every fallible function returns 0 (or a positive "more pending"
 * hint where stated) on success and a negative OFL_E* from ofl_errors.h:
 *   OFL_ECORRUPT  corrupt, truncated, or trailing bytes after the last
 *                 member/frame (strict: unlike node:zlib, trailing zero
 *                 padding after gzip is rejected too), empty input.
 *   OFL_ETOOBIG   decompressed output would exceed max_output (inclusive
 *                 limit: exactly max_output bytes is fine).
 *   OFL_EINVAL    bad argument; OFL_ERANGE level/size out of range;
 *   OFL_ENOMEM    allocation failed; OFL_EUNSUPPORTED option not available
 *                 for this codec (e.g. brotli dictionaries with brotli
 *                 1.0.9, gzip dictionaries, lz4 dictionaries).
 * Decompression semantics: all gzip members (including empty ones), all
 * zstd frames (skippable frames skipped) and all lz4 frames are decoded;
 * deflate/deflate-raw/brotli are single streams. Checksums present in the
 * data are verified (gzip CRC32+ISIZE, zlib Adler-32, zstd and lz4 content
 * checksums).
 *
 * Thread safety: functions without a context are reentrant. A stream
 * context is used by one thread at a time (it may move between threads
 * between calls).
 */
#ifndef OFL_CODEC_H
#define OFL_CODEC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  OFL_CODEC_GZIP = 1,
  OFL_CODEC_DEFLATE = 2,     /* zlib format (RFC 1950), node's 'deflate' */
  OFL_CODEC_DEFLATE_RAW = 3, /* RFC 1951 */
  OFL_CODEC_BROTLI = 4,
  OFL_CODEC_ZSTD = 5,
  OFL_CODEC_LZ4 = 6, /* LZ4 frame format (LZ4F), readable by the lz4 CLI */
  OFL_CODEC_AUTO = 7 /* decompression only: gzip, zlib, zstd, lz4 by header */
} ofl_codec_id_t;

/* Use the codec's default level. */
#define OFL_CODEC_LEVEL_DEFAULT INT_MIN

/* Cancellation check, called about every 1 MiB of input or output by long
 * operations. Return 0 to continue, or a negative OFL_E* (OFL_ECANCELED,
 * OFL_ETIMEDOUT) to stop: the operation frees everything and returns that
 * value (a positive return is reported as OFL_ECANCELED). Called on the
 * thread running the operation. */
typedef int (*ofl_codec_stop_fn)(void *arg);

typedef struct {
  /* Compression level. Ranges (default):
   *   gzip/deflate/deflate-raw 0..9 (6); one-shot compression also accepts
   *     10..12 (libdeflate's extra levels) when no dictionary is set;
   *   brotli 0..11 (11, node's default; slow: prefer 4..6 for speed);
   *   zstd ZSTD_minCLevel()..22 (3), 0 means the default;
   *   lz4 0..12 (0; 3+ selects LZ4-HC). */
  int level;
  int checksum;        /* zstd / lz4: write a content checksum (default 0). */
  int workers;         /* zstd compression threads (0 = none). OFL_EUNSUPPORTED
                          if libzstd is single-threaded. Ignored by others. */
  int window_log_max;  /* zstd decompression: the largest window a frame may
                          ask for, as log2 (10..31; 0 = 27, libzstd's
                          default: 128 MiB). Larger: OFL_EWINDOW. */
  const uint8_t *dict; /* zstd, deflate, deflate-raw; copied at use. */
  size_t dict_len;
  size_t max_output; /* decompression cap, inclusive (SIZE_MAX = none). */
  ofl_codec_stop_fn should_stop; /* optional; one-shot only */
  void *stop_arg;
} ofl_codec_opts_t;

/* @return how many compression workers opts.workers may ask for: 0 where
 * the codec has none (all but zstd) or libzstd is single-threaded (some
 * static builds are). */
int ofl_codec_max_workers(ofl_codec_id_t codec);

/* Fill *opts with defaults: default level, no checksum, no workers, no
 * dictionary, max_output SIZE_MAX, no cancellation. */
void ofl_codec_opts_init(ofl_codec_opts_t *opts);

/* @return static lower-case name ("gzip", "deflate", "deflate-raw",
 * "brotli", "zstd", "lz4", "auto"), or NULL for an unknown id. */
const char *ofl_codec_name(ofl_codec_id_t codec);

/* Parse a name as returned by ofl_codec_name into *out.
 * @return 0, or OFL_EUNSUPPORTED for an unknown name. */
int ofl_codec_from_name(const char *name, ofl_codec_id_t *out);

/* Level range of codec for streaming compression (one-shot gzip family
 * extends max to 12). @return 0, or OFL_EUNSUPPORTED. */
int ofl_codec_level_range(ofl_codec_id_t codec, int *min, int *max, int *def);

/* Detect the format of compressed data from its first bytes (gzip, zlib,
 * zstd incl. skippable frames, lz4 frame; brotli and raw deflate cannot be
 * detected). @return 0 and *out, or OFL_ECORRUPT if not recognised. */
int ofl_codec_detect(const uint8_t *src, size_t len, ofl_codec_id_t *out);

/* ---- 1. One-shot ------------------------------------------------------ */

/* A codec-allocated output. ptr may be NULL when len is 0. cap is the
 * allocated size (>= len). Owned by the caller after a successful call. */
typedef struct {
  uint8_t *ptr;
  size_t len;
  size_t cap;
} ofl_codec_output_t;

/* Release out->ptr (NULL ok) and zero *out. out may be NULL. */
void ofl_codec_free_output(ofl_codec_output_t *out);

/* Worst-case one-shot compressed size of len bytes (checked arithmetic).
 * @return 0 and *out, OFL_ERANGE on overflow, OFL_EUNSUPPORTED for AUTO. */
int ofl_codec_compress_bound(ofl_codec_id_t codec, size_t len, size_t *out);

/* Compress src[0..len) into a new buffer. opts may be NULL (defaults).
 * With opts->should_stop set and len > 1 MiB (level <= 9 for the gzip
 * family), the work runs through the streaming encoder so it can stop;
 * the bytes may then differ from the fast path but decode identically.
 * @return 0 and *out (caller frees), or negative OFL_E*; *out is zeroed on
 * error. */
int ofl_codec_compress(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                       const uint8_t *src, size_t len, ofl_codec_output_t *out);

/* Decompress src[0..len) into a new buffer, at most opts->max_output bytes
 * (allocation stays <= max_output + 1). codec may be OFL_CODEC_AUTO.
 * @return 0 and *out (caller frees), or negative OFL_E*; *out is zeroed on
 * error. */
int ofl_codec_decompress(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                         const uint8_t *src, size_t len,
                         ofl_codec_output_t *out);

/* Decompress into the caller's dst[0..cap). Output larger than
 * min(cap, opts->max_output) gives OFL_ETOOBIG (dst contents then
 * unspecified). @return 0 and *written, or negative OFL_E*. */
int ofl_codec_decompress_into(ofl_codec_id_t codec,
                              const ofl_codec_opts_t *opts, const uint8_t *src,
                              size_t len, uint8_t *dst, size_t cap,
                              size_t *written);

/* ---- 2. Streaming ----------------------------------------------------- */

typedef struct ofl_codec_stream_s ofl_codec_stream_t;

typedef enum {
  OFL_CODEC_COMPRESS = 0,
  OFL_CODEC_DECOMPRESS = 1
} ofl_codec_mode_t;

typedef enum {
  OFL_CODEC_CONTINUE = 0, /* consume input, emit what is ready */
  OFL_CODEC_FLUSH = 1,    /* compress: all input so far becomes decodable
                             (Z_SYNC_FLUSH, ZSTD_e_flush, LZ4F_flush,
                             BROTLI_OPERATION_FLUSH) */
  OFL_CODEC_END = 2       /* compress: finish the stream; decompress: no
                             more input follows (truncation -> ECORRUPT) */
} ofl_codec_directive_t;

typedef struct {
  const uint8_t *ptr;
  size_t size;
  size_t pos; /* advanced by the codec */
} ofl_codec_in_t;

typedef struct {
  uint8_t *ptr;
  size_t size;
  size_t pos; /* advanced by the codec */
} ofl_codec_out_t;

/* Create a context. opts may be NULL; it is copied (dictionary included),
 * so it need not outlive the call. should_stop is ignored (the caller
 * controls the loop). codec AUTO is valid for decompression only.
 * @return 0 and *out, or negative OFL_E* (*out = NULL). */
int ofl_codec_stream_create(ofl_codec_mode_t mode, ofl_codec_id_t codec,
                            const ofl_codec_opts_t *opts,
                            ofl_codec_stream_t **out);

/* Consume input from in and write output to out (both may be partially
 * used). Repeat the same directive until it returns 0.
 * @return >0 more output is pending: call again with output space;
 *         0 done for this directive (all input consumed; for END the
 *           stream is complete and further input is OFL_EINVAL until
 *           reset);
 *         <0 OFL_E*; the error is sticky until ofl_codec_stream_reset.
 * Decompression counts its total output against max_output (OFL_ETOOBIG),
 * decodes every member/frame, and rejects trailing bytes (OFL_ECORRUPT). */
int ofl_codec_stream_process(ofl_codec_stream_t *s, ofl_codec_in_t *in,
                             ofl_codec_out_t *out,
                             ofl_codec_directive_t directive);

/* Return s to its freshly created state (same options).
 * @return 0 or negative OFL_E*. */
int ofl_codec_stream_reset(ofl_codec_stream_t *s);

/* Free s and everything it owns. NULL is ok. */
void ofl_codec_stream_free(ofl_codec_stream_t *s);

/* ---- Decompressing into a buffer sized up front ------------------------
 * For callers that allocate the output themselves (the addon lets V8 do
 * it, so the pages are recycled instead of faulted in fresh each call). */

/* One-shot compression into dst[0..cap), for a cap of at least
 * ofl_codec_compress_bound(codec, len). Same options as
 * ofl_codec_compress.
 * @return 0 and *written; 1 (declined) where only the streaming engine
 * applies (a dictionary with deflate, a stoppable call over 1 MiB, brotli
 * input too large for one shot, cap under the bound): then use
 * ofl_codec_compress; or a negative OFL_E*. */
int ofl_codec_compress_to(ofl_codec_id_t codec, const ofl_codec_opts_t *opts,
                          const uint8_t *src, size_t len, uint8_t *dst,
                          size_t cap, size_t *written);

/* The output size that zstd frames (one or several, each declaring its
 * size) or a lone lz4 frame declare, or that a gzip member's ISIZE claims, when
 * it is under max_output (SIZE_MAX = none) and at most 64x the input + 64 KiB;
 * 0 when there is none. A hint only: pass it to ofl_codec_decompress_exact,
 * which checks it. */
size_t ofl_codec_size_hint(ofl_codec_id_t codec, const uint8_t *src, size_t len,
                           size_t max_output);

/* One zstd frame of a multi-frame input: src[src_off..+src_len) decodes to
 * dst[dst_off..+dst_len). */
typedef struct {
  size_t src_off, src_len, dst_off, dst_len;
} ofl_codec_span_t;

/* The frames of a zstd input that ofl_codec_size_hint accepts (so each
 * declares its size), for decoding them on several threads, each span
 * with ofl_codec_decompress_exact. Fills spans[0..min(n, max_spans)) (spans
 * may be NULL) and *total (may be NULL) with the whole output size.
 * @return the frame count n, or 0 when the hint would decline. */
size_t ofl_codec_zstd_spans(const uint8_t *src, size_t len, size_t max_output,
                            ofl_codec_span_t *spans, size_t max_spans,
                            size_t *total);

/* Decode all of src into exactly dst[0..size) in one pass.
 * @return 0 when src (zstd: frames; lz4, gzip: one frame/member) produces
 * exactly size bytes;
 * 1 (declined) otherwise, including for corrupt input: the caller then
 * uses ofl_codec_decompress, whose error is the reference; or OFL_ENOMEM.
 * dst's contents are unspecified after a decline. */
int ofl_codec_decompress_exact(ofl_codec_id_t codec, const uint8_t *src,
                               size_t len, uint8_t *dst, size_t size);

/* ---- 3. Parallel gzip / deflate (pigz-style) -------------------------- */
/* Split the input into blocks; for block i call ofl_codec_par_block_compress
 * with the 32 KiB before it as dict (any thread, any order), and
 * ofl_codec_par_checksum on it; then write header, blocks in order,
 * trailer with the checksums folded by ofl_codec_par_checksum_combine.
 * codec is OFL_CODEC_GZIP, OFL_CODEC_DEFLATE or OFL_CODEC_DEFLATE_RAW.
 * All functions are reentrant. */

/* Compress one block as raw deflate. Non-last blocks end with a sync flush
 * (byte aligned, no final bit) so blocks concatenate. Only the last 32 KiB
 * of dict are used, and only for blocks under 256 KiB: larger blocks are
 * compressed without history by libdeflate (faster, < 0.5% larger).
 * level 0..9.
 * @return 0 and *out (caller frees), or negative OFL_E*. */
int ofl_codec_par_block_compress(int level, const uint8_t *dict,
                                 size_t dict_len, const uint8_t *in, size_t len,
                                 int last, ofl_codec_output_t *out);

/* @return CRC-32 (gzip) or Adler-32 (deflate) of in[0..len); 0 for raw. */
uint32_t ofl_codec_par_checksum(ofl_codec_id_t codec, const uint8_t *in,
                                size_t len);

/* @return the checksum of A||B from check(A), check(B) and len(B). */
uint32_t ofl_codec_par_checksum_combine(ofl_codec_id_t codec, uint32_t a,
                                        uint32_t b, uint64_t len_b);

/* Write the stream header (gzip 10 bytes, zlib 2, raw 0) to dst.
 * @return 0 and *written, OFL_ERANGE if cap is too small, OFL_EINVAL. */
int ofl_codec_par_header(ofl_codec_id_t codec, int level, uint8_t *dst,
                         size_t cap, size_t *written);

/* Write the trailer (gzip CRC32+ISIZE 8 bytes, zlib Adler-32 4, raw 0).
 * @return 0 and *written, OFL_ERANGE if cap is too small, OFL_EINVAL. */
int ofl_codec_par_trailer(ofl_codec_id_t codec, uint32_t check,
                          uint64_t total_len, uint8_t *dst, size_t cap,
                          size_t *written);

/* Reference driver: the whole parallel scheme run sequentially with
 * block_size (0 = 128 KiB) blocks. opts->should_stop is checked per block.
 * @return 0 and *out (caller frees), or negative OFL_E*. */
int ofl_codec_par_compress(ofl_codec_id_t codec, int level, size_t block_size,
                           const ofl_codec_opts_t *opts, const uint8_t *in,
                           size_t len, ofl_codec_output_t *out);

#ifdef __cplusplus
}
#endif
#endif
