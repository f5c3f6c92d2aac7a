#include "hash_args.h"

#include <stdlib.h>
#include <string.h>

#include "ofl_errors.h"

int ofl_hash_args_parse(napi_env env, const napi_value *argv,
                        ofl_hash_args_t *a) {
  memset(a, 0, sizeof(*a));
  uint32_t algo = 0, out_len = 0;
  if (ofl_napi_get_u32(env, argv[0], "algorithm", &algo) != 0)
    return OFL_EINVAL;
  if (algo >= OFL_HASH_ALGO_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "unknown hash algorithm");
    return OFL_EINVAL;
  }
  a->algo = (ofl_hash_algo_t)algo;
  napi_valuetype t;
  if (napi_typeof(env, argv[1], &t) != napi_ok) return OFL_EINTERNAL;
  if (t != napi_undefined) {
    ofl_bytes_t key;
    if (ofl_napi_get_bytes(env, argv[1], "key", &key) != 0) return OFL_EINVAL;
    if (key.len > sizeof(a->key)) {
      ofl_napi_throw(env, "ERR_OUT_OF_RANGE", "key longer than 256 bytes");
      return OFL_ERANGE;
    }
    if (key.len > 0) memcpy(a->key, key.data, key.len);
    a->opts.key = a->key;
    a->opts.key_len = key.len;
  }
  bool lossless = false;
  if (napi_get_value_bigint_uint64(env, argv[2], &a->opts.seed, &lossless) !=
          napi_ok ||
      !lossless) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "seed must be a uint64 bigint");
    return OFL_EINVAL;
  }
  if (ofl_napi_get_u32(env, argv[3], "outputLength", &out_len) != 0)
    return OFL_EINVAL;
  a->opts.out_len = out_len;
  a->digest_size = ofl_hash_digest_size(a->algo, &a->opts);
  if (a->digest_size == 0) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE",
                   "invalid options for this hash algorithm");
    return OFL_EINVAL;
  }
  return 0;
}

int ofl_hash_gather(napi_env env, napi_value array, ofl_iov_t **iov,
                    uint32_t *count) {
  bool is = false;
  uint32_t n = 0;
  if (napi_is_array(env, array, &is) != napi_ok || !is ||
      napi_get_array_length(env, array, &n) != napi_ok) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", "expected an array of buffers");
    return OFL_EINVAL;
  }
  ofl_iov_t *v = calloc(n ? n : 1, sizeof(*v));
  if (v == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return OFL_ENOMEM;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    ofl_bytes_t b;
    if (napi_get_element(env, array, i, &el) != napi_ok ||
        ofl_napi_get_bytes(env, el, "data", &b) != 0) {
      free(v);
      return OFL_EINVAL;
    }
    v[i].data = b.data;
    v[i].len = b.len;
  }
  *iov = v;
  *count = n;
  return 0;
}
