/* Parallel gzip/deflate/deflate-raw (pigz-style) as a job group: one job
 * per block, each compressing its block (see ofl_codec_par_block_compress)
 * and checksumming it on any executor thread. The piece whose work ends
 * last joins the blocks in order, still on its executor thread (a 16 MiB
 * join on the JS thread held the loop ~10 ms); the settle hook of the last
 * piece to settle calls back into JS. A one-shot call frames them (header +
 * trailer) into ONE standard stream; a stream segment returns them unframed
 * with the segment's checksum, and the stream frames the whole. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "codec_binding.h"
#include "napi_env.h"
#include "ofl_checked.h"
#include "ofl_errors.h"

#define PAR_WINDOW (32u * 1024u)
#define PAR_MAX_PIECES 1024u

/* Shared by every piece. Only touched on the JS thread, except blocks[i]
 * and checks[i], each written by exactly one piece's work(). */
typedef struct {
  ofl_group_t g; /* first: the pieces' shared part */
  ofl_codec_id_t codec;
  int level;
  int framed;   /* one-shot: header + blocks + trailer */
  int frames;   /* zstd one-shot: each piece is a whole frame (pzstd-style),
                   joined as they are: libzstd may be single-threaded */
  int checksum; /* zstd frames: a content checksum each */
  int oneshot;  /* one Buffer back (one-shot, zstd segment); else blocks */
  int last;     /* the final block finishes the deflate stream */
  const uint8_t *in; /* dict_len bytes of history, then len bytes */
  size_t dict_len, len, block, pieces;
  uint32_t check;
  ofl_codec_output_t *blocks;
  uint32_t *checks;
  ofl_codec_output_t result;
  /* Executor side: pieces whose work has ended, whether any failed; the
   * piece that ends last (acquiring every other piece's block) joins them
   * and sets joined / join_err. */
  atomic_size_t ended;
  atomic_int failed;
  int joined, join_err;
  /* One-shot: a V8 buffer of the codec's bound, pinned by every piece
   * (pins[1]); the join writes into it when the stream fills 3/4 of it
   * (v8_used > 0), so a large output is V8's to recycle, not an external
   * allocation whose collection pauses the loop. */
  uint8_t *v8;
  size_t v8_cap, v8_used;
  /* zstd one-shot into v8: piece i writes its frame at i * region (its
   * bound) and sizes[i]; the join moves them together in place. */
  size_t region, *sizes;
} par_state_t;

typedef ofl_group_job_t par_job_t;

static size_t piece_len(const par_state_t *st, size_t i) {
  size_t start = i * st->block;
  return st->len - start < st->block ? st->len - start : st->block;
}

static const uint8_t *data_of(const par_state_t *st) {
  return st->in + st->dict_len;
}

static int assemble(par_state_t *st);

static int zstd_frame(par_state_t *st, size_t i, const uint8_t *at,
                      size_t len) {
  ofl_codec_output_t *out = &st->blocks[i];
  ofl_codec_opts_t o;
  size_t cap, n;
  ofl_codec_opts_init(&o);
  o.level = st->level;
  o.checksum = st->checksum;
  if (ofl_codec_compress_bound(OFL_CODEC_ZSTD, len, &cap) != 0)
    return OFL_ERANGE;
  if (st->sizes != NULL) { /* straight into its region of the V8 output */
    int r = ofl_codec_compress_to(OFL_CODEC_ZSTD, &o, at, len,
                                  st->v8 + i * st->region, cap, &n);
    if (r != 0) return r < 0 ? r : OFL_EINTERNAL;
    st->sizes[i] = n;
    return 0;
  }
  uint8_t *buf = malloc(cap ? cap : 1);
  if (buf == NULL) return OFL_ENOMEM;
  int r = ofl_codec_compress_to(OFL_CODEC_ZSTD, &o, at, len, buf, cap, &n);
  if (r != 0) {
    free(buf);
    return r < 0 ? r : OFL_EINTERNAL; /* a bound-sized cap never declines */
  }
  out->ptr = buf;
  out->len = n;
  out->cap = cap ? cap : 1;
  return 0;
}

static int par_compress(par_job_t *p) {
  par_state_t *st = p->state;
  int stop = ofl_task_should_stop(&p->job.task);
  if (stop != 0) return stop;
  size_t start = p->index * st->block, len = piece_len(st, p->index);
  if (st->frames) return zstd_frame(st, p->index, data_of(st) + start, len);
  size_t history = st->dict_len + start;
  size_t dict_len = history < PAR_WINDOW ? history : PAR_WINDOW;
  const uint8_t *at = data_of(st) + start;
  int last = st->last && p->index + 1 == st->pieces;
  int err = ofl_codec_par_block_compress(st->level, at - dict_len, dict_len, at,
                                         len, last, &st->blocks[p->index]);
  if (err != 0) return err;
  st->checks[p->index] = ofl_codec_par_checksum(st->codec, at, len);
  return 0;
}

static int par_work(ofl_job_t *job) {
  par_job_t *p = (par_job_t *)job;
  par_state_t *st = p->state;
  int err = par_compress(p);
  if (err != 0) atomic_store(&st->failed, 1);
  /* Pieces dropped from the queue never get here, so a group with one
   * cancelled never joins: it fails anyway. */
  if (atomic_fetch_add(&st->ended, 1) + 1 == st->pieces &&
      !atomic_load(&st->failed)) {
    st->join_err = assemble(st);
    st->joined = 1;
  }
  return err;
}

/* zstd one-shot frames written in their regions of the V8 output: moved
 * together in place (no fresh pages), kept as a view when they fill 3/4 of
 * it, else copied out to a right-sized buffer. */
static int join_regions(par_state_t *st) {
  size_t pos = 0;
  for (size_t i = 0; i < st->pieces; i++) {
    memmove(st->v8 + pos, st->v8 + i * st->region, st->sizes[i]);
    pos += st->sizes[i];
  }
  if (ofl_codec_worth_a_view(pos, st->v8_cap)) {
    st->v8_used = pos;
    return 0;
  }
  return ofl_codec_output_copy(&st->result, st->v8, pos);
}

static int assemble(par_state_t *st) {
  size_t total = 0, n = st->pieces;
  if (st->sizes != NULL) return join_regions(st);
  for (size_t i = 0; i < n; i++) total += st->blocks[i].len;
  const size_t frame = st->framed ? 10 + 8 : 0; /* gzip's are the largest */
  if (total > SIZE_MAX - frame - 1) return OFL_ERANGE;
  int in_v8 = st->v8 != NULL && total + frame <= st->v8_cap &&
              ofl_codec_worth_a_view(total + frame, st->v8_cap);
  uint8_t *dst = in_v8 ? st->v8 : malloc(total + frame + 1);
  if (dst == NULL) return OFL_ENOMEM;
  size_t pos = 0, w = 0;
  int err = 0;
  if (st->framed)
    err = ofl_codec_par_header(st->codec, st->level, dst, frame, &w);
  pos += w;
  uint32_t check = st->checks[0];
  for (size_t i = 0; err == 0 && i < n; i++) {
    memcpy(dst + pos, st->blocks[i].ptr, st->blocks[i].len);
    pos += st->blocks[i].len;
    if (i > 0)
      check = ofl_codec_par_checksum_combine(st->codec, check, st->checks[i],
                                             piece_len(st, i));
    ofl_codec_free_output(&st->blocks[i]);
  }
  w = 0;
  if (err == 0 && st->framed)
    err = ofl_codec_par_trailer(st->codec, check, st->len, dst + pos,
                                total + frame - pos, &w);
  if (err != 0) {
    if (!in_v8) free(dst);
    return err;
  }
  st->check = check;
  if (in_v8) {
    st->v8_used = pos + w;
    return 0;
  }
  st->result.ptr = dst;
  st->result.len = pos + w;
  st->result.cap = total + frame + 1;
  return 0;
}

static int par_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  par_state_t *st = ((par_job_t *)job)->state;
  if (!ofl_group_settle(&st->g, status)) return 0;
  /* Every piece was submitted and none failed: joined on the executor. */
  *status = st->g.err != 0 ? st->g.err
            : st->joined   ? st->join_err
                           : OFL_EINTERNAL;
  return 1;
}

static napi_status par_result(napi_env env, ofl_job_t *job, napi_value *out) {
  par_state_t *st = ((par_job_t *)job)->state;
  napi_value buf, v8, check;
  napi_status s;
  if (st->v8_used > 0) {
    s = napi_get_reference_value(env, job->pins[1], &v8);
    if (s == napi_ok)
      s = ofl_codec_view(env, v8, st->v8_used, st->v8_cap, &buf);
  } else {
    s = ofl_codec_output_to_buffer(env, &st->result, &buf);
  }
  if (s != napi_ok || st->oneshot) {
    *out = buf;
    return s;
  }
  s = napi_create_uint32(env, st->check, &check);
  if (s == napi_ok) s = napi_create_array_with_length(env, 2, out);
  if (s == napi_ok) s = napi_set_element(env, *out, 0, buf);
  if (s == napi_ok) s = napi_set_element(env, *out, 1, check);
  return s;
}

static void par_unref(void *state) {
  par_state_t *st = state;
  if (st == NULL || --st->g.refs > 0) return;
  for (int i = 0; i < st->g.n; i++) ofl_codec_free_output(&st->blocks[i]);
  ofl_codec_free_output(&st->result);
  free(st->blocks);
  free(st->checks);
  free(st->sizes);
  free(st);
}

static void par_destroy(ofl_job_t *job) {
  par_unref(((par_job_t *)job)->state);
}

static const ofl_job_vtable_t par_vt = {par_work, par_result, par_destroy,
                                        par_settle, "codec-parallel"};

static int is_par_codec(uint32_t codec) {
  return codec == OFL_CODEC_GZIP || codec == OFL_CODEC_DEFLATE ||
         codec == OFL_CODEC_DEFLATE_RAW;
}

static int is_frames_codec(uint32_t codec) {
  return codec == OFL_CODEC_ZSTD;
}

/* Submits one job per block of `in` (whose first dict_len bytes are
 * history). @return the group id or a negative OFL_E*. */
/* Sets st->block and st->pieces for st->len (idempotent). */
static void plan(par_state_t *st) {
  size_t bs = st->block;
  if (st->len / bs >= PAR_MAX_PIECES) bs = st->len / (PAR_MAX_PIECES - 1);
  st->block = bs;
  st->pieces = st->len == 0 ? 1 : (st->len + bs - 1) / bs;
}

static int64_t par_submit(napi_env env, par_state_t *st, const ofl_bytes_t *in,
                          napi_value v8out, napi_value callback, int lane,
                          double deadline) {
  plan(st);
  st->blocks = calloc(st->pieces, sizeof(*st->blocks));
  st->checks = calloc(st->pieces, sizeof(*st->checks));
  if (st->blocks == NULL || st->checks == NULL) {
    free(st->blocks), free(st->checks), free(st->sizes), free(st);
    return OFL_ENOMEM;
  }
  st->in = in->data;
  const napi_value pins[2] = {in->backing, v8out}; /* par_result: pins[1] */
  return ofl_group_submit(env, &st->g, st, st->pieces, &par_vt, pins, 2,
                          par_unref, callback, lane, deadline);
}

static par_state_t *par_new(uint32_t codec, int32_t level, size_t block) {
  par_state_t *st = calloc(1, sizeof(*st));
  if (st == NULL) return NULL;
  st->codec = (ofl_codec_id_t)codec;
  /* zstd frames resolve their own default; the gzip header needs it. */
  st->level = level == INT32_MIN && is_par_codec(codec) ? 6 : level;
  st->block = block;
  atomic_init(&st->ended, 0);
  atomic_init(&st->failed, 0);
  return st;
}

/* A V8 buffer for a one-shot result (pinned by every piece), or NULL: the
 * codec's bound, or for zstd frames a region per frame, each its bound. */
static napi_value v8_output(napi_env env, par_state_t *st) {
  napi_value v8out = NULL;
  size_t cap = 0, region = 0;
  int sized = ofl_codec_compress_bound(st->codec, st->len, &cap);
  if (sized == 0 && st->frames) {
    plan(st);
    sized = ofl_codec_compress_bound(OFL_CODEC_ZSTD, st->block, &region);
    if (sized == 0 && !ofl_mul_size(region, st->pieces, &cap)) sized = -1;
    if (sized == 0) {
      st->sizes = calloc(st->pieces, sizeof(*st->sizes));
      if (st->sizes == NULL) sized = -1;
    }
  }
  if (sized == 0 && ofl_codec_v8_buffer(env, cap, &st->v8, &v8out) == 0) {
    st->v8_cap = cap;
    st->region = region;
    return v8out;
  }
  free(st->sizes); /* no V8 output: the join allocates natively */
  st->sizes = NULL;
  return NULL;
}

/* codecParallel(codec, level, flags, input, blockSize, lane, deadlineMs,
 *   callback) → id of the group | negative OFL_E*; the callback gets one
 *   framed gzip/zlib/raw stream, or zstd frames joined. flags bit 0: zstd
 *   content checksums. */
static napi_value codec_parallel(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t codec = 0, flags = 0, block = 0, lane = 0;
  int32_t level = 0;
  double deadline = 0;
  ofl_bytes_t in;
  if (argc < 8 || ofl_napi_get_u32(env, argv[0], "codec", &codec) != 0 ||
      ofl_napi_get_u32(env, argv[2], "flags", &flags) != 0 ||
      ofl_napi_get_bytes(env, argv[3], "data", &in) != 0 ||
      ofl_napi_get_u32(env, argv[4], "blockSize", &block) != 0 ||
      ofl_napi_get_u32(env, argv[5], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[6], "deadline", &deadline) != 0)
    return NULL;
  OFL_NAPI_CALL(env, napi_get_value_int32(env, argv[1], &level));
  if (!(is_par_codec(codec) || is_frames_codec(codec)) ||
      lane >= OFL_LANE_COUNT || block < PAR_WINDOW || in.len == 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParallel arguments");
    return NULL;
  }
  par_state_t *st = par_new(codec, level, block);
  int64_t id = OFL_ENOMEM;
  if (st != NULL) {
    st->frames = is_frames_codec(codec);
    st->framed = !st->frames;
    st->oneshot = 1;
    st->checksum = (flags & 1) != 0;
    st->last = 1;
    st->len = in.len;
    napi_value v8out = v8_output(env, st);
    id = par_submit(env, st, &in, v8out, argv[7], (int)lane, deadline);
  }
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

/* codecParSegment(codec, level, flags, input, historyLen, blockSize, last,
 *   lane, callback) → id | negative OFL_E*. gzip family: input = up to
 *   32 KiB of history, then the segment; the callback gets [unframed
 *   blocks, segment checksum]. zstd (no history): the callback gets the
 *   segment's frames, one Buffer. flags bit 0: zstd checksums. */
static napi_value codec_par_segment(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t codec = 0, flags = 0, history = 0, block = 0, last = 0, lane = 0;
  int32_t level = 0;
  ofl_bytes_t in;
  if (argc < 9 || ofl_napi_get_u32(env, argv[0], "codec", &codec) != 0 ||
      ofl_napi_get_u32(env, argv[2], "flags", &flags) != 0 ||
      ofl_napi_get_bytes(env, argv[3], "data", &in) != 0 ||
      ofl_napi_get_u32(env, argv[4], "historyLen", &history) != 0 ||
      ofl_napi_get_u32(env, argv[5], "blockSize", &block) != 0 ||
      ofl_napi_get_u32(env, argv[6], "last", &last) != 0 ||
      ofl_napi_get_u32(env, argv[7], "lane", &lane) != 0)
    return NULL;
  OFL_NAPI_CALL(env, napi_get_value_int32(env, argv[1], &level));
  int frames = is_frames_codec(codec);
  if (!(is_par_codec(codec) || frames) || lane >= OFL_LANE_COUNT ||
      block < PAR_WINDOW || history > PAR_WINDOW || history > in.len ||
      (frames && history > 0)) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParSegment arguments");
    return NULL;
  }
  par_state_t *st = par_new(codec, level, block);
  int64_t id = OFL_ENOMEM;
  if (st != NULL) {
    st->frames = frames;
    st->oneshot = frames; /* zstd: the segment's frames, one Buffer */
    st->checksum = (flags & 1) != 0;
    st->last = last != 0;
    st->dict_len = history;
    st->len = in.len - history;
    /* No V8 output here: a stream's segments are mostly compressible, so
     * a bound-sized V8 buffer (zeroed on the JS thread, 1 MiB a segment)
     * would be dropped after the join copied the frames out; the pieces
     * go to native buffers on the pool and are handed over joined. */
    id = par_submit(env, st, &in, NULL, argv[8], (int)lane, 0);
  }
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

/* codecParFrame(codec, level, check, totalLen, trailer) → the stream
 * header (trailer = false) or trailer (true) as a Buffer. */
static napi_value codec_par_frame(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t codec = 0, check = 0;
  int32_t level = 0;
  double total = 0;
  bool trailer = false;
  if (argc < 5 || ofl_napi_get_u32(env, argv[0], "codec", &codec) != 0 ||
      ofl_napi_get_u32(env, argv[2], "check", &check) != 0 ||
      ofl_napi_get_double(env, argv[3], "totalLen", &total) != 0)
    return NULL;
  OFL_NAPI_CALL(env, napi_get_value_int32(env, argv[1], &level));
  OFL_NAPI_CALL(env, napi_get_value_bool(env, argv[4], &trailer));
  if (!is_par_codec(codec) || total < 0 || total > 9007199254740991.0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParFrame arguments");
    return NULL;
  }
  uint8_t buf[16];
  size_t w = 0;
  int err = trailer
                ? ofl_codec_par_trailer((ofl_codec_id_t)codec, check,
                                        (uint64_t)total, buf, sizeof buf, &w)
                : ofl_codec_par_header((ofl_codec_id_t)codec,
                                       level == INT32_MIN ? 6 : level, buf,
                                       sizeof buf, &w);
  if (err != 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParFrame arguments");
    return NULL;
  }
  void *data = NULL;
  OFL_NAPI_CALL(env, napi_create_buffer_copy(env, w, buf, &data, &result));
  return result;
}

/* codecParCombine(codec, a, b, lenB) → the checksum of A||B. */
static napi_value codec_par_combine(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t codec = 0, a = 0, b = 0;
  double len = 0;
  if (argc < 4 || ofl_napi_get_u32(env, argv[0], "codec", &codec) != 0 ||
      ofl_napi_get_u32(env, argv[1], "a", &a) != 0 ||
      ofl_napi_get_u32(env, argv[2], "b", &b) != 0 ||
      ofl_napi_get_double(env, argv[3], "lenB", &len) != 0)
    return NULL;
  if (!is_par_codec(codec) || len < 0 || len > 9007199254740991.0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParCombine arguments");
    return NULL;
  }
  uint32_t c = ofl_codec_par_checksum_combine((ofl_codec_id_t)codec, a, b,
                                              (uint64_t)len);
  OFL_NAPI_CALL(env, napi_create_uint32(env, c, &result));
  return result;
}

napi_status ofl_napi_init_codec_parallel(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"codecParallel", NULL, codec_parallel, NULL, NULL, NULL, napi_default,
       NULL},
      {"codecParSegment", NULL, codec_par_segment, NULL, NULL, NULL,
       napi_default, NULL},
      {"codecParFrame", NULL, codec_par_frame, NULL, NULL, NULL, napi_default,
       NULL},
      {"codecParCombine", NULL, codec_par_combine, NULL, NULL, NULL,
       napi_default, NULL},
  };
  return napi_define_properties(env, exports, 4, props);
}
