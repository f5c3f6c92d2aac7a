/* Password hashing: argon2, scrypt and bcrypt as executor jobs, or on the
 * calling thread (the *Sync forms). The password, salt and secret are
 * copied into the baton (they are small) and wiped when it goes.
 * lib/hash/password.js validates and builds the encoded strings. */
#include <stdlib.h>
#include <string.h>

#include "napi_env.h"
#include "napi_modules.h"
#include "ofl_errors.h"
#include "ofl_hash.h"

enum { KIND_ARGON2, KIND_SCRYPT, KIND_BCRYPT };

typedef struct {
  ofl_job_t job;
  int kind;
  uint8_t *pw, *salt, *secret;
  size_t pw_len, salt_len, secret_len;
  ofl_argon2_params_t argon2;
  uint64_t n, max_mem;
  uint32_t r, p, cost;
  char minor;
  uint8_t *out;
  size_t out_len;
  char encoded[OFL_BCRYPT_LEN + 1];
} pw_job_t;

static void wipe(void *p, size_t n) {
  volatile uint8_t *v = p;
  while (n-- > 0) *v++ = 0;
}

static int pw_work(ofl_job_t *job) {
  pw_job_t *j = (pw_job_t *)job;
  switch (j->kind) {
    case KIND_ARGON2:
      j->argon2.secret = j->secret;
      j->argon2.secret_len = j->secret_len;
      return ofl_password_argon2(&j->argon2, j->pw, j->pw_len, j->salt,
                                 j->salt_len, j->out, j->out_len);
    case KIND_SCRYPT:
      return ofl_password_scrypt(j->pw, j->pw_len, j->salt, j->salt_len, j->n,
                                 j->r, j->p, j->max_mem, j->out, j->out_len);
    default:
      if (j->salt_len != OFL_BCRYPT_SALT_LEN) return OFL_EINVAL;
      return ofl_password_bcrypt(j->pw, j->pw_len, j->cost, j->salt, j->minor,
                                 j->encoded);
  }
}

static napi_status pw_result(napi_env env, ofl_job_t *job, napi_value *out) {
  pw_job_t *j = (pw_job_t *)job;
  if (j->kind == KIND_BCRYPT)
    return napi_create_string_latin1(env, j->encoded, NAPI_AUTO_LENGTH, out);
  return napi_create_buffer_copy(env, j->out_len, j->out, NULL, out);
}

static void pw_destroy(ofl_job_t *job) {
  pw_job_t *j = (pw_job_t *)job;
  if (j->pw != NULL) wipe(j->pw, j->pw_len);
  if (j->secret != NULL) wipe(j->secret, j->secret_len);
  if (j->out != NULL) wipe(j->out, j->out_len);
  wipe(j->encoded, sizeof j->encoded);
  free(j->pw);
  free(j->salt);
  free(j->secret);
  free(j->out);
}

static const ofl_job_vtable_t pw_vt = {pw_work, pw_result, pw_destroy, NULL,
                                       "password"};

/* A private copy of bytes (1 byte for an empty input, so never NULL). */
static int copy_bytes(napi_env env, napi_value v, const char *name,
                      uint8_t **dst, size_t *len) {
  ofl_bytes_t b;
  if (ofl_napi_get_bytes(env, v, name, &b) != 0) return -1;
  *dst = malloc(b.len > 0 ? b.len : 1);
  if (*dst == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return -1;
  }
  if (b.len > 0) memcpy(*dst, b.data, b.len);
  *len = b.len;
  return 0;
}

static int get_u64(napi_env env, napi_value v, const char *name,
                   uint64_t *out) {
  double d = 0;
  if (ofl_napi_get_double(env, v, name, &d) != 0) return -1;
  if (!(d >= 0 && d <= 9007199254740991.0) || d != (double)(uint64_t)d) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", name);
    return -1;
  }
  *out = (uint64_t)d;
  return 0;
}

/* Reads the kind's arguments (argv after kind) into a new job.
 *   argon2: pw, salt, secret|null, type, version, t, m, p, outLen
 *   scrypt: pw, salt, N, r, p, maxMem, outLen
 *   bcrypt: pw, salt, cost, minor (char code)
 * @return the job, or NULL with an exception pending. */
static pw_job_t *pw_parse(napi_env env, uint32_t kind, const napi_value *a,
                          size_t argc) {
  static const size_t need[] = {9, 7, 4};
  if (kind > KIND_BCRYPT || argc < need[kind]) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "password arguments");
    return NULL;
  }
  pw_job_t *j = (pw_job_t *)ofl_job_alloc(sizeof(*j), &pw_vt);
  if (j == NULL) {
    ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
    return NULL;
  }
  j->kind = (int)kind;
  uint32_t u[6] = {0};
  uint64_t out_len = 0;
  int err = copy_bytes(env, a[0], "password", &j->pw, &j->pw_len) != 0 ||
            copy_bytes(env, a[1], "salt", &j->salt, &j->salt_len) != 0;
  if (!err && kind == KIND_ARGON2) {
    napi_valuetype t;
    err = napi_typeof(env, a[2], &t) != napi_ok;
    if (!err && t != napi_null)
      err = copy_bytes(env, a[2], "secret", &j->secret, &j->secret_len) != 0;
    for (int i = 0; i < 5 && !err; i++)
      err = ofl_napi_get_u32(env, a[3 + i], "argon2 parameter", &u[i]) != 0;
    err = err || get_u64(env, a[8], "outputLength", &out_len) != 0;
    j->argon2 = (ofl_argon2_params_t){(int)u[0], u[1], u[2], u[3], u[4],
                                      NULL,      0,    NULL, 0};
  } else if (!err && kind == KIND_SCRYPT) {
    err = get_u64(env, a[2], "N", &j->n) != 0 ||
          ofl_napi_get_u32(env, a[3], "r", &j->r) != 0 ||
          ofl_napi_get_u32(env, a[4], "p", &j->p) != 0 ||
          get_u64(env, a[5], "maxMemory", &j->max_mem) != 0 ||
          get_u64(env, a[6], "outputLength", &out_len) != 0;
  } else if (!err) {
    err = ofl_napi_get_u32(env, a[2], "cost", &j->cost) != 0 ||
          ofl_napi_get_u32(env, a[3], "minor", &u[0]) != 0;
    j->minor = (char)u[0];
  }
  if (!err && kind != KIND_BCRYPT) {
    if (out_len == 0 || out_len > 1024) {
      ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "outputLength");
      err = 1;
    } else if ((j->out = malloc((size_t)out_len)) == NULL) {
      ofl_napi_throw(env, "ERR_OFFLOAD_NO_MEMORY", "out of memory");
      err = 1;
    }
    j->out_len = (size_t)out_len;
  }
  if (err) {
    ofl_job_discard(env, &j->job);
    return NULL;
  }
  return j;
}

/* passwordHash(kind, ...kind's arguments, lane, timeout, callback)
 *   → job id | negative OFL_E* */
static napi_value password_hash(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13], result;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t kind = 0, lane = 0;
  double timeout = 0;
  if (argc < 4 || ofl_napi_get_u32(env, argv[0], "kind", &kind) != 0 ||
      ofl_napi_get_u32(env, argv[argc - 3], "lane", &lane) != 0 ||
      ofl_napi_get_double(env, argv[argc - 2], "timeout", &timeout) != 0)
    return NULL;
  if (lane >= OFL_LANE_COUNT) {
    ofl_napi_throw(env, "ERR_INVALID_ARG_VALUE", "lane");
    return NULL;
  }
  pw_job_t *j = pw_parse(env, kind, argv + 1, argc - 4);
  if (j == NULL) return NULL;
  int64_t id = ofl_job_submit(env, &j->job, argv[argc - 1], (int)lane, timeout);
  OFL_NAPI_CALL(env, napi_create_int64(env, id, &result));
  return result;
}

/* passwordHashSync(kind, ...kind's arguments) → Buffer | string | negative
 * OFL_E* (the calling thread does the work). */
static napi_value password_hash_sync(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10], result = NULL;
  OFL_NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t kind = 0;
  if (argc < 1 || ofl_napi_get_u32(env, argv[0], "kind", &kind) != 0)
    return NULL;
  pw_job_t *j = pw_parse(env, kind, argv + 1, argc - 1);
  if (j == NULL) return NULL;
  int err = pw_work(&j->job);
  napi_status st = err == 0 ? pw_result(env, &j->job, &result)
                            : napi_create_int32(env, err, &result);
  ofl_job_discard(env, &j->job);
  OFL_NAPI_CALL(env, st);
  return result;
}

napi_status ofl_napi_init_password(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"passwordHash", NULL, password_hash, NULL, NULL, NULL, napi_default,
       NULL},
      {"passwordHashSync", NULL, password_hash_sync, NULL, NULL, NULL,
       napi_default, NULL},
  };
  return napi_define_properties(env, exports, 2, props);
}
