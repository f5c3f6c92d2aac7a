/* One-shot hashing: hashSync (calling thread) and hash (executor job; a
 * large BLAKE3 input is split into a job group, one subtree per piece). */
#include <stdlib.h>
#include <string.h>

#include "hash_args.h"
#include "napi_env.h"
#include "ofl_errors.h"

#define CHUNK (1u << 20) /* cancellation is checked between chunks */

/* Hashes in 1 MiB updates so a running task sees abort/deadline. */
static int hash_chunked(ofl_task_t *task, const ofl_hash_args_t *a,
                        const uint8_t *data, size_t len, uint8_t *out) {
  if (len <= CHUNK) {
    int r = ofl_hash_oneshot(a->algo, &a->opts, data, len, out, a->digest_size);
    return r < 0 ? r : 0; /* success returns the digest length */
  }
  ofl_hash_ctx_t *ctx;
  int err = ofl_hash_ctx_create(a->algo, &a->opts, &ctx);
  if (err != 0) return err;
  for (size_t off = 0; off < len && err == 0; off += CHUNK) {
    err = ofl_task_should_stop(task);
    if (err == 0)
      err = ofl_hash_ctx_update(ctx, data + off,
                                len - off < CHUNK ? len - off : CHUNK);
  }
  if (err == 0) err = ofl_hash_ctx_final(ctx, out, a->digest_size);
  ofl_hash_ctx_free(ctx);
  return err < 0 ? err : 0;
}

/* Digest → JS value in the requested encoding, built natively so a tiny
 * hash costs one call (crypto.hash does the same). */
enum { ENC_BUFFER, ENC_HEX, ENC_BASE64, ENC_BASE64URL };

static napi_status encode_digest(napi_env env, const uint8_t *d, size_t n,
                                 uint32_t enc, napi_value *out) {
  if (enc == ENC_BUFFER) return napi_create_buffer_copy(env, n, d, NULL, out);
  char stack[256];
  size_t cap = enc == ENC_HEX ? n * 2 : (n + 2) / 3 * 4;
  char *s = cap <= sizeof(stack) ? stack : malloc(cap);
  if (s == NULL) return napi_generic_failure;
  size_t len = 0;
  if (enc == ENC_HEX) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
      s[len++] = hex[d[i] >> 4];
      s[len++] = hex[d[i] & 15];
    }
  } else {
    const char *tbl =
        enc == ENC_BASE64
            ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
              "_";
    for (size_t i = 0; i < n; i += 3) {
      uint32_t v = (uint32_t)d[i] << 16;
      if (i + 1 < n) v |= (uint32_t)d[i + 1] << 8;
      if (i + 2 < n) v |= d[i + 2];
      s[len++] = tbl[(v >> 18) & 63];
      s[len++] = tbl[(v >> 12) & 63];
      if (i + 1 < n)
        s[len++] = tbl[(v >> 6) & 63];
      else if (enc == ENC_BASE64)
        s[len++] = '=';
      if (i + 2 < n)
        s[len++] = tbl[v & 63];
      else if (enc == ENC_BASE64)
        s[len++] = '=';
    }
  }
  napi_status st = napi_create_string_latin1(env, s, len, out);
  if (s != stack) free(s);
  return st;
}

/* Hashes a string (as UTF-8, without a Buffer in between) or byte view on
 * the calling thread and returns the digest in the requested encoding. */
static napi_value hash_now(napi_env env, napi_value data, ofl_hash_algo_t algo,
                           const ofl_hash_opts_t *opts, size_t digest_size,
                           uint32_t enc) {
  ofl_bytes_t in;
  char stack[1024];
  char *heap = NULL;
  napi_valuetype t;
  OFL_NAPI_CALL(env, napi_typeof(env, data, &t));
  if (t == napi_string) {
    size_t len = 0;
    OFL_NAPI_CALL(env, napi_get_value_string_utf8(env, data, NULL, 0, &len));
    char *buf = stack;
    if (len + 1 > sizeof(stack) && (buf = heap = malloc(len + 1)) == NULL) {
      ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
      return NULL;
    }
    if (napi_get_value_string_utf8(env, data, buf, len + 1, &len) != napi_ok) {
      free(heap);
      return NULL;
    }
    in.data = (uint8_t *)buf;
    in.len = len;
  } else if (ofl_napi_get_bytes(env, data, "data", &in) != 0) {
    return NULL;
  }
  uint8_t small[64];
  uint8_t *digest = digest_size <= sizeof(small) ? small : malloc(digest_size);
  int err = digest == NULL ? OFL_ENOMEM
                           : ofl_hash_oneshot(algo, opts, in.data, in.len,
                                              digest, digest_size);
  free(heap);
  napi_value out = NULL;
  if (err < 0)
    napi_throw(env, ofl_napi_error(env, err, "hash"));
  else if (encode_digest(env, digest, digest_size, enc, &out) != napi_ok)
    ofl_napi_check(env, napi_generic_failure, "encode_digest");
  if (digest != small) free(digest);
  return out;
}

/* hashSync(data, algo, key, seed, outLen, encoding) */
static napi_value hash_sync(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ofl_hash_args_t a;
  uint32_t enc = ENC_BUFFER;
  if (ofl_hash_args_parse(env, argv + 1, &a) != 0 ||
      (argc > 5 && ofl_napi_get_u32(env, argv[5], "encoding", &enc) != 0))
    return NULL;
  return hash_now(env, argv[0], a.algo, &a.opts, a.digest_size, enc);
}

/* hashQuick(data, algo, encoding): default options only, for the common
 * tiny call where argument parsing is most of the cost. */
static napi_value hash_quick(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t algo, enc;
  if (napi_get_value_uint32(env, argv[1], &algo) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &enc) != napi_ok ||
      algo >= OFL_HASH_ALGO_COUNT || enc > ENC_BASE64URL) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE",
                   "hashQuick: bad algorithm or encoding");
    return NULL;
  }
  return hash_now(env, argv[0], (ofl_hash_algo_t)algo, NULL,
                  ofl_hash_digest_size((ofl_hash_algo_t)algo, NULL), enc);
}

/* ---- async: one job, or a BLAKE3 group ------------------------------- */

/* Pieces are at most PIECE_MAX bytes, so abort and deadlines are seen
 * within one piece's time (the subtree kernel has no check inside). */
#define MAX_PIECES 64
#define PIECE_MAX ((size_t)8 << 20)

typedef struct {
  size_t remaining; /* pieces not yet settled; JS thread only */
  size_t refs;      /* pieces not yet destroyed (teardown skips settle) */
  int status;
  size_t npieces;
  uint8_t cvs[MAX_PIECES][32];
  /* Tree of the split: node i has children kids[i][0..1] (leaf: piece
   * index stored as -(idx+1)). Node 0 is the root. */
  int kids[MAX_PIECES][2];
  int nnodes;
  uint32_t key[8];
  uint8_t flags;
} b3_group_t;

typedef struct {
  ofl_job_t job;
  ofl_hash_args_t args;
  const uint8_t *data;
  size_t len;
  uint8_t digest[64];
  uint8_t *xof; /* blake3 outputs longer than 64 bytes */
  /* group pieces */
  b3_group_t *group;
  int piece;
  uint64_t chunk_counter;
} hash_job_t;

static uint8_t *job_out(hash_job_t *h) {
  return h->xof != NULL ? h->xof : h->digest;
}

static int hash_work(ofl_job_t *job) {
  hash_job_t *h = (hash_job_t *)job;
  if (h->group != NULL) {
    int stop = ofl_task_should_stop(&job->task);
    if (stop != 0) return stop;
    return ofl_blake3_subtree_cv(h->data, h->len, h->chunk_counter,
                                 h->group->key, h->group->flags,
                                 h->group->cvs[h->piece]);
  }
  return hash_chunked(&job->task, &h->args, h->data, h->len, job_out(h));
}

static napi_status hash_result(napi_env env, ofl_job_t *job, napi_value *out) {
  hash_job_t *h = (hash_job_t *)job;
  return napi_create_buffer_copy(env, h->args.digest_size, job_out(h), NULL,
                                 out);
}

static void node_cv(const b3_group_t *g, int node, uint8_t out[32]) {
  uint8_t l[32], r[32];
  for (int side = 0; side < 2; side++) {
    int k = g->kids[node][side];
    uint8_t *dst = side == 0 ? l : r;
    if (k < 0)
      memcpy(dst, g->cvs[-k - 1], 32);
    else
      node_cv(g, k, dst);
  }
  ofl_blake3_parent_cv(l, r, g->key, g->flags, out);
}

/* Every piece settles here; the last one merges the tree and delivers. */
static int hash_settle(napi_env env, ofl_job_t *job, int *status) {
  (void)env;
  hash_job_t *h = (hash_job_t *)job;
  b3_group_t *g = h->group;
  if (g == NULL) return 1;
  if (*status != 0 && g->status == 0) g->status = *status;
  if (--g->remaining > 0) return 0;
  *status = g->status;
  if (*status == 0) {
    uint8_t l[32], r[32];
    for (int side = 0; side < 2; side++) {
      int k = g->kids[0][side];
      uint8_t *dst = side == 0 ? l : r;
      if (k < 0)
        memcpy(dst, g->cvs[-k - 1], 32);
      else
        node_cv(g, k, dst);
    }
    int err = ofl_blake3_root(l, r, g->key, g->flags, job_out(h),
                              h->args.digest_size);
    if (err < 0) *status = err;
  }
  return 1;
}

static void hash_destroy(ofl_job_t *job) {
  hash_job_t *h = (hash_job_t *)job;
  free(h->xof);
  if (h->group != NULL && --h->group->refs == 0) free(h->group);
}

static const ofl_job_vtable_t hash_vt = {hash_work, hash_result, hash_destroy,
                                         hash_settle, "hash"};

static hash_job_t *new_job(napi_env env, const ofl_hash_args_t *a,
                           napi_value backing) {
  hash_job_t *h = (hash_job_t *)ofl_job_alloc(sizeof(*h), &hash_vt);
  if (h == NULL) return NULL;
  h->args = *a;
  if (a->opts.key != NULL) h->args.opts.key = h->args.key; /* our own copy */
  if (a->digest_size > sizeof(h->digest) &&
      (h->xof = malloc(a->digest_size)) == NULL) {
    ofl_job_discard(env, &h->job);
    return NULL;
  }
  if (ofl_job_pin(env, &h->job, backing) != napi_ok) {
    ofl_job_discard(env, &h->job);
    return NULL;
  }
  return h;
}

/* Splits [off, off+len) into a subtree of pieces; returns the node id or
 * a leaf code. Pieces are submitted by the caller afterwards. */
static int split(b3_group_t *g, size_t *offs, size_t *lens, size_t off,
                 size_t len, int depth) {
  size_t left = ofl_blake3_split_len(len);
  if (depth == 0 || left == 0 || g->nnodes >= MAX_PIECES - 1) {
    offs[g->npieces] = off;
    lens[g->npieces] = len;
    return -(int)(++g->npieces);
  }
  int node = g->nnodes++;
  g->kids[node][0] = split(g, offs, lens, off, left, depth - 1);
  g->kids[node][1] = split(g, offs, lens, off + left, len - left, depth - 1);
  return node;
}

static int64_t submit_group(napi_env env, const ofl_hash_args_t *a,
                            const ofl_bytes_t *in, napi_value cb, int lane,
                            double timeout, unsigned threads) {
  b3_group_t *g = calloc(1, sizeof(*g));
  if (g == NULL) return OFL_ENOMEM;
  if (ofl_blake3_mode(&a->opts, g->key, &g->flags) != 0) {
    free(g);
    return OFL_EINVAL;
  }
  int depth = 0;
  while (((size_t)1 << depth) < threads && depth < 6) depth++;
  while ((in->len >> depth) > PIECE_MAX && depth < 6) depth++;
  if (depth == 0) depth = 1;
  size_t offs[MAX_PIECES], lens[MAX_PIECES];
  split(g, offs, lens, 0, in->len, depth);
  g->remaining = g->refs = g->npieces;
  int64_t first = 0;
  for (size_t i = 0; i < g->npieces; i++) {
    hash_job_t *h = new_job(env, a, in->backing);
    int64_t id = OFL_ENOMEM;
    size_t unused = g->npieces - i; /* pieces that will never be destroyed */
    if (h != NULL) {
      h->group = g;
      h->piece = (int)i;
      h->data = in->data + offs[i];
      h->len = lens[i];
      h->chunk_counter = offs[i] / OFL_BLAKE3_CHUNK_LEN;
      h->job.group = (uint32_t)first;
      id = ofl_job_submit(env, &h->job, cb, lane, timeout);
      unused--; /* a failed submit destroyed this piece already */
    }
    if (id < 0) {
      g->remaining -= g->npieces - i;
      g->refs -= unused;
      if (first == 0) {
        if (g->refs == 0) free(g);
        return id;
      }
      /* The queued pieces settle with this error. */
      g->status = (int)id;
      ofl_env_cancel(ofl_env_get(env), (uint32_t)first, OFL_ECANCELED);
      return first;
    }
    if (first == 0) first = id;
  }
  return first;
}

/* hash(data, algo, key, seed, outLen, lane, timeoutMs, parallel, cb) */
static napi_value hash_async(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ofl_hash_args_t a;
  ofl_bytes_t in;
  uint32_t lane = 0, parallel = 0;
  double timeout = 0;
  if (ofl_hash_args_parse(env, argv + 1, &a) != 0 ||
      ofl_napi_get_bytes(env, argv[0], "data", &in) != 0 ||
      ofl_napi_get_u32(env, argv[5], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[6], "timeout", &timeout) != 0 ||
      ofl_napi_get_u32(env, argv[7], "parallel", &parallel) != 0)
    return NULL;
  int64_t id;
  if (a.algo == OFL_HASH_BLAKE3 && parallel >= 2 &&
      ofl_blake3_split_len(in.len) > 0) {
    id = submit_group(env, &a, &in, argv[8], (int)lane, timeout, parallel);
  } else {
    hash_job_t *h = new_job(env, &a, in.backing);
    if (h == NULL) {
      id = OFL_ENOMEM;
    } else {
      h->data = in.data;
      h->len = in.len;
      id = ofl_job_submit(env, &h->job, argv[8], (int)lane, timeout);
    }
  }
  napi_value out;
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &out));
  return out;
}

static napi_value algorithms(napi_env env) {
  napi_value arr;
  OFL_NAPI_CALL(env, napi_create_array(env, &arr));
  const char *const *names = ofl_hash_algo_names();
  for (uint32_t i = 0; names[i] != NULL; i++) {
    napi_value s;
    OFL_NAPI_CALL(env,
                  napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s));
    OFL_NAPI_CALL(env, napi_set_element(env, arr, i, s));
  }
  return arr;
}

/* hashKernels(): { blake3, crc32c } names of the SIMD kernels the runtime
 * dispatch picked on this CPU. Internal: lets the tests (and the arm64 run
 * under qemu) assert which path is live. */
static napi_value hash_kernels(napi_env env, napi_callback_info info) {
  (void)info;
  static const ofl_hash_algo_t algos[] = {OFL_HASH_BLAKE3, OFL_HASH_CRC32C};
  napi_value obj;
  OFL_NAPI_CALL(env, napi_create_object(env, &obj));
  for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
    napi_value s;
    OFL_NAPI_CALL(env,
                  napi_create_string_utf8(env, ofl_hash_kernel_name(algos[i]),
                                          NAPI_AUTO_LENGTH, &s));
    OFL_NAPI_CALL(env, napi_set_named_property(
                           env, obj, ofl_hash_algo_name(algos[i]), s));
  }
  return obj;
}

napi_status ofl_napi_init_hash_stream(napi_env env, napi_value exports);
napi_status ofl_napi_init_hash_file(napi_env env, napi_value exports);

napi_status ofl_napi_init_hash(napi_env env, napi_value exports) {
  napi_value names = algorithms(env);
  if (names == NULL) return napi_pending_exception;
  napi_property_descriptor props[] = {
      {"hashSync", NULL, hash_sync, NULL, NULL, NULL, napi_default, NULL},
      {"hashQuick", NULL, hash_quick, NULL, NULL, NULL, napi_default, NULL},
      {"hash", NULL, hash_async, NULL, NULL, NULL, napi_default, NULL},
      {"hashAlgorithms", NULL, NULL, NULL, NULL, names, napi_enumerable, NULL},
      {"hashKernels", NULL, hash_kernels, NULL, NULL, NULL, napi_default, NULL},
  };
  OFL_NAPI_TRY(env, napi_define_properties(env, exports, 5, props));
  OFL_NAPI_TRY(env, ofl_napi_init_hash_stream(env, exports));
  return ofl_napi_init_hash_file(env, exports);
}
