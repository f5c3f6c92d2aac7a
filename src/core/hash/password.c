/* argon2 through libargon2 (its reference implementation), scrypt through
 * OpenSSL's EVP_PBE_scrypt (the host Node's OpenSSL in the addon). */
#include <argon2.h>
#include <openssl/evp.h>
#include <string.h>

#include "ofl_errors.h"
#include "ofl_hash.h"

static int map_argon2(int rc) {
  switch (rc) {
    case ARGON2_OK:
      return 0;
    case ARGON2_MEMORY_ALLOCATION_ERROR:
      return OFL_ENOMEM;
    default:
      return OFL_EINVAL;
  }
}

int ofl_password_argon2(const ofl_argon2_params_t *params, const uint8_t *pw,
                        size_t pw_len, const uint8_t *salt, size_t salt_len,
                        uint8_t *out, size_t out_len) {
  if (params == NULL || out == NULL || (pw == NULL && pw_len > 0) ||
      salt == NULL)
    return OFL_EINVAL;
  if (pw_len > UINT32_MAX || salt_len > UINT32_MAX || out_len > UINT32_MAX ||
      params->secret_len > UINT32_MAX || params->ad_len > UINT32_MAX)
    return OFL_EINVAL;
  if (params->type != OFL_ARGON2D && params->type != OFL_ARGON2I &&
      params->type != OFL_ARGON2ID)
    return OFL_EINVAL;
  /* libargon2 reads through non-const pointers but writes only out. */
  uint8_t empty = 0;
  argon2_context ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.out = out;
  ctx.outlen = (uint32_t)out_len;
  ctx.pwd = pw_len > 0 ? (uint8_t *)pw : &empty;
  ctx.pwdlen = (uint32_t)pw_len;
  ctx.salt = (uint8_t *)salt;
  ctx.saltlen = (uint32_t)salt_len;
  ctx.secret = (uint8_t *)params->secret;
  ctx.secretlen = (uint32_t)params->secret_len;
  ctx.ad = (uint8_t *)params->ad;
  ctx.adlen = (uint32_t)params->ad_len;
  ctx.t_cost = params->t_cost;
  ctx.m_cost = params->m_cost_kib;
  ctx.lanes = params->parallelism;
  /* One thread per lane, as the argon2 CLI and node-argon2 do; the result
   * is the same with any thread count. */
  ctx.threads = params->parallelism;
  ctx.version = params->version;
  ctx.flags = ARGON2_DEFAULT_FLAGS;
  return map_argon2(argon2_ctx(&ctx, (argon2_type)params->type));
}

int ofl_password_scrypt(const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                        size_t salt_len, uint64_t n, uint32_t r, uint32_t p,
                        uint64_t max_mem, uint8_t *out, size_t out_len) {
  if (out == NULL || out_len == 0 || (pw == NULL && pw_len > 0) ||
      (salt == NULL && salt_len > 0))
    return OFL_EINVAL;
  if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0) return OFL_EINVAL;
  static const unsigned char empty = 0;
  const int ok = EVP_PBE_scrypt((const char *)(pw_len > 0 ? pw : &empty),
                                pw_len, salt_len > 0 ? salt : &empty, salt_len,
                                n, r, p, max_mem, out, out_len);
  return ok == 1 ? 0 : OFL_EINVAL;
}

int ofl_password_equal(const void *a, const void *b, size_t n) {
  const volatile uint8_t *x = a;
  const volatile uint8_t *y = b;
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) d |= (uint8_t)(x[i] ^ y[i]);
  return d == 0;
}
