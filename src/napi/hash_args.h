/* Parsing of the hash options every hash entry point takes:
 * (algo, key, seed, outLen) at argv[first..first+3]. */
#ifndef OFL_NAPI_HASH_ARGS_H
#define OFL_NAPI_HASH_ARGS_H

#include "napi_util.h"
#include "ofl_hash.h"

typedef struct {
  ofl_hash_algo_t algo;
  ofl_hash_opts_t opts;
  uint8_t key[256]; /* copied: the baton must not point into JS memory */
  size_t digest_size;
} ofl_hash_args_t;

/* @return 0, or a negative code after throwing a coded error. Keys longer
 * than 256 bytes are pre-hashed by lib/ as HMAC requires. */
int ofl_hash_args_parse(napi_env env, const napi_value *argv,
                        ofl_hash_args_t *out);

/* A list of byte views read from a JS array of Buffers/TypedArrays. The
 * caller pins the array (lib/ passes a private copy, so nothing else can
 * drop its elements) and frees iov with free(). */
typedef struct {
  const uint8_t *data;
  size_t len;
} ofl_iov_t;

int ofl_hash_gather(napi_env env, napi_value array, ofl_iov_t **iov,
                    uint32_t *count);
#endif
