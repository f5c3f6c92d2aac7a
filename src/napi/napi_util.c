#include "napi_util.h"

#include <stdio.h>
#include <string.h>

#include "ofl_errors.h"

int ofl_napi_check(napi_env env, napi_status status, const char *what) {
  if (status == napi_ok) return 1;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return 0;
  /* Teardown: JS can no longer run, so there is nobody to throw to. */
  if (status == napi_cannot_run_js || status == napi_closing) return 0;
  const napi_extended_error_info *info = NULL;
  char msg[256];
  napi_get_last_error_info(env, &info);
  snprintf(msg, sizeof(msg), "offload internal error in %s: %s", what,
           info && info->error_message ? info->error_message : "unknown");
  ofl_napi_throw(env, "ERR_OFFLOAD_INTERNAL", msg);
  return 0;
}

static napi_value make_error(napi_env env, const char *code, const char *msg) {
  napi_value jcode, jmsg, err;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &jcode) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &jmsg) != napi_ok)
    return NULL;
  napi_status st;
  if (strncmp(code, "ERR_INVALID_ARG_TYPE", 20) == 0)
    st = napi_create_type_error(env, jcode, jmsg, &err);
  else if (strcmp(code, "ERR_OUT_OF_RANGE") == 0 ||
           strcmp(code, "ERR_BUFFER_TOO_LARGE") == 0)
    st = napi_create_range_error(env, jcode, jmsg, &err);
  else
    st = napi_create_error(env, jcode, jmsg, &err);
  return st == napi_ok ? err : NULL;
}

void ofl_napi_throw(napi_env env, const char *code, const char *msg) {
  napi_value err = make_error(env, code, msg);
  /* A failed throw during teardown is ignored, never fatal. */
  if (err != NULL) napi_throw(env, err);
}

napi_value ofl_napi_error(napi_env env, int err, const char *detail) {
  char msg[512];
  if (detail != NULL && *detail != '\0')
    snprintf(msg, sizeof(msg), "%s: %s", ofl_strerror(err), detail);
  else
    snprintf(msg, sizeof(msg), "%s", ofl_strerror(err));
  return make_error(env, ofl_err_name(err), msg);
}

static int type_error(napi_env env, const char *name, const char *expected) {
  char msg[256];
  snprintf(msg, sizeof(msg), "The \"%s\" argument must be %s", name, expected);
  ofl_napi_throw(env, "ERR_INVALID_ARG_TYPE", msg);
  return OFL_EINVAL;
}

int ofl_napi_get_bytes(napi_env env, napi_value v, const char *name,
                       ofl_bytes_t *out) {
  bool is = false;
  void *data = NULL;
  size_t len = 0;
  memset(out, 0, sizeof(*out));
  out->backing = v;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t count, offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &count, &data, &ab, &offset) !=
        napi_ok)
      return type_error(env, name, "a readable TypedArray");
    size_t esize = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        esize = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        esize = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        esize = 8;
        break;
      default:
        esize = 1;
    }
    if (count > SIZE_MAX / esize) return type_error(env, name, "a sane view");
    len = count * esize;
    out->backing = ab;
  } else if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_value ab;
    size_t offset;
    if (napi_get_dataview_info(env, v, &len, &data, &ab, &offset) != napi_ok)
      return type_error(env, name, "a readable DataView");
    out->backing = ab;
  } else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    if (napi_get_arraybuffer_info(env, v, &data, &len) != napi_ok)
      return type_error(env, name, "a readable ArrayBuffer");
  } else {
    /* SharedArrayBuffer has no Node-API predicate before v9; lib/ wraps it
     * in a Uint8Array, so anything else here is a type error. */
    return type_error(env, name,
                      "an instance of Buffer, TypedArray, DataView or "
                      "ArrayBuffer");
  }
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, out->backing, &detached) == napi_ok &&
      detached) {
    char msg[160];
    snprintf(msg, sizeof(msg), "The \"%s\" argument is a detached buffer",
             name);
    ofl_napi_throw(env, "ERR_INVALID_STATE", msg);
    return OFL_EINVAL;
  }
  out->data = data;
  out->len = len;
  return 0;
}

static int expect_number(napi_env env, napi_value v, const char *name) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number)
    return type_error(env, name, "of type number");
  return 0;
}

int ofl_napi_get_u32(napi_env env, napi_value v, const char *name,
                     uint32_t *out) {
  if (expect_number(env, v, name) != 0) return OFL_EINVAL;
  if (napi_get_value_uint32(env, v, out) != napi_ok)
    return type_error(env, name, "an integer");
  return 0;
}

int ofl_napi_get_double(napi_env env, napi_value v, const char *name,
                        double *out) {
  if (expect_number(env, v, name) != 0) return OFL_EINVAL;
  if (napi_get_value_double(env, v, out) != napi_ok)
    return type_error(env, name, "of type number");
  return 0;
}
