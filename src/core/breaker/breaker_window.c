#include "breaker_impl.h"

/* The rolling window and the latency histogram: lock-free, so callers may
 * hold the breaker lock or not. */

static uint32_t ofl__tag(uint64_t idx, uint32_t n) {
  /* 1..UINT32_MAX; aliasing needs ~2^32 idle windows. */
  return (uint32_t)((idx / n) % UINT32_MAX) + 1u;
}

void ofl__win_add_n(ofl_breaker_t *b, uint64_t now_ms, unsigned ctr,
                    uint32_t add) {
  const uint32_t n = b->nbuckets;
  const uint64_t idx = now_ms / b->bucket_ms;
  const uint32_t tag = ofl__tag(idx, n);
  _Atomic uint64_t *c = &b->win[(size_t)(idx % n) * OFL__NCTR + ctr];
  uint64_t v = atomic_load_explicit(c, memory_order_relaxed);
  for (;;) {
    const uint32_t vt = (uint32_t)(v >> 32);
    uint64_t nv;
    if (vt == tag) {
      if ((uint32_t)v == UINT32_MAX) return; /* saturate */
      const uint32_t room = UINT32_MAX - (uint32_t)v;
      nv = v + (add < room ? add : room);
    } else if (vt == 0 || (int32_t)(tag - vt) > 0) {
      nv = ((uint64_t)tag << 32) | add; /* stale bucket: rotate it */
    } else {
      /* The slot already holds a later lap: this event is a full window
       * older than an event already recorded, so no snapshot at or after
       * that later time can include it. */
      return;
    }
    if (atomic_compare_exchange_weak_explicit(c, &v, nv, memory_order_relaxed,
                                              memory_order_relaxed))
      return;
  }
}

void ofl__win_add(ofl_breaker_t *b, uint64_t now_ms, unsigned ctr) {
  ofl__win_add_n(b, now_ms, ctr, 1);
}

void ofl__win_sum(const ofl_breaker_t *b, uint64_t now_ms, unsigned c0,
                  unsigned c1, uint64_t *sums) {
  const uint32_t n = b->nbuckets;
  const uint64_t cur = now_ms / b->bucket_ms;
  memset(sums, 0, sizeof(*sums) * (c1 - c0));
  for (uint32_t back = 0; back < n && back <= cur; back++) {
    const uint64_t idx = cur - back;
    const uint32_t tag = ofl__tag(idx, n);
    const _Atomic uint64_t *row = &b->win[(size_t)(idx % n) * OFL__NCTR];
    for (unsigned c = c0; c < c1; c++) {
      const uint64_t v = atomic_load_explicit(&row[c], memory_order_relaxed);
      if ((uint32_t)(v >> 32) == tag) sums[c - c0] += (uint32_t)v;
    }
  }
}

void ofl__win_clear(ofl_breaker_t *b) {
  const size_t total = (size_t)b->nbuckets * OFL__NCTR;
  for (size_t i = 0; i < total; i++)
    atomic_store_explicit(&b->win[i], 0, memory_order_relaxed);
}

unsigned ofl__lat_bin(uint32_t ms) {
  unsigned k = 0;
  while (ms != 0 && k < OFL__HIST_BINS - 1) {
    ms >>= 1;
    k++;
  }
  return k; /* bin k >= 1 holds [2^(k-1), 2^k - 1]; the last bin is open */
}

static uint32_t ofl__bin_edge(unsigned k) {
  if (k == OFL__HIST_BINS - 1) return 1u << (OFL__HIST_BINS - 2);
  return (uint32_t)((1u << k) - 1u);
}

uint32_t ofl__percentile(const uint64_t *hist, uint64_t count, unsigned pct) {
  if (count == 0) return 0;
  uint64_t rank = (count * pct + 99) / 100;
  if (rank == 0) rank = 1;
  uint64_t acc = 0;
  for (unsigned k = 0; k < OFL__HIST_BINS; k++) {
    acc += hist[k];
    if (acc >= rank) return ofl__bin_edge(k);
  }
  return ofl__bin_edge(OFL__HIST_BINS - 1);
}
