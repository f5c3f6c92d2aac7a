/* Parallel gzip/deflate/deflate-raw (pigz-style) as a job group: one job
 * per block, each compressing its block against the 32 KiB before it and
 * checksumming it on any executor thread; the settle hook of whichever
 * piece finishes last assembles header + blocks in order + trailer into
 * ONE standard stream, and only that piece calls back into JS. */
#include <stdlib.h>
#include <string.h>

#include "codec_binding.h"
#include "napi_env.h"
#include "ofl_errors.h"

#define PAR_WINDOW (32u * 1024u)
#define PAR_MAX_PIECES 1024u

/* Shared by every piece. Only touched on the JS thread, except blocks[i]
 * and checks[i], each written by exactly one piece's work(). */
typedef struct {
  int refs;    /* pieces not yet destroyed */
  int n;       /* pieces submitted */
  int settled; /* pieces settled */
  int err;     /* first failure */
  uint32_t group;
  ofl_env_t *env;
  ofl_codec_id_t codec;
  int level;
  const uint8_t *in;
  size_t len, block;
  ofl_codec_output_t *blocks;
  uint32_t *checks;
  ofl_codec_output_t result;
} par_state_t;

typedef struct {
  ofl_job_t job;
  par_state_t *st;
  size_t index;
} par_job_t;

static size_t piece_len(const par_state_t *st, size_t i) {
  size_t start = i * st->block;
  return st->len - start < st->block ? st->len - start : st->block;
}

static int par_work(ofl_job_t *job) {
  par_job_t *p = (par_job_t *)job;
  par_state_t *st = p->st;
  int stop = ofl_task_should_stop(&job->task);
  if (stop != 0) return stop;
  size_t start = p->index * st->block, len = piece_len(st, p->index);
  size_t dict_len = start < PAR_WINDOW ? start : PAR_WINDOW;
  int last = start + len == st->len;
  int err = ofl_codec_par_block_compress(st->level, st->in + start - dict_len,
                                         dict_len, st->in + start, len, last,
                                         &st->blocks[p->index]);
  if (err != 0) return err;
  st->checks[p->index] = ofl_codec_par_checksum(st->codec, st->in + start, len);
  return 0;
}

static int assemble(par_state_t *st) {
  size_t total = 0;
  for (int i = 0; i < st->n; i++) total += st->blocks[i].len;
  const size_t frame = 10 + 8; /* largest header + trailer (gzip) */
  if (total > SIZE_MAX - frame) return OFL_ERANGE;
  uint8_t *dst = malloc(total + frame);
  if (dst == NULL) return OFL_ENOMEM;
  size_t pos = 0, w = 0;
  int err = ofl_codec_par_header(st->codec, st->level, dst, frame, &w);
  pos += w;
  uint32_t check = st->checks[0];
  for (int i = 0; err == 0 && i < st->n; i++) {
    memcpy(dst + pos, st->blocks[i].ptr, st->blocks[i].len);
    pos += st->blocks[i].len;
    if (i > 0)
      check = ofl_codec_par_checksum_combine(st->codec, check, st->checks[i],
                                             piece_len(st, (size_t)i));
    ofl_codec_free_output(&st->blocks[i]);
  }
  if (err == 0)
    err = ofl_codec_par_trailer(st->codec, check, st->len, dst + pos,
                                total + frame - pos, &w);
  if (err != 0) {
    free(dst);
    return err;
  }
  st->result.ptr = dst;
  st->result.len = pos + w;
  st->result.cap = total + frame;
  return 0;
}

static int par_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  par_state_t *st = ((par_job_t *)job)->st;
  st->settled++;
  if (*status != 0 && st->err == 0) {
    st->err = *status;
    ofl_env_cancel(st->env, st->group, OFL_ECANCELED); /* stop the rest */
  }
  if (st->settled < st->n) return 0;
  *status = st->err != 0 ? st->err : assemble(st);
  return 1;
}

static napi_status par_result(napi_env env, ofl_job_t *job, napi_value *out) {
  return ofl_codec_output_to_buffer(env, &((par_job_t *)job)->st->result, out);
}

static void par_destroy(ofl_job_t *job) {
  par_state_t *st = ((par_job_t *)job)->st;
  if (st == NULL || --st->refs > 0) return;
  for (int i = 0; i < st->n; i++) ofl_codec_free_output(&st->blocks[i]);
  ofl_codec_free_output(&st->result);
  free(st->blocks);
  free(st->checks);
  free(st);
}

static const ofl_job_vtable_t par_vt = {par_work, par_result, par_destroy,
                                        par_settle, "codec-parallel"};

/* codecParallel(codec, level, input, blockSize, lane, deadlineMs, callback)
 *   → id of the group | negative OFL_E* */
static napi_value codec_parallel(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t codec = 0, block = 0, lane = 0;
  int32_t level = 0;
  double deadline = 0;
  ofl_bytes_t in;
  if (argc < 7 || ofl_napi_get_u32(env, argv[0], "codec", &codec) != 0 ||
      ofl_napi_get_bytes(env, argv[2], "data", &in) != 0 ||
      ofl_napi_get_u32(env, argv[3], "blockSize", &block) != 0 ||
      ofl_napi_get_u32(env, argv[4], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[5], "deadline", &deadline) != 0)
    return NULL;
  OFL_NAPI_CALL(env, napi_get_value_int32(env, argv[1], &level));
  if ((codec != OFL_CODEC_GZIP && codec != OFL_CODEC_DEFLATE &&
       codec != OFL_CODEC_DEFLATE_RAW) ||
      lane >= OFL_LANE_COUNT || block < PAR_WINDOW || in.len == 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "codecParallel arguments");
    return NULL;
  }
  if (level == INT32_MIN) level = 6;
  size_t bs = block;
  if (in.len / bs >= PAR_MAX_PIECES) bs = in.len / (PAR_MAX_PIECES - 1);
  size_t pieces = (in.len + bs - 1) / bs;
  par_state_t *st = calloc(1, sizeof(*st));
  if (st != NULL) {
    st->blocks = calloc(pieces, sizeof(*st->blocks));
    st->checks = calloc(pieces, sizeof(*st->checks));
  }
  if (st == NULL || st->blocks == NULL || st->checks == NULL) {
    if (st != NULL) free(st->blocks), free(st->checks), free(st);
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  st->env = ofl_env_get(env);
  st->codec = (ofl_codec_id_t)codec;
  st->level = level;
  st->in = in.data;
  st->len = in.len;
  st->block = bs;
  st->refs = 1; /* held by this function until the loop ends */
  int64_t first = 0;
  for (size_t i = 0; i < pieces; i++) {
    par_job_t *p = (par_job_t *)ofl_job_alloc(sizeof(*p), &par_vt);
    if (p == NULL) {
      st->err = OFL_ENOMEM;
      break;
    }
    if (ofl_job_pin(env, &p->job, in.backing) != napi_ok) {
      ofl_job_discard(env, &p->job); /* st not attached: no destroy effect */
      st->err = OFL_EINTERNAL;
      break;
    }
    p->st = st;
    p->index = i;
    p->job.group = (uint32_t)first;
    st->refs++;
    int64_t id = ofl_job_submit(env, &p->job, argv[6], (int)lane, deadline);
    if (id < 0) { /* the job was freed through par_destroy */
      st->err = (int)id;
      break;
    }
    if (i == 0) first = id, st->group = (uint32_t)id;
    st->n++;
  }
  int submitted = st->n;
  if (submitted > 0 && st->err != 0)
    ofl_env_cancel(st->env, st->group, OFL_ECANCELED);
  int err = st->err;
  par_destroy(&(par_job_t){.st = st}.job); /* drop this function's ref */
  if (submitted == 0) first = err != 0 ? err : OFL_EINTERNAL;
  OFL_NAPI_CALL(env, napi_create_int64(env, first, &result));
  return result;
}

napi_status ofl_napi_init_codec_parallel(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"codecParallel", NULL, codec_parallel, NULL, NULL, NULL, napi_default,
       NULL},
  };
  return napi_define_properties(env, exports, 1, props);
}
