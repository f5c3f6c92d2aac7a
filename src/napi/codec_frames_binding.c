/* Parallel zstd decompression: the frames of a multi-frame input (as
 * offload's parallel compression and pzstd write them) decode on several
 * executor threads at once, each group of frames straight into its place
 * in one V8 buffer. If the exact path declines any of them (corrupt data,
 * a size that lies), the piece whose work ends last runs the whole input
 * through the reference decoder on its executor thread, whose verdict
 * (an error, almost always) stands: results equal the one-thread path's. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "codec_binding.h"
#include "napi_env.h"
#include "ofl_errors.h"

#define FR_MAX_PIECES 64

/* Shared by every piece. Executor side: ended/failed/declined; final and
 * result are written by the piece that ends last, before its completion
 * is posted. */
typedef struct {
  ofl_group_t g; /* first: the pieces' shared part */
  const uint8_t *in;
  size_t len, max_output;
  uint8_t *dst; /* the V8 output, pinned by every piece (pins[1]) */
  size_t size;
  ofl_codec_span_t *spans;
  size_t pieces, bounds[FR_MAX_PIECES + 1]; /* piece i: spans [b[i], b[i+1]) */
  atomic_size_t ended;
  atomic_int failed, declined;
  int final, finished;
  ofl_codec_output_t result; /* the reference decoder's, after a decline */
} fr_state_t;

typedef ofl_group_job_t fr_job_t;

static int decode_piece(fr_state_t *st, size_t i) {
  const ofl_codec_span_t *a = &st->spans[st->bounds[i]];
  const ofl_codec_span_t *z = &st->spans[st->bounds[i + 1] - 1];
  size_t slen = z->src_off + z->src_len - a->src_off;
  size_t dlen = z->dst_off + z->dst_len - a->dst_off;
  int r = ofl_codec_decompress_exact(OFL_CODEC_ZSTD, st->in + a->src_off, slen,
                                     st->dst + a->dst_off, dlen);
  if (r > 0) atomic_store(&st->declined, 1);
  return r < 0 ? r : 0;
}

static int fr_work(ofl_job_t *job) {
  fr_job_t *p = (fr_job_t *)job;
  fr_state_t *st = p->state;
  int err = ofl_task_should_stop(&job->task);
  if (err == 0) err = decode_piece(st, p->index);
  if (err != 0) atomic_store(&st->failed, 1);
  /* Pieces dropped from the queue never get here: the group then fails
   * with their status and never finishes. */
  if (atomic_fetch_add(&st->ended, 1) + 1 == st->pieces &&
      !atomic_load(&st->failed)) {
    st->final = 0;
    if (atomic_load(&st->declined)) {
      ofl_codec_opts_t o;
      ofl_codec_opts_init(&o);
      o.max_output = st->max_output;
      st->final = ofl_codec_decompress(OFL_CODEC_ZSTD, &o, st->in, st->len,
                                       &st->result);
    }
    st->finished = 1;
  }
  return err;
}

static int fr_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  fr_state_t *st = ((fr_job_t *)job)->state;
  if (!ofl_group_settle(&st->g, status)) return 0;
  *status = st->g.err != 0 ? st->g.err
            : st->finished ? st->final
                           : OFL_EINTERNAL;
  return 1;
}

static napi_status fr_result(napi_env env, ofl_job_t *job, napi_value *out) {
  fr_state_t *st = ((fr_job_t *)job)->state;
  if (atomic_load(&st->declined))
    return ofl_codec_output_to_buffer(env, &st->result, out);
  return napi_get_reference_value(env, job->pins[1], out);
}

static void fr_unref(void *state) {
  fr_state_t *st = state;
  if (st == NULL || --st->g.refs > 0) return;
  ofl_codec_free_output(&st->result);
  free(st->spans);
  free(st);
}

static void fr_destroy(ofl_job_t *job) {
  fr_unref(((fr_job_t *)job)->state);
}

static const ofl_job_vtable_t fr_vt = {fr_work, fr_result, fr_destroy,
                                       fr_settle, "codec-frames"};

/* Consecutive frames into at most `want` pieces of about equal output,
 * each at least one frame. */
static void group(fr_state_t *st, size_t nframes, size_t want) {
  size_t j = 0;
  st->pieces = 0;
  st->bounds[0] = 0;
  for (size_t k = 1; k < want; k++) {
    size_t target = st->size / want * k;
    if (j <= st->bounds[st->pieces]) j = st->bounds[st->pieces] + 1;
    while (j < nframes && st->spans[j].dst_off < target) j++;
    if (j >= nframes) break;
    st->bounds[++st->pieces] = j;
  }
  st->bounds[++st->pieces] = nframes;
}

/* Reads a call of `want` arguments, (input, maxOutputLength, ...).
 * @return 0, or -1 with a pending exception. */
static int read_call(napi_env env, napi_callback_info info, size_t want,
                     napi_value *argv, ofl_bytes_t *in, size_t *max_output) {
  size_t argc = want;
  double max_out = -1;
  if (!ofl_napi_check(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL),
                      "napi_get_cb_info"))
    return -1;
  if (argc < want) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "missing arguments");
    return -1;
  }
  if (ofl_napi_get_bytes(env, argv[0], "data", in) != 0 ||
      ofl_napi_get_double(env, argv[1], "maxOutputLength", &max_out) != 0)
    return -1;
  *max_output =
      max_out >= 0 && max_out < 9007199254740992.0 ? (size_t)max_out : SIZE_MAX;
  return 0;
}

/* zstdFrames(input, maxOutputLength) → how many frames a parallel decode
 * would get (0: the input is not such a sequence; use codecAsync). */
static napi_value zstd_frames(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  ofl_bytes_t in;
  size_t max_output;
  if (read_call(env, info, 2, argv, &in, &max_output) != 0) return NULL;
  size_t n = ofl_codec_zstd_spans(in.data, in.len, max_output, NULL, 0, NULL);
  OFL_NAPI_CALL(env, napi_create_double(env, (double)n, &result));
  return result;
}

/* Indexes the n frames into st->spans and st->size and allocates the V8
 * output. The count must still be what zstdFrames() saw: only a shared
 * buffer changed in between can differ, and that is corrupt input. */
static int fr_prepare(napi_env env, fr_state_t *st, const ofl_bytes_t *in,
                      size_t max_output, size_t n, napi_value *v8out) {
  if (st == NULL || (st->spans = calloc(n, sizeof(*st->spans))) == NULL)
    return OFL_ENOMEM;
  if (ofl_codec_zstd_spans(in->data, in->len, max_output, st->spans, n,
                           &st->size) != n ||
      st->size == 0)
    return OFL_ECORRUPT;
  return ofl_codec_v8_buffer(env, st->size, &st->dst, v8out) == 0 ? 0
                                                                  : OFL_ENOMEM;
}

/* codecFrames(input, maxOutputLength, frames, pieces, lane, deadlineMs,
 *   callback) → id of the group | negative OFL_E*. frames: what
 *   zstdFrames() counted (2+); the callback gets the whole output. */
static napi_value codec_frames(napi_env env, napi_callback_info info) {
  napi_value argv[7], result, v8out;
  uint32_t n = 0, want = 0, lane = 0;
  double deadline = 0;
  ofl_bytes_t in;
  size_t max_output;
  if (read_call(env, info, 7, argv, &in, &max_output) != 0 ||
      ofl_napi_get_u32(env, argv[2], "frames", &n) != 0 ||
      ofl_napi_get_u32(env, argv[3], "pieces", &want) != 0 ||
      ofl_napi_get_u32(env, argv[4], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[5], "deadline", &deadline) != 0)
    return NULL;
  if (n < 2 || want < 2 || want > FR_MAX_PIECES || lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecFrames arguments");
    return NULL;
  }
  fr_state_t *st = calloc(1, sizeof(*st));
  int64_t id = fr_prepare(env, st, &in, max_output, n, &v8out);
  if (id == 0) {
    atomic_init(&st->ended, 0);
    atomic_init(&st->failed, 0);
    atomic_init(&st->declined, 0);
    st->in = in.data;
    st->len = in.len;
    st->max_output = max_output;
    group(st, n, want < n ? want : n);
    const napi_value pins[2] = {argv[0], v8out}; /* fr_result: pins[1] */
    id = ofl_group_submit(env, &st->g, st, st->pieces, &fr_vt, pins, 2,
                          fr_unref, argv[6], (int)lane, deadline);
  } else if (st != NULL) {
    free(st->spans);
    free(st);
  }
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

napi_status ofl_napi_init_codec_frames(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"zstdFrames", NULL, zstd_frames, NULL, NULL, NULL, napi_default, NULL},
      {"codecFrames", NULL, codec_frames, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                                props);
}
