#include "breaker_impl.h"

/* ---- transitions (all with b->lock held) -------------------------------- */

static uint64_t ofl__sat_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void ofl__publish(ofl_breaker_t *b, int32_t old_word, int state) {
  const uint32_t gen =
      (OFL_BREAKER_WORD_GEN(old_word) + 1u) & OFL_BREAKER_GEN_MASK;
  atomic_store_explicit(WORD(b), (int32_t)((gen << 2) | (uint32_t)state),
                        memory_order_release);
}

static void ofl__to_open(ofl_breaker_t *b, int32_t w, uint64_t opened_at) {
  atomic_store_explicit(S64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS),
                        (int64_t)opened_at, memory_order_relaxed);
  atomic_store_explicit(
      S64(b, OFL_BREAKER_SLOT64_RESET_AT_MS),
      (int64_t)ofl__sat_add(opened_at, b->opts.reset_timeout_ms),
      memory_order_relaxed);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_PROBES), 0,
                        memory_order_relaxed);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES), 0,
                        memory_order_relaxed);
  ofl__publish(b, w, OFL_BREAKER_OPEN);
}

static void ofl__to_half_open(ofl_breaker_t *b, int32_t w) {
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_PROBES), 0,
                        memory_order_relaxed);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES), 0,
                        memory_order_relaxed);
  ofl__publish(b, w, OFL_BREAKER_HALF_OPEN);
}

/* clear_window: a probe success starts a fresh window (offload); a forced
 * close keeps it (opossum's close()). */
static void ofl__to_closed(ofl_breaker_t *b, int32_t w, int clear_window) {
  if (clear_window) ofl__win_clear(b);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES), 0,
                        memory_order_relaxed);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_PROBES), 0,
                        memory_order_relaxed);
  atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES), 0,
                        memory_order_relaxed);
  ofl__publish(b, w, OFL_BREAKER_CLOSED);
}

/* ---- context ------------------------------------------------------------ */

int ofl_breaker_create(const ofl_breaker_opts_t *opts, uint64_t now_ms,
                       ofl_breaker_t **out) {
  ofl_breaker_opts_t o;
  /* buckets are absolute (now_ms / bucket_ms); now_ms starts the warm-up */
  if (out == NULL) return OFL_EINVAL;
  int rc = ofl__breaker_opts_resolve(opts, &o);
  if (rc != 0) return rc;

  const size_t nctr = (size_t)o.rolling_count_buckets * OFL__NCTR;
  ofl_breaker_t *b = calloc(1, sizeof(*b) + nctr * sizeof(_Atomic uint64_t));
  if (b == NULL) return OFL_ENOMEM;
  if (uv_mutex_init(&b->lock) != 0) {
    free(b);
    return OFL_ENOMEM;
  }
  b->opts = o;
  b->nbuckets = o.rolling_count_buckets;
  b->bucket_ms = o.rolling_count_timeout_ms / o.rolling_count_buckets;
  b->warm_until_ms = ofl__sat_add(now_ms, o.warm_up_ms);
  for (size_t i = 0; i < OFL_BREAKER_SLOTS32; i++)
    atomic_init(&b->sh.s32[i], 0);
  for (size_t i = 0; i < sizeof(b->sh.s64) / sizeof(b->sh.s64[0]); i++)
    atomic_init(&b->sh.s64[i], 0);
  for (size_t i = 0; i < nctr; i++) atomic_init(&b->win[i], 0);
  atomic_init(S32(b, OFL_BREAKER_SLOT_CAPACITY), (int32_t)o.capacity);
  atomic_init(S32(b, OFL_BREAKER_SLOT_HALF_OPEN_MAX),
              (int32_t)o.half_open_max_concurrent);
  /* Make every initialised field visible to a thread that receives b
   * through a relaxed channel. */
  atomic_thread_fence(memory_order_release);
  *out = b;
  return 0;
}

void ofl__breaker_destroy(ofl_breaker_t *b) {
  uv_mutex_destroy(&b->lock);
  free(b->name);
  free(b);
}

/* ---- calls -------------------------------------------------------------- */

/* Take a capacity slot; exact (CAS, never over-counts transiently). */
static int ofl__cap_take(ofl_breaker_t *b) {
  _Atomic int32_t *f = S32(b, OFL_BREAKER_SLOT_IN_FLIGHT);
  const int32_t cap = (int32_t)b->opts.capacity;
  if (cap == 0) {
    atomic_fetch_add_explicit(f, 1, memory_order_relaxed);
    return 1;
  }
  int32_t cur = atomic_load_explicit(f, memory_order_relaxed);
  do {
    if (cur >= cap) return 0;
  } while (!atomic_compare_exchange_weak_explicit(
      f, &cur, cur + 1, memory_order_relaxed, memory_order_relaxed));
  return 1;
}

static int ofl__should_trip(const ofl_breaker_t *b, uint32_t consecutive,
                            uint64_t now_ms) {
  if (now_ms < b->warm_until_ms) return 0;
  if (b->opts.failure_threshold != 0 &&
      consecutive >= b->opts.failure_threshold)
    return 1;
  uint64_t s[3]; /* fires, successes, failures */
  ofl__win_sum(b, now_ms, OFL__C_FIRE, OFL__C_FAILURE + 1, s);
  const uint64_t fires = s[0];
  if (fires == 0 || fires < b->opts.volume_threshold) return 0;
  return s[2] * 100 > (uint64_t)b->opts.error_threshold_percentage * fires;
}

/* A failure of a closed call granted at word `permit` (or refused for
 * capacity at it): counts towards the consecutive failures and trips the
 * episode it belongs to, never a later one (opossum#385). */
static void ofl__closed_failed(ofl_breaker_t *b, int32_t permit,
                               uint64_t now_ms) {
  if (atomic_load_explicit(WORD(b), memory_order_acquire) != permit) return;
  _Atomic int32_t *cf = S32(b, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES);
  const uint32_t n =
      (uint32_t)atomic_fetch_add_explicit(cf, 1, memory_order_relaxed) + 1;
  if (!ofl__should_trip(b, n, now_ms)) return;
  uv_mutex_lock(&b->lock);
  if (atomic_load_explicit(WORD(b), memory_order_relaxed) == permit)
    ofl__to_open(b, permit, now_ms);
  uv_mutex_unlock(&b->lock);
}

static void ofl__count_failure(ofl_breaker_t *b, uint64_t now_ms) {
  ofl__win_add(b, now_ms, OFL__C_FAILURE);
  atomic_store_explicit(S64(b, OFL_BREAKER_SLOT64_LAST_FAILURE_MS),
                        (int64_t)now_ms, memory_order_relaxed);
}

int ofl_breaker_acquire(ofl_breaker_t *b, uint64_t now_ms) {
  if (b == NULL) return OFL_EINVAL;
  ofl__win_add(b, now_ms, OFL__C_FIRE);
  for (;;) {
    int32_t w = atomic_load_explicit(WORD(b), memory_order_acquire);
    const int st = OFL_BREAKER_WORD_STATE(w);
    if (st == OFL_BREAKER_CLOSED) {
      if (!ofl__cap_take(b)) {
        ofl__win_add(b, now_ms, OFL__C_SEMLOCKED);
        ofl__count_failure(b, now_ms);
        ofl__closed_failed(b, w, now_ms);
        return OFL_ESEMLOCKED;
      }
      return w;
    }
    if (st == OFL_BREAKER_OPEN &&
        now_ms <
            (uint64_t)atomic_load_explicit(
                S64(b, OFL_BREAKER_SLOT64_RESET_AT_MS), memory_order_relaxed)) {
      ofl__win_add(b, now_ms, OFL__C_REJECT);
      return OFL_ECIRCUITOPEN;
    }
    uv_mutex_lock(&b->lock);
    if (atomic_load_explicit(WORD(b), memory_order_relaxed) != w) {
      uv_mutex_unlock(&b->lock);
      continue; /* someone else transitioned; decide again */
    }
    if (st == OFL_BREAKER_OPEN) {
      ofl__to_half_open(b, w);
      w = atomic_load_explicit(WORD(b), memory_order_relaxed);
    }
    _Atomic int32_t *probes = S32(b, OFL_BREAKER_SLOT_PROBES);
    const int32_t p = atomic_load_explicit(probes, memory_order_relaxed);
    int rc;
    if (p >= (int32_t)b->opts.half_open_max_concurrent) {
      rc = OFL_ECIRCUITOPEN;
    } else if (!ofl__cap_take(b)) {
      rc = OFL_ESEMLOCKED;
      ofl__to_open(b, w, now_ms); /* a failed probe, as in opossum */
    } else {
      atomic_store_explicit(probes, p + 1, memory_order_relaxed);
      rc = w;
    }
    uv_mutex_unlock(&b->lock);
    if (rc == OFL_ECIRCUITOPEN)
      ofl__win_add(b, now_ms, OFL__C_REJECT);
    else if (rc == OFL_ESEMLOCKED) {
      ofl__win_add(b, now_ms, OFL__C_SEMLOCKED);
      ofl__count_failure(b, now_ms);
    }
    return rc;
  }
}

int ofl_breaker_release(ofl_breaker_t *b, int permit, int outcome,
                        uint64_t now_ms, uint32_t latency_ms) {
  if (b == NULL || permit < 0) return OFL_EINVAL;
  const int kind = OFL_BREAKER_PERMIT_KIND(permit);
  if (kind != OFL_BREAKER_PERMIT_CLOSED && kind != OFL_BREAKER_PERMIT_PROBE)
    return OFL_EINVAL;
  if (outcome < OFL_BREAKER_SUCCESS || outcome > OFL_BREAKER_IGNORED)
    return OFL_EINVAL;

  atomic_fetch_sub_explicit(S32(b, OFL_BREAKER_SLOT_IN_FLIGHT), 1,
                            memory_order_relaxed);
  const int failed =
      outcome == OFL_BREAKER_FAILURE || outcome == OFL_BREAKER_TIMEOUT;
  switch (outcome) {
    case OFL_BREAKER_SUCCESS:
      ofl__win_add(b, now_ms, OFL__C_SUCCESS);
      break;
    case OFL_BREAKER_TIMEOUT:
    case OFL_BREAKER_FAILURE:
      if (outcome == OFL_BREAKER_TIMEOUT)
        ofl__win_add(b, now_ms, OFL__C_TIMEOUT);
      ofl__count_failure(b, now_ms); /* timeouts are failures */
      break;
    default:
      ofl__win_add(b, now_ms, OFL__C_IGNORED);
      break;
  }
  if (outcome != OFL_BREAKER_IGNORED)
    ofl__win_add(b, now_ms, OFL__C_HIST + ofl__lat_bin(latency_ms));

  if (kind == OFL_BREAKER_PERMIT_PROBE) {
    uv_mutex_lock(&b->lock);
    const int32_t w = atomic_load_explicit(WORD(b), memory_order_relaxed);
    if (w == permit) { /* a probe of the current half-open episode */
      _Atomic int32_t *probes = S32(b, OFL_BREAKER_SLOT_PROBES);
      _Atomic int32_t *ok = S32(b, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES);
      atomic_store_explicit(
          probes, atomic_load_explicit(probes, memory_order_relaxed) - 1,
          memory_order_relaxed);
      if (failed) {
        ofl__to_open(b, w, now_ms);
      } else {
        const int32_t n = atomic_load_explicit(ok, memory_order_relaxed) + 1;
        atomic_store_explicit(ok, n, memory_order_relaxed);
        if ((uint32_t)n >= b->opts.success_threshold) ofl__to_closed(b, w, 1);
      }
    }
    uv_mutex_unlock(&b->lock);
  } else if (outcome != OFL_BREAKER_IGNORED) {
    if (failed) {
      ofl__closed_failed(b, permit, now_ms);
    } else if (atomic_load_explicit(WORD(b), memory_order_acquire) == permit) {
      atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES), 0,
                            memory_order_relaxed);
    }
  }
  return OFL_BREAKER_WORD_STATE(
      atomic_load_explicit(WORD(b), memory_order_acquire));
}

int ofl_breaker_settle(ofl_breaker_t *b, int word, int outcome,
                       uint64_t start_ms, uint64_t now_ms,
                       uint32_t latency_ms) {
  (void)start_ms; /* the caller counted the fire when the call started */
  if (b == NULL || word < 0 || b->opts.capacity != 0 ||
      OFL_BREAKER_WORD_STATE(word) != OFL_BREAKER_CLOSED)
    return OFL_EINVAL;
  if (outcome < OFL_BREAKER_SUCCESS || outcome > OFL_BREAKER_IGNORED)
    return OFL_EINVAL;
  /* What acquire() does in CLOSED with capacity 0, but the fire; release()
   * undoes the in-flight increment. */
  atomic_fetch_add_explicit(S32(b, OFL_BREAKER_SLOT_IN_FLIGHT), 1,
                            memory_order_relaxed);
  return ofl_breaker_release(b, word, outcome, now_ms, latency_ms);
}

int ofl_breaker_settle_successes(ofl_breaker_t *b, int word,
                                 const uint32_t *bins, uint64_t now_ms) {
  if (b == NULL || bins == NULL || word < 0 || b->opts.capacity != 0 ||
      OFL_BREAKER_WORD_STATE(word) != OFL_BREAKER_CLOSED)
    return OFL_EINVAL;
  uint64_t total = 0;
  for (unsigned k = 0; k < OFL__HIST_BINS; k++) {
    if (bins[k] == 0) continue;
    total += bins[k];
    ofl__win_add_n(b, now_ms, OFL__C_HIST + k, bins[k]);
  }
  const uint32_t n = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
  if (n != 0) {
    ofl__win_add_n(b, now_ms, OFL__C_SUCCESS, n);
    /* As release(SUCCESS) of a current-episode closed permit. */
    if (atomic_load_explicit(WORD(b), memory_order_acquire) == word)
      atomic_store_explicit(S32(b, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES), 0,
                            memory_order_relaxed);
  }
  return OFL_BREAKER_WORD_STATE(
      atomic_load_explicit(WORD(b), memory_order_acquire));
}

int ofl_breaker_record(ofl_breaker_t *b, int event, uint64_t now_ms) {
  return ofl_breaker_record_n(b, event, 1, now_ms);
}

int ofl_breaker_record_n(ofl_breaker_t *b, int event, uint32_t count,
                         uint64_t now_ms) {
  if (b == NULL) return OFL_EINVAL;
  unsigned ctr;
  switch (event) {
    case OFL_BREAKER_EV_FIRE:
      ctr = OFL__C_FIRE;
      break;
    case OFL_BREAKER_EV_REJECT:
      ctr = OFL__C_REJECT;
      break;
    case OFL_BREAKER_EV_FALLBACK:
      ctr = OFL__C_FALLBACK;
      break;
    default:
      return OFL_EINVAL;
  }
  if (count != 0) ofl__win_add_n(b, now_ms, ctr, count);
  return 0;
}

/* ---- control ------------------------------------------------------------ */

void ofl_breaker_force_open(ofl_breaker_t *b, uint64_t now_ms) {
  if (b == NULL) return;
  uv_mutex_lock(&b->lock);
  int32_t w = atomic_load_explicit(WORD(b), memory_order_relaxed);
  if (OFL_BREAKER_WORD_STATE(w) == OFL_BREAKER_OPEN) {
    const uint64_t reset_at = (uint64_t)atomic_load_explicit(
        S64(b, OFL_BREAKER_SLOT64_RESET_AT_MS), memory_order_relaxed);
    if (now_ms < reset_at) {
      uv_mutex_unlock(&b->lock);
      return;
    }
    /* Effectively half-open: make that stored, so the word records both
     * moves, as acquire() would have. */
    ofl__to_half_open(b, w);
    w = atomic_load_explicit(WORD(b), memory_order_relaxed);
  }
  ofl__to_open(b, w, now_ms);
  uv_mutex_unlock(&b->lock);
}

void ofl_breaker_force_close(ofl_breaker_t *b, uint64_t now_ms) {
  (void)now_ms;
  if (b == NULL) return;
  uv_mutex_lock(&b->lock);
  const int32_t w = atomic_load_explicit(WORD(b), memory_order_relaxed);
  if (OFL_BREAKER_WORD_STATE(w) != OFL_BREAKER_CLOSED) ofl__to_closed(b, w, 0);
  uv_mutex_unlock(&b->lock);
}

int ofl_breaker_restore(ofl_breaker_t *b, int state, uint64_t opened_at_ms,
                        uint64_t now_ms) {
  if (b == NULL) return OFL_EINVAL;
  if (state != OFL_BREAKER_CLOSED && state != OFL_BREAKER_OPEN &&
      state != OFL_BREAKER_HALF_OPEN)
    return OFL_EINVAL;
  if (state == OFL_BREAKER_OPEN && opened_at_ms > now_ms) return OFL_ERANGE;
  uv_mutex_lock(&b->lock);
  const int32_t w = atomic_load_explicit(WORD(b), memory_order_relaxed);
  if (state == OFL_BREAKER_OPEN)
    ofl__to_open(b, w, opened_at_ms);
  else if (state == OFL_BREAKER_HALF_OPEN)
    ofl__to_half_open(b, w);
  else
    ofl__to_closed(b, w, 1);
  uv_mutex_unlock(&b->lock);
  return 0;
}

/* ---- observing ---------------------------------------------------------- */

int ofl_breaker_state(const ofl_breaker_t *b, uint64_t now_ms) {
  if (b == NULL) return OFL_EINVAL;
  const int st = OFL_BREAKER_WORD_STATE(
      atomic_load_explicit(WORD(b), memory_order_acquire));
  if (st == OFL_BREAKER_OPEN &&
      now_ms >=
          (uint64_t)atomic_load_explicit(S64(b, OFL_BREAKER_SLOT64_RESET_AT_MS),
                                         memory_order_relaxed))
    return OFL_BREAKER_HALF_OPEN;
  return st;
}

void ofl_breaker_snapshot(const ofl_breaker_t *b, uint64_t now_ms,
                          ofl_breaker_stats_t *out) {
  if (b == NULL || out == NULL) return;
  memset(out, 0, sizeof(*out));
  uint64_t c[OFL__NCTR];
  ofl__win_sum(b, now_ms, 0, OFL__NCTR, c);
  out->fires = c[OFL__C_FIRE];
  out->successes = c[OFL__C_SUCCESS];
  out->failures = c[OFL__C_FAILURE];
  out->timeouts = c[OFL__C_TIMEOUT];
  out->ignored = c[OFL__C_IGNORED];
  out->rejects = c[OFL__C_REJECT];
  out->semlocked = c[OFL__C_SEMLOCKED];
  out->fallbacks = c[OFL__C_FALLBACK];
  for (unsigned k = 0; k < OFL__HIST_BINS; k++)
    out->latency_count += c[OFL__C_HIST + k];
  out->latency_p50_ms =
      ofl__percentile(&c[OFL__C_HIST], out->latency_count, 50);
  out->latency_p99_ms =
      ofl__percentile(&c[OFL__C_HIST], out->latency_count, 99);

  const int32_t w = atomic_load_explicit(WORD(b), memory_order_acquire);
  out->state = ofl_breaker_state(b, now_ms);
  out->generation = OFL_BREAKER_WORD_GEN(w);
  out->consecutive_failures = (uint32_t)atomic_load_explicit(
      S32(b, OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES), memory_order_relaxed);
  out->half_open_successes = (uint32_t)atomic_load_explicit(
      S32(b, OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES), memory_order_relaxed);
  out->in_flight = atomic_load_explicit(S32(b, OFL_BREAKER_SLOT_IN_FLIGHT),
                                        memory_order_relaxed);
  out->probes_in_flight = atomic_load_explicit(S32(b, OFL_BREAKER_SLOT_PROBES),
                                               memory_order_relaxed);
  out->last_failure_time_ms = (uint64_t)atomic_load_explicit(
      S64(b, OFL_BREAKER_SLOT64_LAST_FAILURE_MS), memory_order_relaxed);
  out->opened_at_ms = (uint64_t)atomic_load_explicit(
      S64(b, OFL_BREAKER_SLOT64_OPENED_AT_MS), memory_order_relaxed);
  out->reset_at_ms = (uint64_t)atomic_load_explicit(
      S64(b, OFL_BREAKER_SLOT64_RESET_AT_MS), memory_order_relaxed);
}

void *ofl_breaker_shared_block(ofl_breaker_t *b, size_t *len) {
  if (len != NULL) *len = b == NULL ? 0 : OFL_BREAKER_SHARED_BYTES;
  return b == NULL ? NULL : (void *)&b->sh;
}

void ofl_breaker_get_opts(const ofl_breaker_t *b, ofl_breaker_opts_t *out) {
  if (b == NULL || out == NULL) return;
  *out = b->opts;
}
