/* BLAKE3 tree hashing: chunks, parents, the streaming hasher, the split API
 * and runtime selection of the compress-many kernel. */
#include <stdatomic.h>

#include "hash_impl.h"
#include "ofl_errors.h"

/* Subtrees up to this many chunks are hashed wide (all chunk CVs at once,
 * then parent levels at once); larger ones recurse, which bounds the stack
 * buffer at 64 * 32 bytes. */
#define WIDE_CHUNKS 64

static atomic_int g_impl = OFL__B3_IMPL_AUTO;

static int best_impl(void) {
  unsigned f = ofl__cpu_features();
  (void)f;
#ifdef OFL__X86_64
  if (f & OFL__CPU_AVX512) return OFL__B3_IMPL_AVX512;
  if (f & OFL__CPU_AVX2) return OFL__B3_IMPL_AVX2;
  if (f & OFL__CPU_SSE41) return OFL__B3_IMPL_SSE41;
#endif
#ifdef OFL__ARM64
  if (f & OFL__CPU_NEON) return OFL__B3_IMPL_NEON;
#endif
  return OFL__B3_IMPL_PORTABLE;
}

int ofl__blake3_force_impl(int impl) {
  unsigned f = ofl__cpu_features();
  int ok = 0;
  switch (impl) {
    case OFL__B3_IMPL_AUTO:
      impl = best_impl();
      ok = 1;
      break;
    case OFL__B3_IMPL_PORTABLE:
      ok = 1;
      break;
#ifdef OFL__X86_64
    case OFL__B3_IMPL_SSE41:
      ok = (f & OFL__CPU_SSE41) != 0;
      break;
    case OFL__B3_IMPL_AVX2:
      ok = (f & OFL__CPU_AVX2) != 0;
      break;
    case OFL__B3_IMPL_AVX512:
      ok = (f & OFL__CPU_AVX512) != 0;
      break;
#endif
#ifdef OFL__ARM64
    case OFL__B3_IMPL_NEON:
      ok = (f & OFL__CPU_NEON) != 0;
      break;
#endif
    default:
      break;
  }
  (void)f;
  if (!ok) return OFL_EUNSUPPORTED;
  atomic_store_explicit(&g_impl, impl, memory_order_relaxed);
  return 0;
}

int ofl__blake3_impl(void) {
  int impl = atomic_load_explicit(&g_impl, memory_order_relaxed);
  if (impl == OFL__B3_IMPL_AUTO) {
    /* Racing first callers compute the same value; either store wins. */
    impl = best_impl();
    atomic_store_explicit(&g_impl, impl, memory_order_relaxed);
  }
  return impl;
}

ofl__b3_many_fn ofl__b3_kernel(int impl) {
  switch (impl) {
#ifdef OFL__X86_64
    case OFL__B3_IMPL_AVX512:
      return ofl__b3_many_avx512;
    case OFL__B3_IMPL_AVX2:
      return ofl__b3_many_avx2;
    case OFL__B3_IMPL_SSE41:
      return ofl__b3_many_sse41;
#endif
#ifdef OFL__ARM64
    case OFL__B3_IMPL_NEON:
      return ofl__b3_many_neon;
#endif
    default:
      return ofl__b3_many_portable;
  }
}

static ofl__b3_many_fn many_fn(void) {
  return ofl__b3_kernel(ofl__blake3_impl());
}

/* The last compression of a node, kept unrun so it can become the root
 * (with ROOT and any output length) or a plain CV. */
typedef struct {
  uint32_t cv[8];
  uint8_t block[64];
  uint8_t block_len;
  uint64_t counter;
  uint8_t flags;
} output_t;

static void output_cv(const output_t *o, uint8_t out[32]) {
  uint32_t cv[8];
  memcpy(cv, o->cv, sizeof(cv));
  ofl__b3_compress(cv, o->block, o->block_len, o->counter, o->flags);
  for (int i = 0; i < 8; i++) ofl__store32le(out + 4 * i, cv[i]);
}

static void output_root(const output_t *o, uint8_t *out, size_t out_len) {
  uint8_t buf[64];
  uint64_t counter = 0;
  while (out_len > 0) {
    size_t n = out_len < 64 ? out_len : 64;
    ofl__b3_compress_xof(o->cv, o->block, o->block_len, counter++,
                         o->flags | OFL__B3_ROOT, buf);
    memcpy(out, buf, n);
    out += n;
    out_len -= n;
  }
}

static void parent_output(const uint8_t left[32], const uint8_t right[32],
                          const uint32_t key[8], uint8_t flags, output_t *o) {
  memcpy(o->cv, key, sizeof(o->cv));
  memcpy(o->block, left, 32);
  memcpy(o->block + 32, right, 32);
  o->block_len = 64;
  o->counter = 0;
  o->flags = flags | OFL__B3_PARENT;
}

/* ---- chunk state ---- */

static void chunk_init(ofl__b3_chunk_t *c, const uint32_t key[8],
                       uint64_t counter) {
  memcpy(c->cv, key, sizeof(c->cv));
  c->counter = counter;
  c->buf_len = 0;
  c->blocks_done = 0;
}

static size_t chunk_len(const ofl__b3_chunk_t *c) {
  return (size_t)c->blocks_done * OFL__B3_BLOCK + c->buf_len;
}

static uint8_t chunk_start_flag(const ofl__b3_chunk_t *c) {
  return c->blocks_done == 0 ? OFL__B3_CHUNK_START : 0;
}

/* Buffers the last block instead of compressing it: it may be the chunk's
 * final (CHUNK_END) block. */
static void chunk_update(ofl__b3_chunk_t *c, uint8_t flags, const uint8_t *in,
                         size_t len) {
  while (len > 0) {
    if (c->buf_len == OFL__B3_BLOCK) {
      ofl__b3_compress(c->cv, c->buf, OFL__B3_BLOCK, c->counter,
                       flags | chunk_start_flag(c));
      c->blocks_done++;
      c->buf_len = 0;
    }
    size_t take = OFL__B3_BLOCK - c->buf_len;
    if (take > len) take = len;
    memcpy(c->buf + c->buf_len, in, take);
    c->buf_len = (uint8_t)(c->buf_len + take);
    in += take;
    len -= take;
  }
}

static void chunk_output(const ofl__b3_chunk_t *c, uint8_t flags, output_t *o) {
  memcpy(o->cv, c->cv, sizeof(o->cv));
  memset(o->block, 0, sizeof(o->block));
  memcpy(o->block, c->buf, c->buf_len);
  o->block_len = c->buf_len;
  o->counter = c->counter;
  o->flags = flags | chunk_start_flag(c) | OFL__B3_CHUNK_END;
}

/* ---- subtrees ---- */

size_t ofl_blake3_split_len(size_t len) {
  if (len <= OFL__B3_CHUNK) return 0;
  size_t chunks = (len - 1) / OFL__B3_CHUNK; /* whole chunks left of the end */
  size_t p = 1;
  while (p <= chunks / 2) p *= 2;
  return p * OFL__B3_CHUNK;
}

/* CVs of n consecutive whole chunks, SIMD-wide. */
static void chunks_cv(const uint8_t *in, size_t n, const uint32_t key[8],
                      uint64_t counter, uint8_t flags, uint8_t *out) {
  const uint8_t *ptrs[WIDE_CHUNKS];
  for (size_t i = 0; i < n; i++) ptrs[i] = in + i * OFL__B3_CHUNK;
  many_fn()(ptrs, n, OFL__B3_CHUNK / OFL__B3_BLOCK, key, counter, 1, flags,
            OFL__B3_CHUNK_START, OFL__B3_CHUNK_END, out);
}

/* n parents from 2n consecutive CVs in `in`; out may alias in. */
static void parents_cv(const uint8_t *in, size_t n, const uint32_t key[8],
                       uint8_t flags, uint8_t *out) {
  const uint8_t *ptrs[WIDE_CHUNKS / 2];
  uint8_t tmp[WIDE_CHUNKS / 2 * 32];
  for (size_t i = 0; i < n; i++) ptrs[i] = in + i * 64;
  many_fn()(ptrs, n, 1, key, 0, 0, flags | OFL__B3_PARENT, 0, 0, tmp);
  memcpy(out, tmp, n * 32);
}

/* CV of a non-root node; len > 0. */
static void subtree_cv(const uint8_t *in, size_t len, const uint32_t key[8],
                       uint64_t counter, uint8_t flags, uint8_t out[32]) {
  if (len <= OFL__B3_CHUNK) {
    ofl__b3_chunk_t c;
    output_t o;
    chunk_init(&c, key, counter);
    chunk_update(&c, flags, in, len);
    chunk_output(&c, flags, &o);
    output_cv(&o, out);
    return;
  }
  size_t n = len / OFL__B3_CHUNK;
  if (len % OFL__B3_CHUNK == 0 && n <= WIDE_CHUNKS && (n & (n - 1)) == 0) {
    uint8_t cvs[WIDE_CHUNKS * 32];
    chunks_cv(in, n, key, counter, flags, cvs);
    for (; n > 1; n /= 2) parents_cv(cvs, n / 2, key, flags, cvs);
    memcpy(out, cvs, 32);
    return;
  }
  size_t left = ofl_blake3_split_len(len);
  uint8_t pair[64];
  output_t o;
  subtree_cv(in, left, key, counter, flags, pair);
  subtree_cv(in + left, len - left, key, counter + left / OFL__B3_CHUNK, flags,
             pair + 32);
  parent_output(pair, pair + 32, key, flags, &o);
  output_cv(&o, out);
}

void ofl__b3_oneshot(const uint8_t *in, size_t len, const uint32_t key[8],
                     uint8_t flags, uint8_t *out, size_t out_len) {
  output_t o;
  if (len <= OFL__B3_CHUNK) {
    ofl__b3_chunk_t c;
    chunk_init(&c, key, 0);
    chunk_update(&c, flags, in, len);
    chunk_output(&c, flags, &o);
  } else {
    size_t left = ofl_blake3_split_len(len);
    uint8_t pair[64];
    subtree_cv(in, left, key, 0, flags, pair);
    subtree_cv(in + left, len - left, key, left / OFL__B3_CHUNK, flags,
               pair + 32);
    parent_output(pair, pair + 32, key, flags, &o);
  }
  output_root(&o, out, out_len);
}

/* ---- streaming hasher ---- */

void ofl__b3_init(ofl__b3_hasher_t *h, const uint32_t key[8], uint8_t flags) {
  memcpy(h->key, key, sizeof(h->key));
  h->flags = flags;
  h->stack_len = 0;
  chunk_init(&h->chunk, key, 0);
}

/* Push the CV of a subtree of 2^level chunks that ends after `total`
 * chunks, merging with completed left siblings. Only called when more
 * input follows, so no merged parent can be the root. */
static void push_cv(ofl__b3_hasher_t *h, uint8_t cv[32], uint64_t total,
                    int level) {
  uint64_t t = total >> level;
  while ((t & 1) == 0 && h->stack_len > 0) {
    output_t o;
    parent_output(h->stack[h->stack_len - 1], cv, h->key, h->flags, &o);
    output_cv(&o, cv);
    h->stack_len--;
    t >>= 1;
  }
  memcpy(h->stack[h->stack_len++], cv, 32);
}

void ofl__b3_update(ofl__b3_hasher_t *h, const uint8_t *in, size_t len) {
  while (len > 0) {
    ofl__b3_chunk_t *c = &h->chunk;
    if (chunk_len(c) == OFL__B3_CHUNK) {
      output_t o;
      uint8_t cv[32];
      chunk_output(c, h->flags, &o);
      output_cv(&o, cv);
      push_cv(h, cv, c->counter + 1, 0);
      chunk_init(c, h->key, c->counter + 1);
    }
    if (chunk_len(c) == 0 && len > OFL__B3_CHUNK) {
      /* Largest aligned power-of-two run of whole chunks that still leaves
       * input behind it. */
      uint64_t n = 1;
      int level = 0;
      size_t avail = (len - 1) / OFL__B3_CHUNK;
      while (n * 2 <= avail && (c->counter & (n * 2 - 1)) == 0) {
        n *= 2;
        level++;
      }
      uint8_t cv[32];
      size_t bytes = (size_t)n * OFL__B3_CHUNK;
      subtree_cv(in, bytes, h->key, c->counter, h->flags, cv);
      push_cv(h, cv, c->counter + n, level);
      chunk_init(c, h->key, c->counter + n);
      in += bytes;
      len -= bytes;
      continue;
    }
    size_t take = OFL__B3_CHUNK - chunk_len(c);
    if (take > len) take = len;
    chunk_update(c, h->flags, in, take);
    in += take;
    len -= take;
  }
}

void ofl__b3_final(const ofl__b3_hasher_t *h, uint8_t *out, size_t out_len) {
  output_t o;
  chunk_output(&h->chunk, h->flags, &o);
  for (int i = h->stack_len - 1; i >= 0; i--) {
    uint8_t cv[32];
    output_cv(&o, cv);
    parent_output(h->stack[i], cv, h->key, h->flags, &o);
  }
  output_root(&o, out, out_len);
}

/* ---- public split API ---- */

static int valid_flags(uint8_t flags) {
  return flags == OFL_BLAKE3_MODE_HASH || flags == OFL_BLAKE3_MODE_KEYED ||
         flags == OFL_BLAKE3_MODE_DERIVE_KEY;
}

int ofl_blake3_mode(const ofl_hash_opts_t *opts, uint32_t key[8],
                    uint8_t *flags) {
  if (key == NULL || flags == NULL) return OFL_EINVAL;
  memcpy(key, ofl__b3_iv, 32);
  *flags = OFL_BLAKE3_MODE_HASH;
  if (opts == NULL) return 0;
  if (opts->seed != 0) return OFL_EINVAL;
  if (opts->key != NULL) {
    if (opts->context != NULL || opts->key_len != OFL_BLAKE3_KEY_LEN)
      return OFL_EINVAL;
    for (int i = 0; i < 8; i++) key[i] = ofl__load32le(opts->key + 4 * i);
    *flags = OFL_BLAKE3_MODE_KEYED;
  } else if (opts->context != NULL) {
    uint8_t ck[32];
    ofl__b3_oneshot((const uint8_t *)opts->context, opts->context_len,
                    ofl__b3_iv, OFL__B3_DERIVE_KEY_CONTEXT, ck, sizeof(ck));
    for (int i = 0; i < 8; i++) key[i] = ofl__load32le(ck + 4 * i);
    *flags = OFL_BLAKE3_MODE_DERIVE_KEY;
  } else if (opts->key_len != 0 || opts->context_len != 0) {
    return OFL_EINVAL;
  }
  return 0;
}

int ofl_blake3_subtree_cv(const uint8_t *in, size_t len, uint64_t chunk_counter,
                          const uint32_t key[8], uint8_t flags,
                          uint8_t out_cv[32]) {
  if (in == NULL || len == 0 || key == NULL || out_cv == NULL ||
      !valid_flags(flags))
    return OFL_EINVAL;
  if (chunk_counter != 0) {
    uint64_t align = chunk_counter & (~chunk_counter + 1); /* lowest bit */
    uint64_t chunks = (len - 1) / OFL__B3_CHUNK + 1;
    if (chunks > align) return OFL_EINVAL;
  }
  subtree_cv(in, len, key, chunk_counter, flags, out_cv);
  return 0;
}

int ofl_blake3_parent_cv(const uint8_t left[32], const uint8_t right[32],
                         const uint32_t key[8], uint8_t flags,
                         uint8_t out_cv[32]) {
  output_t o;
  if (left == NULL || right == NULL || key == NULL || out_cv == NULL ||
      !valid_flags(flags))
    return OFL_EINVAL;
  parent_output(left, right, key, flags, &o);
  output_cv(&o, out_cv);
  return 0;
}

int ofl_blake3_root(const uint8_t left[32], const uint8_t right[32],
                    const uint32_t key[8], uint8_t flags, uint8_t *out,
                    size_t out_len) {
  output_t o;
  if (left == NULL || right == NULL || key == NULL || !valid_flags(flags) ||
      (out == NULL && out_len != 0))
    return OFL_EINVAL;
  parent_output(left, right, key, flags, &o);
  output_root(&o, out, out_len);
  return 0;
}
