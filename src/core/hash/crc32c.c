/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78): slicing-by-8 table
 * fallback, the zero-shift tables the interleaved hardware paths use to
 * combine streams, and runtime selection of the implementation.
 * Internally the CRC register is "raw" (no pre/post inversion), which makes
 * it linear and lets independent streams be combined by XOR. */
#include <stdatomic.h>

#include "hash_impl.h"
#include "ofl_errors.h"

#define POLY 0x82F63B78u

static uint32_t g_table[8][256];
/* g_shift_long[p][v]: raw register v << 8p advanced over 4096 zero bytes. */
static uint32_t g_shift_long[4][256];
static uint32_t g_shift_short[4][256];
static atomic_int g_tables_state = 0; /* 0 none, 1 building, 2 ready */
static atomic_int g_impl = OFL__CRC32C_IMPL_AUTO;

static void build_shift(uint32_t out[4][256], size_t zeros) {
  uint32_t basis[32];
  for (int b = 0; b < 32; b++) {
    uint32_t r = 1u << b;
    for (size_t i = 0; i < zeros; i++) r = (r >> 8) ^ g_table[0][r & 0xff];
    basis[b] = r;
  }
  for (int p = 0; p < 4; p++) {
    for (int v = 0; v < 256; v++) {
      uint32_t r = 0;
      for (int bit = 0; bit < 8; bit++)
        if (v & (1 << bit)) r ^= basis[8 * p + bit];
      out[p][v] = r;
    }
  }
}

static void build_tables(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (POLY & (0u - (c & 1)));
    g_table[0][n] = c;
  }
  for (int k = 1; k < 8; k++)
    for (int n = 0; n < 256; n++)
      g_table[k][n] =
          (g_table[k - 1][n] >> 8) ^ g_table[0][g_table[k - 1][n] & 0xff];
  build_shift(g_shift_long, OFL__CRC32C_LONG);
  build_shift(g_shift_short, OFL__CRC32C_SHORT);
}

/* One thread builds; the others wait for it (under a millisecond, once). */
static void ensure_tables(void) {
  if (atomic_load_explicit(&g_tables_state, memory_order_acquire) == 2) return;
  int expected = 0;
  if (atomic_compare_exchange_strong(&g_tables_state, &expected, 1)) {
    build_tables();
    atomic_store_explicit(&g_tables_state, 2, memory_order_release);
    return;
  }
  while (atomic_load_explicit(&g_tables_state, memory_order_acquire) != 2) {
  }
}

uint32_t ofl__crc32c_shift(uint32_t crc, size_t len) {
  ensure_tables();
  uint32_t(*t)[256] = len == OFL__CRC32C_LONG ? g_shift_long : g_shift_short;
  return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^
         t[3][crc >> 24];
}

uint32_t ofl__crc32c_table(uint32_t crc, const uint8_t *p, size_t len) {
  ensure_tables();
  while (len > 0 && ((uintptr_t)p & 7) != 0) {
    crc = (crc >> 8) ^ g_table[0][(crc ^ *p++) & 0xff];
    len--;
  }
  while (len >= 8) {
    uint32_t lo = ofl__load32le(p) ^ crc;
    uint32_t hi = ofl__load32le(p + 4);
    crc = g_table[7][lo & 0xff] ^ g_table[6][(lo >> 8) & 0xff] ^
          g_table[5][(lo >> 16) & 0xff] ^ g_table[4][lo >> 24] ^
          g_table[3][hi & 0xff] ^ g_table[2][(hi >> 8) & 0xff] ^
          g_table[1][(hi >> 16) & 0xff] ^ g_table[0][hi >> 24];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) crc = (crc >> 8) ^ g_table[0][(crc ^ *p++) & 0xff];
  return crc;
}

static int best_impl(void) {
  unsigned f = ofl__cpu_features();
  (void)f;
#ifdef OFL__X86_64
  if (f & OFL__CPU_SSE42) return OFL__CRC32C_IMPL_SSE42;
#endif
#ifdef OFL__ARM64
  if (f & OFL__CPU_ARM_CRC) return OFL__CRC32C_IMPL_ARM;
#endif
  return OFL__CRC32C_IMPL_TABLE;
}

int ofl__crc32c_force_impl(int impl) {
  unsigned f = ofl__cpu_features();
  int ok = impl == OFL__CRC32C_IMPL_AUTO || impl == OFL__CRC32C_IMPL_TABLE;
#ifdef OFL__X86_64
  if (impl == OFL__CRC32C_IMPL_SSE42) ok = (f & OFL__CPU_SSE42) != 0;
#endif
#ifdef OFL__ARM64
  if (impl == OFL__CRC32C_IMPL_ARM) ok = (f & OFL__CPU_ARM_CRC) != 0;
#endif
  (void)f;
  if (!ok) return OFL_EUNSUPPORTED;
  if (impl == OFL__CRC32C_IMPL_AUTO) impl = best_impl();
  atomic_store_explicit(&g_impl, impl, memory_order_relaxed);
  return 0;
}

int ofl__crc32c_impl(void) {
  int impl = atomic_load_explicit(&g_impl, memory_order_relaxed);
  if (impl == OFL__CRC32C_IMPL_AUTO) {
    impl = best_impl();
    atomic_store_explicit(&g_impl, impl, memory_order_relaxed);
  }
  return impl;
}

uint32_t ofl_crc32c(uint32_t crc, const void *data, size_t len) {
  const uint8_t *p = (const uint8_t *)data;
  uint32_t r = ~crc;
  if (len == 0) return crc;
  switch (ofl__crc32c_impl()) {
#ifdef OFL__X86_64
    case OFL__CRC32C_IMPL_SSE42:
      r = ofl__crc32c_sse42(r, p, len);
      break;
#endif
#ifdef OFL__ARM64
    case OFL__CRC32C_IMPL_ARM:
      r = ofl__crc32c_arm(r, p, len);
      break;
#endif
    default:
      r = ofl__crc32c_table(r, p, len);
      break;
  }
  return ~r;
}
