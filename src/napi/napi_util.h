/* Shared Node-API helpers. Every Node-API status is checked: the macros
 * below return early, but never hide a cleanup (STYLE.md lesson 4). */
#ifndef OFL_NAPI_UTIL_H
#define OFL_NAPI_UTIL_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Returns NULL from the calling napi_callback if status is not ok; a JS
 * exception is pending by then (ofl_napi_check throws one if needed). */
#define OFL_NAPI_CALL(env, call)                            \
  do {                                                      \
    if (!ofl_napi_check((env), (call), #call)) return NULL; \
  } while (0)

/* Same, for functions returning napi_status. */
#define OFL_NAPI_TRY(env, call)              \
  do {                                       \
    napi_status ofl__st = (call);            \
    if (ofl__st != napi_ok) {                \
      ofl_napi_check((env), ofl__st, #call); \
      return ofl__st;                        \
    }                                        \
  } while (0)

/* @return 1 when status is napi_ok; otherwise makes sure an exception is
 * pending (unless the env can no longer run JS) and returns 0. */
int ofl_napi_check(napi_env env, napi_status status, const char *what);

/* Throws a TypeError/RangeError/Error with a `code` property. Never
 * aborts, even while the env is shutting down. */
void ofl_napi_throw(napi_env env, const char *code, const char *msg);

/* Builds an Error for a negative OFL_E* code (message from the table,
 * optional detail appended). NULL if that fails. */
napi_value ofl_napi_error(napi_env env, int err, const char *detail);

/* Byte view of a Buffer, TypedArray, DataView or ArrayBuffer (lib/ wraps
 * a SharedArrayBuffer in a Uint8Array). `backing` is the object to pin.
 * A detached buffer is rejected with ERR_INVALID_STATE.
 * @return 0, or a negative OFL_E* code after throwing a coded error. */
typedef struct {
  uint8_t *data;
  size_t len;
  napi_value backing;
} ofl_bytes_t;
int ofl_napi_get_bytes(napi_env env, napi_value v, const char *name,
                       ofl_bytes_t *out);

/* Argument readers; they throw a coded error and return a negative code on
 * mismatch (lib/ has validated already, these keep native code safe). */
int ofl_napi_get_u32(napi_env env, napi_value v, const char *name,
                     uint32_t *out);
int ofl_napi_get_double(napi_env env, napi_value v, const char *name,
                        double *out);

#endif
