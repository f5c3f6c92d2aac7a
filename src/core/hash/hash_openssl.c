/* md5/sha1/sha2/sha3 and their HMACs through OpenSSL 3 EVP. Only long-lived
 * public APIs are used: the addon resolves them from the node binary.
 * EVP_MD_fetch/EVP_MAC_fetch results are cached for the process lifetime
 * (fetching per call takes a lock and a lookup), so a tiny one-shot costs
 * one EVP context allocation, like node's crypto.hash. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "hash_impl.h"
#include "ofl_checked.h"
#include "ofl_errors.h"

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "offload needs OpenSSL 3 headers (Node >= 18 ships OpenSSL 3)"
#endif

#define N_MD (OFL_HASH_SHA3_512 + 1)

static const char *const k_names[N_MD] = {"MD5",        "SHA1",     "SHA224",
                                          "SHA256",     "SHA384",   "SHA512",
                                          "SHA512-256", "SHA3-256", "SHA3-512"};
static const uint8_t k_sizes[N_MD] = {16, 20, 28, 32, 48, 64, 32, 32, 64};

static _Atomic(EVP_MD *) g_md[N_MD];
static _Atomic(EVP_MAC *) g_hmac;

/* A racing loser frees its copy and uses the winner's. */
static const EVP_MD *get_md(int algo) {
  EVP_MD *md = atomic_load_explicit(&g_md[algo], memory_order_acquire);
  if (md != NULL) return md;
  EVP_MD *fresh = EVP_MD_fetch(NULL, k_names[algo], NULL);
  if (fresh == NULL) return NULL;
  if (!atomic_compare_exchange_strong(&g_md[algo], &md, fresh)) {
    EVP_MD_free(fresh);
    return md;
  }
  return fresh;
}

static EVP_MAC *get_hmac(void) {
  EVP_MAC *mac = atomic_load_explicit(&g_hmac, memory_order_acquire);
  if (mac != NULL) return mac;
  EVP_MAC *fresh = EVP_MAC_fetch(NULL, "HMAC", NULL);
  if (fresh == NULL) return NULL;
  if (!atomic_compare_exchange_strong(&g_hmac, &mac, fresh)) {
    EVP_MAC_free(fresh);
    return mac;
  }
  return fresh;
}

typedef struct {
  int algo;
  EVP_MD_CTX *md;   /* plain digest, or */
  EVP_MAC_CTX *mac; /* HMAC: key kept for reset */
  size_t key_len;
  uint8_t key[]; /* at least 1 byte, so an empty key has a valid address */
} ossl_state_t;

size_t ofl__ossl_size(int algo) {
  return k_sizes[algo];
}

static int mac_init(ossl_state_t *s, int with_params) {
  OSSL_PARAM params[2];
  params[0] =
      OSSL_PARAM_construct_utf8_string("digest", (char *)k_names[s->algo], 0);
  params[1] = OSSL_PARAM_construct_end();
  return EVP_MAC_init(s->mac, s->key, s->key_len,
                      with_params ? params : NULL) == 1
             ? 0
             : OFL_EINTERNAL;
}

int ofl__ossl_new(int algo, const uint8_t *key, size_t key_len, void **out) {
  size_t size;
  *out = NULL;
  if (!ofl_add_size(sizeof(ossl_state_t) + 1, key != NULL ? key_len : 0, &size))
    return OFL_ENOMEM;
  ossl_state_t *s = (ossl_state_t *)calloc(1, size);
  if (s == NULL) return OFL_ENOMEM;
  s->algo = algo;
  int rc = OFL_EUNSUPPORTED;
  if (key == NULL) {
    const EVP_MD *md = get_md(algo);
    if (md != NULL) {
      s->md = EVP_MD_CTX_new();
      rc = s->md == NULL                             ? OFL_ENOMEM
           : EVP_DigestInit_ex(s->md, md, NULL) == 1 ? 0
                                                     : OFL_EINTERNAL;
    }
  } else {
    EVP_MAC *mac = get_hmac();
    s->key_len = key_len;
    if (key_len > 0) memcpy(s->key, key, key_len);
    if (mac != NULL && get_md(algo) != NULL) {
      s->mac = EVP_MAC_CTX_new(mac);
      rc = s->mac == NULL ? OFL_ENOMEM : mac_init(s, 1);
    }
  }
  if (rc != 0) {
    ofl__ossl_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int ofl__ossl_update(void *state, const void *data, size_t len) {
  ossl_state_t *s = (ossl_state_t *)state;
  int ok = s->md != NULL
               ? EVP_DigestUpdate(s->md, data, len)
               : EVP_MAC_update(s->mac, (const unsigned char *)data, len);
  return ok == 1 ? 0 : OFL_EINTERNAL;
}

int ofl__ossl_final(void *state, uint8_t *out) {
  ossl_state_t *s = (ossl_state_t *)state;
  if (s->md != NULL) {
    unsigned int n = 0;
    return EVP_DigestFinal_ex(s->md, out, &n) == 1 ? 0 : OFL_EINTERNAL;
  }
  size_t n = 0;
  return EVP_MAC_final(s->mac, out, &n, k_sizes[s->algo]) == 1 ? 0
                                                               : OFL_EINTERNAL;
}

int ofl__ossl_reset(void *state) {
  ossl_state_t *s = (ossl_state_t *)state;
  if (s->md != NULL)
    return EVP_DigestInit_ex(s->md, get_md(s->algo), NULL) == 1 ? 0
                                                                : OFL_EINTERNAL;
  return mac_init(s, 0);
}

void ofl__ossl_free(void *state) {
  ossl_state_t *s = (ossl_state_t *)state;
  if (s == NULL) return;
  EVP_MD_CTX_free(s->md);
  EVP_MAC_CTX_free(s->mac);
  OPENSSL_cleanse(s->key, s->key_len);
  free(s);
}

int ofl__ossl_oneshot(int algo, const uint8_t *key, size_t key_len,
                      const void *data, size_t len, uint8_t *out) {
  if (key == NULL) {
    const EVP_MD *md = get_md(algo);
    unsigned int n = 0;
    if (md == NULL) return OFL_EUNSUPPORTED;
    return EVP_Digest(data, len, out, &n, md, NULL) == 1 ? 0 : OFL_EINTERNAL;
  }
  void *s;
  int rc = ofl__ossl_new(algo, key, key_len, &s);
  if (rc != 0) return rc;
  rc = ofl__ossl_update(s, data, len);
  if (rc == 0) rc = ofl__ossl_final(s, out);
  ofl__ossl_free(s);
  return rc;
}
