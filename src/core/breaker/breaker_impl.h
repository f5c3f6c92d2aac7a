/* Internals shared by the breaker's files (not part of the public API). */
#ifndef OFL_BREAKER_IMPL_H
#define OFL_BREAKER_IMPL_H

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ofl_breaker.h"

/* JS maps the shared block as Int32Array/BigInt64Array and reads it with
 * Atomics.load, which is only sound if these atomics are plain lock-free
 * integers with the same representation as the non-atomic types. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int32 atomics must be lock-free");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "int64 atomics must be lock-free");
_Static_assert(sizeof(_Atomic int32_t) == 4, "atomic int32 layout");
_Static_assert(sizeof(_Atomic int64_t) == 8, "atomic int64 layout");

/* Per-bucket counters: the stat counters, then the latency histogram. */
enum {
  OFL__C_FIRE,
  OFL__C_SUCCESS,
  OFL__C_FAILURE, /* FAILURE + TIMEOUT */
  OFL__C_TIMEOUT,
  OFL__C_IGNORED,
  OFL__C_REJECT,
  OFL__C_SEMLOCKED,
  OFL__C_FALLBACK,
  OFL__C_HIST, /* first of OFL__HIST_BINS latency bins */
  OFL__HIST_BINS = OFL_BREAKER_LATENCY_BINS,
  OFL__NCTR = OFL__C_HIST + OFL__HIST_BINS
};
#define OFL__MAX_BUCKETS 1024u

typedef struct {
  _Atomic int32_t s32[OFL_BREAKER_SLOTS32];
  _Atomic int64_t s64[(OFL_BREAKER_SHARED_BYTES - 4 * OFL_BREAKER_SLOTS32) / 8];
} ofl__shared_t;
_Static_assert(sizeof(ofl__shared_t) == OFL_BREAKER_SHARED_BYTES,
               "shared block size");

struct ofl_breaker_s {
  ofl__shared_t sh; /* first: the block JS maps */
  /* `lock` serialises every write of the state word and, with it, the
   * episode fields opened_at/reset_at/probes/half_open_successes and the
   * window reset on close. Invariants:
   *  - the state word changes only under `lock`, with a release store made
   *    after the episode fields it publishes; lock-free readers load it
   *    with acquire and then read those fields;
   *  - a transition is applied only if the word still equals the value
   *    the deciding thread saw (so a decision made for an old episode is
   *    dropped, never applied to a new one);
   *  - nothing outside the breaker's own files is called while holding it; the
   * registry lock is never taken while holding it (order: registry -> breaker,
   *    and the registry never needs a breaker lock). */
  uv_mutex_t lock;
  ofl_breaker_opts_t opts;
  uint64_t bucket_ms;
  uint64_t warm_until_ms; /* created + warm_up_ms: no trip before it */
  uint32_t nbuckets;
  /* registry fields, guarded by the registry lock */
  char *name;
  size_t refs; /* registry references: the name lives while refs > 0 */
  size_t pins; /* the memory lives while refs + pins > 0 */
  struct ofl_breaker_s *next;
  /* rolling window: nbuckets * OFL__NCTR counters. Each counter is
   * (tag << 32) | count, tag = lap of its bucket + 1 (0 = empty), so a
   * counter rotates itself by CAS and needs no lock. */
  _Atomic uint64_t win[];
};

#define S32(b, i) (&(b)->sh.s32[(i)])
#define S64(b, i) (&(b)->sh.s64[(i)-8])
#define WORD(b) S32(b, OFL_BREAKER_SLOT_STATE)

/* Copies opts (NULL: the defaults) into *out and validates them.
 * @return 0, OFL_EINVAL or OFL_ERANGE. */
int ofl__breaker_opts_resolve(const ofl_breaker_opts_t *opts,
                              ofl_breaker_opts_t *out);
/* Frees a breaker outright (registry bookkeeping already done). */
void ofl__breaker_destroy(ofl_breaker_t *b);
/* @return nonzero when every option is equal. */
int ofl__breaker_opts_equal(const ofl_breaker_opts_t *a,
                            const ofl_breaker_opts_t *b);

/* Rolling window (breaker_window.c): counter `ctr` of the bucket holding
 * now_ms gets `add` (saturating; an event a whole window older than one
 * already recorded is dropped). */
void ofl__win_add_n(ofl_breaker_t *b, uint64_t now_ms, unsigned ctr,
                    uint32_t add);
void ofl__win_add(ofl_breaker_t *b, uint64_t now_ms, unsigned ctr);
/* sums[c - c0] = count of counter c over the window ending at now_ms. */
void ofl__win_sum(const ofl_breaker_t *b, uint64_t now_ms, unsigned c0,
                  unsigned c1, uint64_t *sums);
void ofl__win_clear(ofl_breaker_t *b);
/* Latency histogram bin of `ms`, and the upper edge of the bin holding the
 * pct-th percentile of `count` samples. */
unsigned ofl__lat_bin(uint32_t ms);
uint32_t ofl__percentile(const uint64_t *hist, uint64_t count, unsigned pct);

#endif
