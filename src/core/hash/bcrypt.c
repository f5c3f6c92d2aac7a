/* bcrypt (Provos and Mazieres, "A Future-Adaptable Password Scheme",
 * USENIX 1999): the eksblowfish key schedule, then 64 encryptions of
 * "OrpheanBeholderScryDoubt", written in bcrypt's own base64. */
#include <stdio.h>
#include <string.h>

#include "blowfish_impl.h"
#include "ofl_errors.h"
#include "ofl_hash.h"

#define KEY_MAX 72 /* bytes of key Blowfish uses, the NUL included */

static const char B64[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static uint32_t f(const ofl__blowfish_t *c, uint32_t x) {
  return ((c->s[0][x >> 24] + c->s[1][(x >> 16) & 0xff]) ^
          c->s[2][(x >> 8) & 0xff]) +
         c->s[3][x & 0xff];
}

/* Sixteen rounds, two at a time so that no swap is needed. */
static inline void encipher(const ofl__blowfish_t *c, uint32_t *xl,
                            uint32_t *xr) {
  uint32_t l = *xl, r = *xr;
  for (int i = 0; i < 16; i += 2) {
    l ^= c->p[i];
    r ^= f(c, l);
    r ^= c->p[i + 1];
    l ^= f(c, r);
  }
  l ^= c->p[16];
  r ^= c->p[17];
  *xl = r;
  *xr = l;
}

/* The next 4 bytes of data (cyclic), big-endian. */
static uint32_t stream_word(const uint8_t *data, size_t len, size_t *j) {
  uint32_t w = 0;
  for (int i = 0; i < 4; i++) {
    w = (w << 8) | data[*j];
    *j = (*j + 1) % len;
  }
  return w;
}

/* Words of a cyclic byte string, as ExpandKey reads them: 18 for the key
 * (72 bytes), 4 for the salt (16 bytes, which 18 reads cycle through). */
static void words(const uint8_t *data, size_t len, uint32_t *out, int n) {
  size_t j = 0;
  for (int i = 0; i < n; i++) out[i] = stream_word(data, len, &j);
}

/* ExpandKey: the key words into P, then P and S re-derived by encryption,
 * each block first mixed with the next two salt words (none when salt is
 * NULL: the cost loop's ExpandKey(state, 0, key)). */
static void expand(ofl__blowfish_t *c, const uint32_t salt[4],
                   const uint32_t key[18]) {
  for (int i = 0; i < 18; i++) c->p[i] ^= key[i];
  uint32_t l = 0, r = 0;
  int k = 0;
  for (int i = 0; i < 18; i += 2) {
    if (salt != NULL) {
      l ^= salt[k];
      r ^= salt[k + 1];
      k ^= 2;
    }
    encipher(c, &l, &r);
    c->p[i] = l;
    c->p[i + 1] = r;
  }
  for (int b = 0; b < 4; b++) {
    uint32_t *box = c->s[b];
    for (int i = 0; i < 256; i += 2) {
      if (salt != NULL) {
        l ^= salt[k];
        r ^= salt[k + 1];
        k ^= 2;
      }
      encipher(c, &l, &r);
      box[i] = l;
      box[i + 1] = r;
    }
  }
}

static void b64_encode(const uint8_t *in, size_t len, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    const uint32_t c1 = in[i];
    const uint32_t c2 = i + 1 < len ? in[i + 1] : 0;
    const uint32_t c3 = i + 2 < len ? in[i + 2] : 0;
    out[o++] = B64[c1 >> 2];
    out[o++] = B64[((c1 & 3) << 4) | (c2 >> 4)];
    if (i + 1 >= len) break;
    out[o++] = B64[((c2 & 15) << 2) | (c3 >> 6)];
    if (i + 2 >= len) break;
    out[o++] = B64[c3 & 63];
  }
  out[o] = '\0';
}

static void wipe(void *p, size_t n) {
  volatile uint8_t *v = p;
  while (n-- > 0) *v++ = 0;
}

int ofl_password_bcrypt(const uint8_t *pw, size_t pw_len, unsigned cost,
                        const uint8_t salt[OFL_BCRYPT_SALT_LEN], char minor,
                        char out[OFL_BCRYPT_LEN + 1]) {
  if (pw == NULL && pw_len > 0) return OFL_EINVAL;
  if (pw_len > OFL_BCRYPT_MAX_PW || (pw_len > 0 && memchr(pw, 0, pw_len)))
    return OFL_EINVAL;
  if (cost < 4 || cost > 31 || salt == NULL || out == NULL) return OFL_EINVAL;
  if (minor != 'a' && minor != 'b' && minor != 'y') return OFL_EINVAL;
  uint8_t key[KEY_MAX + 1];
  /* 18 key words take exactly 72 bytes, so a 72-byte password's NUL is
   * never read: the same key as OpenBSD's, whose length is 73 there. */
  const size_t key_len = pw_len + 1 > KEY_MAX ? KEY_MAX : pw_len + 1;
  if (pw_len > 0) memcpy(key, pw, pw_len);
  key[pw_len] = 0;

  uint32_t kw[18], sw[4], sw18[18];
  words(key, key_len, kw, 18);
  words(salt, OFL_BCRYPT_SALT_LEN, sw, 4);
  words(salt, OFL_BCRYPT_SALT_LEN, sw18, 18); /* the salt as a key */
  ofl__blowfish_t c = ofl__blowfish_init;
  expand(&c, sw, kw);
  for (uint64_t i = 0, rounds = (uint64_t)1 << cost; i < rounds; i++) {
    expand(&c, NULL, kw);
    expand(&c, NULL, sw18);
  }
  static const uint8_t magic[24] = "OrpheanBeholderScryDoubt";
  uint32_t text[6];
  size_t j = 0;
  for (int i = 0; i < 6; i++) text[i] = stream_word(magic, sizeof magic, &j);
  for (int n = 0; n < 64; n++) {
    for (int i = 0; i < 6; i += 2) encipher(&c, &text[i], &text[i + 1]);
  }
  uint8_t hash[24];
  for (int i = 0; i < 6; i++) {
    hash[4 * i] = (uint8_t)(text[i] >> 24);
    hash[4 * i + 1] = (uint8_t)(text[i] >> 16);
    hash[4 * i + 2] = (uint8_t)(text[i] >> 8);
    hash[4 * i + 3] = (uint8_t)text[i];
  }
  snprintf(out, 8, "$2%c$%02u$", minor, cost);
  b64_encode(salt, OFL_BCRYPT_SALT_LEN, out + 7); /* 22 characters */
  b64_encode(hash, 23, out + 29);                 /* 31 characters */
  wipe(key, sizeof key);
  wipe(kw, sizeof kw);
  wipe(&c, sizeof c);
  wipe(text, sizeof text);
  wipe(hash, sizeof hash);
  return 0;
}
