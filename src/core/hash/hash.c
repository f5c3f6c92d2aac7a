/* The hash dispatcher: names, option checks, contexts and one-shot calls
 * routed to the OpenSSL, xxHash, zlib, BLAKE3 and CRC32C backends. */
#include <limits.h>
#include <stdlib.h>

#include "hash_impl.h"
#include "ofl_errors.h"

static const char *const k_names[OFL_HASH_ALGO_COUNT + 1] = {
    "md5",        "sha1",     "sha224",   "sha256", "sha384", "sha512",
    "sha512-256", "sha3-256", "sha3-512", "blake3", "xxh32",  "xxh64",
    "xxh3",       "xxh3-128", "crc32",    "crc32c", NULL};

enum { KIND_OSSL, KIND_BLAKE3, KIND_XXH, KIND_CRC };

static int kind(ofl_hash_algo_t a) {
  if (a <= OFL_HASH_SHA3_512) return KIND_OSSL;
  if (a == OFL_HASH_BLAKE3) return KIND_BLAKE3;
  if (a <= OFL_HASH_XXH3_128) return KIND_XXH;
  return KIND_CRC;
}

struct ofl_hash_ctx_s {
  ofl_hash_algo_t algo;
  int finalized;
  size_t out_len;
  uint64_t seed;
  union {
    void *state; /* OpenSSL or xxHash state */
    uint32_t crc;
    ofl__b3_hasher_t b3; /* keeps its key and flags for reset */
  } u;
};

int ofl_hash_algo_from_name(const char *name) {
  if (name == NULL) return OFL_EUNSUPPORTED;
  for (int i = 0; i < OFL_HASH_ALGO_COUNT; i++)
    if (strcmp(name, k_names[i]) == 0) return i;
  return OFL_EUNSUPPORTED;
}

const char *ofl_hash_algo_name(ofl_hash_algo_t algo) {
  return (unsigned)algo < OFL_HASH_ALGO_COUNT ? k_names[algo] : NULL;
}

const char *const *ofl_hash_algo_names(void) {
  return k_names;
}

/* The one validation every entry point shares.
 * @return 0 and the output size, or a negative OFL_E*. */
static int check(ofl_hash_algo_t algo, const ofl_hash_opts_t *o, size_t *size) {
  static const ofl_hash_opts_t defaults;
  if ((unsigned)algo >= OFL_HASH_ALGO_COUNT) return OFL_EUNSUPPORTED;
  if (o == NULL) o = &defaults;
  if ((o->key == NULL && o->key_len != 0) ||
      (o->context == NULL && o->context_len != 0))
    return OFL_EINVAL;
  size_t natural;
  switch (kind(algo)) {
    case KIND_OSSL:
      if (o->context != NULL || o->seed != 0) return OFL_EINVAL;
      natural = ofl__ossl_size(algo);
      break;
    case KIND_BLAKE3:
      if (o->seed != 0 || (o->key != NULL && o->context != NULL) ||
          (o->key != NULL && o->key_len != OFL_BLAKE3_KEY_LEN))
        return OFL_EINVAL;
      if (o->out_len > INT_MAX) return OFL_ERANGE;
      *size = o->out_len != 0 ? o->out_len : OFL_BLAKE3_OUT_LEN;
      return 0;
    case KIND_XXH:
      if (o->key != NULL || o->context != NULL) return OFL_EINVAL;
      natural = ofl__xxh_size(algo);
      break;
    default:
      if (o->key != NULL || o->context != NULL || o->seed != 0)
        return OFL_EINVAL;
      natural = 4;
      break;
  }
  if (o->out_len != 0 && o->out_len != natural) return OFL_EINVAL;
  *size = natural;
  return 0;
}

size_t ofl_hash_digest_size(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts) {
  size_t size = 0;
  return check(algo, opts, &size) == 0 ? size : 0;
}

static uint32_t crc_update(ofl_hash_algo_t algo, uint32_t crc, const void *data,
                           size_t len) {
  return algo == OFL_HASH_CRC32 ? ofl__crc32(crc, data, len)
                                : ofl_crc32c(crc, data, len);
}

int ofl_hash_oneshot(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts,
                     const void *data, size_t len, uint8_t *out,
                     size_t out_len) {
  size_t size;
  int rc = check(algo, opts, &size);
  if (rc != 0) return rc;
  if ((data == NULL && len != 0) || out == NULL || out_len < size)
    return OFL_EINVAL;
  switch (kind(algo)) {
    case KIND_OSSL:
      rc = ofl__ossl_oneshot(algo, opts ? opts->key : NULL,
                             opts ? opts->key_len : 0, data, len, out);
      break;
    case KIND_BLAKE3: {
      uint32_t key[8];
      uint8_t flags;
      rc = ofl_blake3_mode(opts, key, &flags);
      if (rc == 0)
        ofl__b3_oneshot((const uint8_t *)data, len, key, flags, out, size);
      break;
    }
    case KIND_XXH:
      ofl__xxh_oneshot(algo, opts ? opts->seed : 0, data, len, out);
      break;
    default:
      ofl__store32be(out, crc_update(algo, 0, data, len));
      break;
  }
  return rc != 0 ? rc : (int)size;
}

int ofl_hash_ctx_create(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts,
                        ofl_hash_ctx_t **out) {
  size_t size;
  if (out == NULL) return OFL_EINVAL;
  *out = NULL;
  int rc = check(algo, opts, &size);
  if (rc != 0) return rc;
  ofl_hash_ctx_t *ctx = (ofl_hash_ctx_t *)calloc(1, sizeof(*ctx));
  if (ctx == NULL) return OFL_ENOMEM;
  ctx->algo = algo;
  ctx->out_len = size;
  ctx->seed = opts ? opts->seed : 0;
  switch (kind(algo)) {
    case KIND_OSSL:
      rc = ofl__ossl_new(algo, opts ? opts->key : NULL,
                         opts ? opts->key_len : 0, &ctx->u.state);
      break;
    case KIND_BLAKE3: {
      uint32_t key[8];
      uint8_t flags;
      rc = ofl_blake3_mode(opts, key, &flags);
      if (rc == 0) ofl__b3_init(&ctx->u.b3, key, flags);
      break;
    }
    case KIND_XXH:
      rc = ofl__xxh_new(algo, ctx->seed, &ctx->u.state);
      break;
    default:
      ctx->u.crc = 0;
      break;
  }
  if (rc != 0) {
    free(ctx);
    return rc;
  }
  *out = ctx;
  return 0;
}

int ofl_hash_ctx_update(ofl_hash_ctx_t *ctx, const void *data, size_t len) {
  if (ctx == NULL || (data == NULL && len != 0) || ctx->finalized)
    return OFL_EINVAL;
  if (len == 0) return 0;
  switch (kind(ctx->algo)) {
    case KIND_OSSL:
      return ofl__ossl_update(ctx->u.state, data, len);
    case KIND_BLAKE3:
      ofl__b3_update(&ctx->u.b3, (const uint8_t *)data, len);
      return 0;
    case KIND_XXH:
      ofl__xxh_update(ctx->algo, ctx->u.state, data, len);
      return 0;
    default:
      ctx->u.crc = crc_update(ctx->algo, ctx->u.crc, data, len);
      return 0;
  }
}

int ofl_hash_ctx_final(ofl_hash_ctx_t *ctx, uint8_t *out, size_t out_len) {
  if (ctx == NULL || out == NULL || ctx->finalized || out_len < ctx->out_len)
    return OFL_EINVAL;
  int rc = 0;
  switch (kind(ctx->algo)) {
    case KIND_OSSL:
      rc = ofl__ossl_final(ctx->u.state, out);
      break;
    case KIND_BLAKE3:
      ofl__b3_final(&ctx->u.b3, out, ctx->out_len);
      break;
    case KIND_XXH:
      ofl__xxh_final(ctx->algo, ctx->u.state, out);
      break;
    default:
      ofl__store32be(out, ctx->u.crc);
      break;
  }
  ctx->finalized = 1;
  return rc != 0 ? rc : (int)ctx->out_len;
}

int ofl_hash_ctx_reset(ofl_hash_ctx_t *ctx) {
  if (ctx == NULL) return OFL_EINVAL;
  int rc = 0;
  switch (kind(ctx->algo)) {
    case KIND_OSSL:
      rc = ofl__ossl_reset(ctx->u.state);
      break;
    case KIND_BLAKE3:
      ofl__b3_init(&ctx->u.b3, ctx->u.b3.key, ctx->u.b3.flags);
      break;
    case KIND_XXH:
      ofl__xxh_reset(ctx->algo, ctx->u.state, ctx->seed);
      break;
    default:
      ctx->u.crc = 0;
      break;
  }
  ctx->finalized = rc != 0;
  return rc;
}

size_t ofl_hash_ctx_digest_size(const ofl_hash_ctx_t *ctx) {
  return ctx != NULL ? ctx->out_len : 0;
}

void ofl_hash_ctx_free(ofl_hash_ctx_t *ctx) {
  if (ctx == NULL) return;
  switch (kind(ctx->algo)) {
    case KIND_OSSL:
      ofl__ossl_free(ctx->u.state);
      break;
    case KIND_XXH:
      ofl__xxh_free(ctx->algo, ctx->u.state);
      break;
    default:
      break;
  }
  /* Wipe keyed BLAKE3 key words; volatile stops the store being elided. */
  volatile uint8_t *p = (volatile uint8_t *)ctx;
  for (size_t i = 0; i < sizeof(*ctx); i++) p[i] = 0;
  free(ctx);
}
