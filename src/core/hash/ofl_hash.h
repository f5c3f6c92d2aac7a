/* offload core: hashing.
 *
 * API tiers, simplest first:
 *   1. One-shot      ofl_hash_oneshot(): hash a whole buffer in one call.
 *   2. Context       ofl_hash_ctx_create/update/final/reset/free: streaming
 *                    over any number of update() calls of any size.
 *   3. Split/parallel ofl_blake3_*: hash parts of one large input on
 *                    different threads, then merge the chaining values into
 *                    the exact digest a single thread would produce.
 *
 * Algorithms (names as Node spells them): md5 sha1 sha224 sha256 sha384
 * sha512 sha512-256 sha3-256 sha3-512 (OpenSSL EVP; HMAC when a key is
 * given), blake3 (own implementation; hash, keyed, derive_key, XOF),
 * xxh32 xxh64 xxh3 xxh3-128 (libxxhash, canonical big-endian output as
 * xxhsum prints it), crc32 (zlib) and crc32c (own implementation); both CRCs
 * output 4 bytes big-endian.
 *
 * Errors: every fallible function returns a negative OFL_E* value from
 * ofl_errors.h. Thread-safety: one-shot and split functions are reentrant
 * and may run on any thread at once; a context is used by one thread at a
 * time (it may move between threads).
 */
#ifndef OFL_HASH_H
#define OFL_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  OFL_HASH_MD5 = 0,
  OFL_HASH_SHA1,
  OFL_HASH_SHA224,
  OFL_HASH_SHA256,
  OFL_HASH_SHA384,
  OFL_HASH_SHA512,
  OFL_HASH_SHA512_256,
  OFL_HASH_SHA3_256,
  OFL_HASH_SHA3_512,
  OFL_HASH_BLAKE3,
  OFL_HASH_XXH32,
  OFL_HASH_XXH64,
  OFL_HASH_XXH3,
  OFL_HASH_XXH3_128,
  OFL_HASH_CRC32,
  OFL_HASH_CRC32C,
  OFL_HASH_ALGO_COUNT
} ofl_hash_algo_t;

/* Options; zero-initialise, then set what applies. A NULL opts means all
 * defaults. The struct is only read during the call that receives it. */
typedef struct {
  /* OpenSSL algorithms: non-NULL key selects HMAC (any length, 0 allowed).
   * blake3: non-NULL key selects keyed_hash; key_len must be 32.
   * xxh and crc: must be NULL. */
  const uint8_t *key;
  size_t key_len;
  /* blake3 only: non-NULL context selects derive_key (key must be NULL);
   * the input is then the key material. */
  const char *context;
  size_t context_len;
  /* xxh only (xxh32 uses the low 32 bits); must be 0 elsewhere. */
  uint64_t seed;
  /* 0 means the natural size. blake3 accepts any length up to INT_MAX
   * (XOF; more is OFL_ERANGE); the others accept only their natural size. */
  size_t out_len;
} ofl_hash_opts_t;

typedef struct ofl_hash_ctx_s ofl_hash_ctx_t;

/* ---- names ---- */

/* @return the algorithm for an exact, case-sensitive name ("sha256"), or
 * OFL_EUNSUPPORTED for an unknown name or NULL. */
int ofl_hash_algo_from_name(const char *name);

/* @return the name of algo, or NULL when algo is out of range. */
const char *ofl_hash_algo_name(ofl_hash_algo_t algo);

/* @return a static NULL-terminated list of every algorithm name, in enum
 * order. */
const char *const *ofl_hash_algo_names(void);

/* @return the name of the kernel the runtime dispatch picked for algo on
 * this CPU: blake3 "portable", "sse4.1", "avx2", "avx512" or "neon";
 * crc32c "table", "sse4.2" or "armv8-crc". NULL for the other algorithms
 * (one build each) and out of range. The first call may detect the CPU. */
const char *ofl_hash_kernel_name(ofl_hash_algo_t algo);

/* @return the output length the given options produce, or 0 when algo or
 * opts are invalid (the same check ofl_hash_ctx_create makes). */
size_t ofl_hash_digest_size(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts);

/* ---- tier 1: one-shot ---- */

/* Hash len bytes of data (data may be NULL when len is 0) into out.
 * out_len must be at least ofl_hash_digest_size(algo, opts).
 * Allocates nothing for blake3, xxh and crc; one small EVP context for
 * the OpenSSL algorithms. Reentrant.
 * @return the digest length written, OFL_EINVAL (bad opts, NULL pointer,
 * out too small), OFL_EUNSUPPORTED (algo out of range or unavailable in
 * the linked OpenSSL), OFL_ENOMEM or OFL_EINTERNAL. */
int ofl_hash_oneshot(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts,
                     const void *data, size_t len, uint8_t *out,
                     size_t out_len);

/* ---- tier 2: context / streaming ---- */

/* Create a context in *out. opts (and the key and context it points to) are
 * copied; the caller may free them on return. Free with ofl_hash_ctx_free.
 * @return 0, OFL_EINVAL, OFL_EUNSUPPORTED, OFL_ENOMEM or OFL_EINTERNAL.
 * On error *out is set to NULL. */
int ofl_hash_ctx_create(ofl_hash_algo_t algo, const ofl_hash_opts_t *opts,
                        ofl_hash_ctx_t **out);

/* Feed len bytes (len 0 is a no-op; data may then be NULL).
 * @return 0, OFL_EINVAL (NULL arguments or context already finalised),
 * or OFL_EINTERNAL. */
int ofl_hash_ctx_update(ofl_hash_ctx_t *ctx, const void *data, size_t len);

/* Write the digest to out (out_len >= digest size). Afterwards the context
 * accepts only reset() or free().
 * @return the digest length written, OFL_EINVAL (out too small, already
 * finalised) or OFL_EINTERNAL. */
int ofl_hash_ctx_final(ofl_hash_ctx_t *ctx, uint8_t *out, size_t out_len);

/* Return the context to its just-created state, keeping algo and opts.
 * @return 0, OFL_EINVAL or OFL_EINTERNAL. */
int ofl_hash_ctx_reset(ofl_hash_ctx_t *ctx);

/* @return the digest length the context produces (0 for NULL). */
size_t ofl_hash_ctx_digest_size(const ofl_hash_ctx_t *ctx);

/* Free the context and wipe its key material. NULL is fine. */
void ofl_hash_ctx_free(ofl_hash_ctx_t *ctx);

/* ---- tier 3: BLAKE3 split / parallel helpers ----
 *
 * A BLAKE3 input is a binary tree of 1024-byte chunks. To hash one large
 * input on T threads:
 *   1. ofl_blake3_mode(opts, key, &flags) once.
 *   2. left = ofl_blake3_split_len(len) splits the input into the two root
 *      children; split each part again with ofl_blake3_split_len(part_len)
 *      (a left part is always whole chunks) until there are T pieces.
 *   3. Each thread: ofl_blake3_subtree_cv(piece, piece_len,
 *      piece_offset / 1024, key, flags, cv).
 *   4. Merge sibling CVs bottom-up with ofl_blake3_parent_cv, and the two
 *      root children with ofl_blake3_root, which writes the digest or XOF.
 * Inputs of at most 1024 bytes have no split; use ofl_hash_oneshot.
 * All functions here are reentrant and allocate nothing. */

#define OFL_BLAKE3_CHUNK_LEN 1024
#define OFL_BLAKE3_KEY_LEN 32
#define OFL_BLAKE3_OUT_LEN 32
/* Mode flags (the BLAKE3 domain flags of the three modes). */
#define OFL_BLAKE3_MODE_HASH 0
#define OFL_BLAKE3_MODE_KEYED 16
#define OFL_BLAKE3_MODE_DERIVE_KEY 64

/* Resolve blake3 options (key / context, see ofl_hash_opts_t) into the
 * key words and mode flags the split functions take. opts may be NULL.
 * @return 0 or OFL_EINVAL. */
int ofl_blake3_mode(const ofl_hash_opts_t *opts, uint32_t key[8],
                    uint8_t *flags);

/* @return the length of the left root child for a len-byte input: the
 * largest power-of-two number of whole chunks that is < len bytes; 0 when
 * len <= 1024 (no split). */
size_t ofl_blake3_split_len(size_t len);

/* Chaining value of the non-root subtree holding in[0..len), whose first
 * chunk has index chunk_counter. The piece must be a node of the whole
 * input's tree, as produced by ofl_blake3_split_len; in particular
 * ceil(len / 1024) must not exceed the largest power of two dividing
 * chunk_counter (any size when chunk_counter is 0).
 * @return 0, or OFL_EINVAL for len 0, misalignment, NULL pointers or bad
 * flags. */
int ofl_blake3_subtree_cv(const uint8_t *in, size_t len, uint64_t chunk_counter,
                          const uint32_t key[8], uint8_t flags,
                          uint8_t out_cv[32]);

/* Merge two sibling (non-root) subtree CVs into their parent's CV.
 * @return 0 or OFL_EINVAL. */
int ofl_blake3_parent_cv(const uint8_t left[32], const uint8_t right[32],
                         const uint32_t key[8], uint8_t flags,
                         uint8_t out_cv[32]);

/* Finish: the root is the parent of the two root children; write out_len
 * bytes of output (32 for the default digest, any length for XOF).
 * @return 0 or OFL_EINVAL. */
int ofl_blake3_root(const uint8_t left[32], const uint8_t right[32],
                    const uint32_t key[8], uint8_t flags, uint8_t *out,
                    size_t out_len);

/* ---- CRC32C as an integer, for callers that chain or compare values ---- */

/* Update a CRC32C (Castagnoli): start with crc = 0, pass the previous
 * return value to continue. Reentrant.
 * @return the new CRC value (as an integer, not byte-swapped). */
uint32_t ofl_crc32c(uint32_t crc, const void *data, size_t len);

/* ---- tier 4: password hashing (key derivation) ----
 *
 * Deliberately slow, memory-hard functions for stored passwords. Each call
 * is one blocking computation: run it on an executor thread. The encoded
 * strings (PHC for argon2 and scrypt, Modular Crypt Format for bcrypt) are
 * built and parsed by the caller, except bcrypt's, which this returns
 * whole. Every function is reentrant, wipes its own copies of secrets, and
 * returns 0 or a negative OFL_E* code. */

/* argon2 variants, as libargon2 numbers them. */
#define OFL_ARGON2D 0
#define OFL_ARGON2I 1
#define OFL_ARGON2ID 2

typedef struct {
  int type;            /* OFL_ARGON2D, OFL_ARGON2I or OFL_ARGON2ID */
  uint32_t version;    /* 0x13 (19) or 0x10 (16) */
  uint32_t t_cost;     /* passes, >= 1 */
  uint32_t m_cost_kib; /* memory in KiB, >= 8 * parallelism */
  uint32_t parallelism;
  const uint8_t *secret; /* optional key (a "pepper"), NULL for none */
  size_t secret_len;
  const uint8_t *ad; /* optional associated data, NULL for none */
  size_t ad_len;
} ofl_argon2_params_t;

/* argon2 (RFC 9106) of pw with salt into out[0..out_len).
 * @return 0, OFL_EINVAL (parameters libargon2 rejects), OFL_ENOMEM. */
int ofl_password_argon2(const ofl_argon2_params_t *params, const uint8_t *pw,
                        size_t pw_len, const uint8_t *salt, size_t salt_len,
                        uint8_t *out, size_t out_len);

/* scrypt (RFC 7914): N a power of two > 1, r * p < 2^30, using at most
 * max_mem bytes (128 * N * r plus change). @return 0, OFL_EINVAL. */
int ofl_password_scrypt(const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                        size_t salt_len, uint64_t n, uint32_t r, uint32_t p,
                        uint64_t max_mem, uint8_t *out, size_t out_len);

/* bcrypt. The key is pw plus its terminating NUL, of which Blowfish uses
 * the first 72 bytes: pw_len <= 72, and pw holds no NUL (longer or
 * embedded-NUL passwords are OFL_EINVAL, where other implementations
 * truncate them silently). */
#define OFL_BCRYPT_SALT_LEN 16
#define OFL_BCRYPT_MAX_PW 72
/* "$2b$10$" + 22 salt characters + 31 hash characters. */
#define OFL_BCRYPT_LEN 60

/* out = "$2<minor>$<cost>$<salt><hash>" and a NUL. minor is 'a', 'b' or
 * 'y' (identical for keys of at most 72 bytes), cost 4..31.
 * @return 0 or OFL_EINVAL. */
int ofl_password_bcrypt(const uint8_t *pw, size_t pw_len, unsigned cost,
                        const uint8_t salt[OFL_BCRYPT_SALT_LEN], char minor,
                        char out[OFL_BCRYPT_LEN + 1]);

/* Constant-time comparison of a[0..n) and b[0..n): 1 when equal. */
int ofl_password_equal(const void *a, const void *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
