/* offload core: the circuit breaker.
 *
 * A process-wide circuit-breaker state machine kept in native memory, so a
 * named breaker is ONE breaker for every thread (and every worker_thread of
 * the addon). No Node-API here.
 *
 * Tiers, top to bottom:
 *   1. options:    ofl_breaker_opts_init() fills the defaults.
 *   2. context:    ofl_breaker_create() / ofl_breaker_free().
 *   3. registry:   process-wide named breakers with reference counts.
 *   4. calls:      ofl_breaker_acquire() a permit, run the call,
 *                  ofl_breaker_release() the permit with the outcome.
 *   5. control:    force_open / force_close / restore.
 *   6. observing:  state, snapshot (rolling stats), the shared block.
 *
 * Time. Every call takes `now_ms`: milliseconds from ONE monotonic clock
 * (e.g. ofl_now_ns() / 1000000), chosen by the caller. The breaker never
 * reads a clock itself, so tests drive time exactly and wall-clock jumps
 * change nothing. Callers should pass (roughly) non-decreasing times;
 * concurrent threads may be a few ms apart, which is harmless. State is
 * derived from the clock at each call: an open breaker whose reset timeout
 * has elapsed moves to half-open inside the next ofl_breaker_acquire()
 * (exactly once, however many threads race), not on a timer.
 *
 * Thread-safety. Every function taking an ofl_breaker_t* is safe to call
 * concurrently from any number of threads on the same breaker, except
 * ofl_breaker_free(), which needs exclusive ownership. The closed-state hot
 * path (acquire/release in CLOSED) is lock-free; transitions and half-open
 * permit accounting take a small per-breaker mutex.
 *
 * Errors are negative OFL_E* values from ofl_errors.h.
 */
#ifndef OFL_BREAKER_H
#define OFL_BREAKER_H

#include <stddef.h>
#include <stdint.h>

#include "ofl_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- states, permits, outcomes ---------------------------------------- */

/* Breaker states (the low 2 bits of the state word). */
enum {
  OFL_BREAKER_CLOSED = 0,
  OFL_BREAKER_OPEN = 1,
  OFL_BREAKER_HALF_OPEN = 2
};

/* The state word (int32 slot OFL_BREAKER_SLOT_STATE) packs the state and a
 * 29-bit generation that increments on every state change:
 *   word = (generation << 2) | state,   always >= 0.
 * One atomic load therefore gives a consistent (state, generation) pair; a
 * thread that sees the word change knows a transition happened (emit the
 * event). The generation wraps modulo 2^29. */
#define OFL_BREAKER_WORD_STATE(w) ((int)((uint32_t)(w)&3u))
#define OFL_BREAKER_WORD_GEN(w) ((uint32_t)(w) >> 2)
#define OFL_BREAKER_GEN_MASK 0x1FFFFFFFu

/* A permit (the value >= 0 returned by ofl_breaker_acquire) is the state
 * word at the moment the permit was granted. Its kind is its state bits:
 * OFL_BREAKER_PERMIT_CLOSED (an ordinary call) or OFL_BREAKER_PERMIT_PROBE
 * (a half-open trial call). Pass it back unchanged to ofl_breaker_release.
 * The generation inside lets release() recognise permits granted in an
 * earlier episode ("stale" permits, see ofl_breaker_release). */
enum {
  OFL_BREAKER_PERMIT_CLOSED = OFL_BREAKER_CLOSED,
  OFL_BREAKER_PERMIT_PROBE = OFL_BREAKER_HALF_OPEN
};
#define OFL_BREAKER_PERMIT_KIND(p) OFL_BREAKER_WORD_STATE(p)

/* Outcome of a call, for ofl_breaker_release. */
enum {
  OFL_BREAKER_SUCCESS = 0,
  OFL_BREAKER_FAILURE = 1,
  OFL_BREAKER_TIMEOUT = 2, /* counts as a failure (and as a timeout) */
  OFL_BREAKER_IGNORED = 3  /* errorFilter: the error does not count */
};

/* Stat-only events for ofl_breaker_record (the JS side reports fallbacks,
 * and may report fail-fast rejections it decided from the shared block
 * without calling native code). */
enum {
  OFL_BREAKER_EV_FIRE = 0,
  OFL_BREAKER_EV_REJECT = 1,
  OFL_BREAKER_EV_FALLBACK = 2
};

/* ---- shared layout ------------------------------------------------------
 * ofl_breaker_shared_block() returns OFL_BREAKER_SHARED_BYTES bytes of
 * native memory, 8-byte aligned, in host byte order, that the addon exposes
 * to JS as an external ArrayBuffer. It lives as long as the breaker.
 * JS reads it only with Atomics.load (never writes it):
 *   const i32 = new Int32Array(ab), i64 = new BigInt64Array(ab);
 *   const word = Atomics.load(i32, OFL_BREAKER_SLOT_STATE);
 *   if ((word & 3) === OPEN &&
 *       now < Atomics.load(i64, OFL_BREAKER_SLOT64_RESET_AT_MS)) fail fast;
 * (`now` must come from the same clock the addon passes as now_ms.)
 * The numbers below are a stable ABI: never renumber, only append into the
 * reserved slots. */
enum {
  /* Int32Array indices */
  OFL_BREAKER_SLOT_STATE = 0,               /* state word, see above */
  OFL_BREAKER_SLOT_IN_FLIGHT = 1,           /* permits held (all kinds) */
  OFL_BREAKER_SLOT_PROBES = 2,              /* half-open probes in flight */
  OFL_BREAKER_SLOT_HALF_OPEN_SUCCESSES = 3, /* probe successes so far */
  OFL_BREAKER_SLOT_CONSECUTIVE_FAILURES = 4,
  OFL_BREAKER_SLOT_CAPACITY = 5,      /* option copy; 0 = unlimited */
  OFL_BREAKER_SLOT_HALF_OPEN_MAX = 6, /* option copy */
  /* 7..15 reserved (0) */
  OFL_BREAKER_SLOTS32 = 16,
  /* BigInt64Array indices (byte offset = 8 * index) */
  OFL_BREAKER_SLOT64_OPENED_AT_MS = 8,     /* last closed/half-open->open */
  OFL_BREAKER_SLOT64_RESET_AT_MS = 9,      /* opened_at + reset_timeout */
  OFL_BREAKER_SLOT64_LAST_FAILURE_MS = 10, /* 0 = never */
  /* 11..15 reserved (0) */
  OFL_BREAKER_SHARED_BYTES = 128
};

/* ---- options ------------------------------------------------------------ */

typedef struct ofl_breaker_opts_s {
  uint32_t error_threshold_percentage; /* 0..100, default 50 */
  uint32_t rolling_count_timeout_ms;   /* window length, default 10000 */
  uint32_t rolling_count_buckets;      /* 1..1024, default 10; must divide
                                          rolling_count_timeout_ms */
  uint32_t volume_threshold;  /* min calls in window before a percentage
                                 trip, default 0 */
  uint32_t failure_threshold; /* trip after N consecutive failures; 0 = off */
  uint32_t reset_timeout_ms;  /* open -> half-open delay, default 30000 */
  uint32_t half_open_max_concurrent; /* probes at once, 1..INT32_MAX, def 1 */
  uint32_t success_threshold; /* probe successes to close, >= 1, default 1 */
  uint32_t capacity;          /* concurrent permits, 0 = unlimited,
                                 <= INT32_MAX */
  uint32_t call_timeout_ms;   /* the caller's per-call timeout, 0 = none,
                                 default 0. The core never enforces it: it
                                 is stored and compared (registry) so every
                                 thread sharing a named breaker agrees on
                                 it. */
  uint32_t warm_up_ms;        /* no trip (closed -> open) before
                                 created + warm_up_ms; 0 = none (opossum's
                                 allowWarmUp) */
} ofl_breaker_opts_t;

/* Fill *opts with the defaults listed above. */
void ofl_breaker_opts_init(ofl_breaker_opts_t *opts);

/* Check opts without creating anything.
 * @return 0; OFL_ERANGE for a value out of its range; OFL_EINVAL for NULL
 *         or a window not divisible into its buckets. */
int ofl_breaker_opts_validate(const ofl_breaker_opts_t *opts);

/* ---- context ------------------------------------------------------------ */

typedef struct ofl_breaker_s ofl_breaker_t;

/* Create a closed breaker. opts NULL = defaults; opts is copied.
 * now_ms is the creation time; window buckets are absolute
 * (now_ms / bucket length), so it does not shift them.
 * @return 0 and *out set; OFL_EINVAL/OFL_ERANGE (bad options, NULL out);
 *         OFL_ENOMEM. *out is untouched on error. */
int ofl_breaker_create(const ofl_breaker_opts_t *opts, uint64_t now_ms,
                       ofl_breaker_t **out);

/* Free a breaker made by ofl_breaker_create. NULL is fine. The caller must
 * own it exclusively (no concurrent calls, shared block no longer mapped).
 * Breakers from the registry must be given back with
 * ofl_breaker_registry_release instead (free() forwards to it). */
void ofl_breaker_free(ofl_breaker_t *b);

/* ---- registry (process-wide, thread-safe) ------------------------------- */

/* Get the process-wide breaker called `name` (any non-empty C string),
 * creating it with opts (NULL = defaults) if it does not exist, and take a
 * reference. The first caller's options are binding; a later call whose
 * options differ field by field fails with OFL_EINVAL (the caller reports a
 * conflict) and takes no reference.
 * @return 0 and *out set; OFL_EINVAL (NULL/empty name, NULL out, options
 *         conflict, invalid options), OFL_ERANGE (option out of range),
 *         OFL_ENOMEM. */
int ofl_breaker_registry_acquire(const char *name,
                                 const ofl_breaker_opts_t *opts,
                                 uint64_t now_ms, ofl_breaker_t **out);

/* Take a reference to the existing breaker called `name`, whatever its
 * options (observers such as a /health listing use it). Creates nothing.
 * @return 0 and *out set; OFL_EINVAL (NULL/empty name, NULL out, or no
 *         breaker of that name). */
int ofl_breaker_registry_find(const char *name, ofl_breaker_t **out);

/* Drop one reference; the last one removes the name and frees the breaker
 * (unless it is pinned, see below). NULL is fine. */
void ofl_breaker_registry_release(ofl_breaker_t *b);

/* Keep a registry breaker's memory, shared block included, alive past its
 * last reference: the name goes with the last reference, the memory with
 * the last reference or pin, whichever is later. For a caller whose readers
 * (a JS view of the shared block) may outlive its use of the name. Pin
 * while holding a reference; unpin exactly once per pin. NULL is fine. */
void ofl_breaker_registry_pin(ofl_breaker_t *b);
void ofl_breaker_registry_unpin(ofl_breaker_t *b);

/* Copy the registered names (for getAll()) into a malloc'd array of
 * malloc'd strings, in no particular order. Free with
 * ofl_breaker_registry_names_free. *names is NULL when *count is 0.
 * @return 0; OFL_EINVAL (NULL arguments); OFL_ENOMEM. */
int ofl_breaker_registry_names(char ***names, size_t *count);
void ofl_breaker_registry_names_free(char **names, size_t count);

/* @return the registry name of b, or NULL for a breaker from
 * ofl_breaker_create. Valid while the caller holds its reference. */
const char *ofl_breaker_name(const ofl_breaker_t *b);

/* ---- calls -------------------------------------------------------------- */

/* Ask to make a call. Counts a "fire".
 * CLOSED: grants an ordinary permit (lock-free).
 * OPEN: if now_ms >= opened_at + reset_timeout the breaker moves to
 *   HALF_OPEN (exactly once across racing threads) and the call is treated
 *   as half-open; otherwise counts a reject and fails fast.
 * HALF_OPEN: grants a probe to at most half_open_max_concurrent calls in
 *   flight at once; the rest count a reject and fail fast.
 * Then, with capacity > 0, a call that would exceed it counts "semlocked"
 * and fails (no permit held). As in opossum, a semlocked call is also a
 * failure: in CLOSED it counts and may trip like a failed call; in
 * HALF_OPEN it re-opens. An open breaker wins over capacity.
 * @return a permit >= 0 (see OFL_BREAKER_PERMIT_KIND); OFL_ECIRCUITOPEN;
 *         OFL_ESEMLOCKED; OFL_EINVAL (b NULL). */
int ofl_breaker_acquire(ofl_breaker_t *b, uint64_t now_ms);

/* Settle a permit exactly once with the call's outcome and latency.
 * Outcomes are counted in the rolling window at now_ms (the time the
 * outcome is recorded, not the time the call started, so a call longer
 * than the window is still counted).
 * - CLOSED permit, current episode: SUCCESS resets the consecutive-failure
 *   count; FAILURE/TIMEOUT increments it and trips the breaker (closed ->
 *   open, opened_at = now_ms) when failure_threshold consecutive failures
 *   are reached, or (as opossum) when the window holds >= volume_threshold
 *   fires and failures*100 > error_threshold_percentage*fires (fires count
 *   every call asked for, so calls still in flight and rejections weigh
 *   in; at 100 the percentage never trips). No trip before the warm-up
 *   ends.
 * - PROBE permit, current half-open episode: SUCCESS (and IGNORED: like
 *   opossum, an error the errorFilter discards closes from half-open) adds
 *   a probe success; success_threshold of them close the breaker and reset
 *   the window and counters. FAILURE/TIMEOUT re-opens it at once and
 *   restarts the reset timer (opened_at = now_ms). The volume threshold
 *   plays no part in half-open.
 * - A stale permit (granted before the latest state change, e.g. a closed
 *   call still in flight when the breaker opened) is counted in the stats
 *   and frees its capacity slot, but never causes or postpones a
 *   transition (opossum#385).
 * @return the stored state after the call (OFL_BREAKER_*); OFL_EINVAL for
 *         a NULL b, a negative/invalid permit or an unknown outcome. */
int ofl_breaker_release(ofl_breaker_t *b, int permit, int outcome,
                        uint64_t now_ms, uint32_t latency_ms);

/* Settle a call that was granted WITHOUT ofl_breaker_acquire: for a caller
 * that read the state word itself (e.g. from the shared block), saw
 * CLOSED, and knows capacity is 0 (unlimited). In that case acquire would
 * only have counted a fire and returned the word. The caller counts the
 * fire itself when the call starts (ofl_breaker_record EV_FIRE, batched is
 * fine, but before the outcome of any later call), so that calls in flight
 * count in the failure rate; this then does exactly what
 * ofl_breaker_release(word, ...) does. start_ms is unused. The call is not
 * visible in the in-flight count while it runs.
 * @return as ofl_breaker_release; OFL_EINVAL also when word is not a
 *         CLOSED word or the breaker has a capacity. */
int ofl_breaker_settle(ofl_breaker_t *b, int word, int outcome,
                       uint64_t start_ms, uint64_t now_ms, uint32_t latency_ms);

/* Number of latency bins: bin 0 holds 0 ms, bin k >= 1 holds
 * [2^(k-1), 2^k - 1] ms, the last bin is open-ended. */
#define OFL_BREAKER_LATENCY_BINS 24

/* Settle a batch of successful calls granted as for ofl_breaker_settle
 * (CLOSED word, no capacity), all counted at now_ms: bins[k] (k <
 * OFL_BREAKER_LATENCY_BINS) successes whose latency fell in bin k (their
 * fires counted by the caller, as for ofl_breaker_settle). Same
 * effect as that many ofl_breaker_settle(word, SUCCESS, now_ms, now_ms,
 * latency in bin k) calls, in a few atomic adds: a success in CLOSED never
 * causes a transition, so the JS fast path counts them in batches.
 * @return the stored state; OFL_EINVAL as ofl_breaker_settle, or NULL
 *         bins. */
int ofl_breaker_settle_successes(ofl_breaker_t *b, int word,
                                 const uint32_t *bins, uint64_t now_ms);

/* Count a stat-only event (OFL_BREAKER_EV_*) at now_ms. A JS fast path
 * that fails fast from the shared block without calling acquire should
 * report EV_FIRE + EV_REJECT (batched is fine) to keep the stats whole.
 * Any event recorded with a now_ms a full window older than the newest
 * event in the same bucket slot is dropped (no later snapshot could
 * include it anyway).
 * @return 0; OFL_EINVAL (NULL b, unknown event). */
int ofl_breaker_record(ofl_breaker_t *b, int event, uint64_t now_ms);

/* ofl_breaker_record `count` times, in one atomic add (batches).
 * @return as ofl_breaker_record. */
int ofl_breaker_record_n(ofl_breaker_t *b, int event, uint32_t count,
                         uint64_t now_ms);

/* ---- control ------------------------------------------------------------ */

/* Open now (like opossum's open()): from CLOSED/HALF_OPEN, opened_at =
 * now_ms and the reset timer starts, so it half-opens after reset_timeout.
 * Already OPEN before its reset time: no change (the timer is not
 * restarted). OPEN with the reset time passed (effectively half-open):
 * moves to HALF_OPEN and back to OPEN at now_ms (two state changes, so
 * every thread sees halfOpen -> open) and restarts the timer. NULL is
 * ignored. */
void ofl_breaker_force_open(ofl_breaker_t *b, uint64_t now_ms);

/* Close now (like opossum's close()): from OPEN/HALF_OPEN, closes and
 * resets the consecutive-failure and probe counters; the rolling window
 * keeps its counts (as opossum's does). Already CLOSED: no change. */
void ofl_breaker_force_close(ofl_breaker_t *b, uint64_t now_ms);

/* Restore a state (the `state` option / toJSON import). Always counts as a
 * state change (the generation increments). OPEN uses opened_at_ms (which
 * the caller has translated to this clock; it may be in the past, so the
 * breaker may half-open on the next acquire); HALF_OPEN starts a fresh
 * probe episode; CLOSED resets the window and counters.
 * @return 0; OFL_EINVAL (NULL b, unknown state); OFL_ERANGE (OPEN with
 *         opened_at_ms > now_ms). */
int ofl_breaker_restore(ofl_breaker_t *b, int state, uint64_t opened_at_ms,
                        uint64_t now_ms);

/* ---- observing ---------------------------------------------------------- */

/* The effective state at now_ms, without changing anything: the stored
 * state, except that an OPEN breaker whose reset timeout has elapsed is
 * reported as HALF_OPEN (the stored transition happens on the next
 * acquire). @return OFL_BREAKER_*; OFL_EINVAL for NULL b. */
int ofl_breaker_state(const ofl_breaker_t *b, uint64_t now_ms);

typedef struct ofl_breaker_stats_s {
  /* rolling window ending at now_ms (rolling_count_timeout_ms long) */
  uint64_t fires; /* acquire attempts (+ EV_FIRE) */
  uint64_t successes;
  uint64_t failures;       /* FAILURE + TIMEOUT outcomes */
  uint64_t timeouts;       /* TIMEOUT outcomes (also in failures) */
  uint64_t ignored;        /* IGNORED outcomes */
  uint64_t rejects;        /* failed fast because open/half-open full */
  uint64_t semlocked;      /* refused for capacity */
  uint64_t fallbacks;      /* EV_FALLBACK */
  uint64_t latency_count;  /* settled calls with a latency (not ignored) */
  uint32_t latency_p50_ms; /* upper edge of the histogram bin holding the */
  uint32_t latency_p99_ms; /* percentile: 0,1,3,7,...,2^k-1; >= 2^22 is
                              reported as 4194304; 0 when no samples */
  /* status */
  int32_t state;       /* effective state, as ofl_breaker_state */
  uint32_t generation; /* from the state word */
  uint32_t consecutive_failures;
  uint32_t half_open_successes;
  int32_t in_flight;
  int32_t probes_in_flight;
  uint64_t last_failure_time_ms; /* 0 = never */
  uint64_t opened_at_ms;         /* 0 = never opened */
  uint64_t reset_at_ms;
} ofl_breaker_stats_t;

/* Fill *out (zeroed first) with the rolling counts at now_ms and the
 * status. Lock-free; under concurrent calls each counter is exact for some
 * moment during the call, not one common moment. NULL b or out: no-op. */
void ofl_breaker_snapshot(const ofl_breaker_t *b, uint64_t now_ms,
                          ofl_breaker_stats_t *out);

/* @return the shared block (see "shared layout") and its size in *len
 * (len may be NULL); NULL for NULL b. Valid until the breaker is freed. */
void *ofl_breaker_shared_block(ofl_breaker_t *b, size_t *len);

/* @return a copy of the (normalised) options of b in *out. */
void ofl_breaker_get_opts(const ofl_breaker_t *b, ofl_breaker_opts_t *out);

#ifdef __cplusplus
}
#endif
#endif
