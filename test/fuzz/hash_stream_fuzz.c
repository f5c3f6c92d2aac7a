/* Streaming must equal one-shot for every algorithm and any update()
 * split. Input: [algo][mode][nsplits][split bytes...][data...].
 * abort() on any mismatch or unexpected error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint8_t key[32] = {7, 6, 5, 4, 3, 2, 1};
  uint8_t want[256], got[256];
  if (size < 3) return 0;
  ofl_hash_algo_t algo = (ofl_hash_algo_t)(data[0] % OFL_HASH_ALGO_COUNT);
  uint8_t mode = data[1];
  size_t nsplits = data[2] % 16;
  data += 3;
  size = size - 3;
  if (nsplits > size) nsplits = size;
  const uint8_t *splits = data;
  data += nsplits;
  size -= nsplits;

  ofl_hash_opts_t o;
  memset(&o, 0, sizeof(o));
  if (algo <= OFL_HASH_SHA3_512 && (mode & 1)) {
    o.key = key;
    o.key_len = mode >> 3;
  } else if (algo == OFL_HASH_BLAKE3) {
    if ((mode & 3) == 1) {
      o.key = key;
      o.key_len = 32;
    } else if ((mode & 3) == 2) {
      o.context = "fuzz context";
      o.context_len = 12;
    }
    o.out_len = (mode >> 2) * 4; /* 0 (default) .. 252 */
  } else if (algo >= OFL_HASH_XXH32 && algo <= OFL_HASH_XXH3_128) {
    o.seed = (uint64_t)mode * 0x9E3779B97F4A7C15ull;
  }

  size_t n = ofl_hash_digest_size(algo, &o);
  if (n == 0 || n > sizeof(want)) abort();
  if (ofl_hash_oneshot(algo, &o, data, size, want, sizeof(want)) != (int)n)
    abort();

  ofl_hash_ctx_t *ctx = NULL;
  if (ofl_hash_ctx_create(algo, &o, &ctx) != 0) abort();
  for (int round = 0; round < 2; round++) { /* second round after reset */
    size_t pos = 0;
    for (size_t i = 0; i < nsplits && pos < size; i++) {
      size_t step = (size_t)splits[i] * splits[i] % (size - pos + 1);
      if (ofl_hash_ctx_update(ctx, data + pos, step) != 0) abort();
      pos += step;
    }
    if (ofl_hash_ctx_update(ctx, data + pos, size - pos) != 0) abort();
    if (ofl_hash_ctx_final(ctx, got, sizeof(got)) != (int)n) abort();
    if (memcmp(want, got, n) != 0) abort();
    if (ofl_hash_ctx_reset(ctx) != 0) abort();
  }
  ofl_hash_ctx_free(ctx);

  if (algo == OFL_HASH_CRC32C) {
    uint32_t c = ofl_crc32c(0, data, size);
    uint8_t be[4] = {(uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8),
                     (uint8_t)c};
    if (memcmp(be, want, 4) != 0) abort();
  }
  return 0;
}
