/* The process-wide wake registry (ofl_pool.h). An id is
 * (sequence << SLOT_BITS) | slot: the slot indexes the table, and the
 * sequence, taken from one counter that only grows, tells a live id from
 * any earlier holder of the same slot. */
#include <stdlib.h>
#include <uv.h>

#include "ofl_checked.h"
#include "ofl_pool.h"

#define SLOT_BITS 20
#define SLOT_MASK ((((uint64_t)1) << SLOT_BITS) - 1)
#define SEQ_MAX ((((uint64_t)1) << 33) - 1) /* ids stay below 2^53 */

typedef struct {
  uint64_t id; /* 0: free */
  ofl_pool_wake_fn fn;
  void *arg;
  size_t next_free; /* free list link, valid while id == 0 */
} ofl__wake_slot_t;

/* Guards every variable below. Held across a target's fn (signal), so an
 * unregister that takes it waits for a signal in progress. */
static uv_once_t ofl__wake_once = UV_ONCE_INIT;
static uv_mutex_t ofl__wake_lock;
static ofl__wake_slot_t *ofl__wake_slots;
static size_t ofl__wake_cap;
static size_t ofl__wake_len;       /* slots ever used in the current table */
static size_t ofl__wake_live;      /* registered targets */
static size_t ofl__wake_free_head; /* SIZE_MAX: empty */
static uint64_t ofl__wake_seq;     /* last sequence handed out */

static void ofl__wake_init(void) {
  if (uv_mutex_init(&ofl__wake_lock) != 0) abort();
  ofl__wake_free_head = SIZE_MAX;
}

static void ofl__wake_lock_(void) {
  uv_once(&ofl__wake_once, ofl__wake_init);
  uv_mutex_lock(&ofl__wake_lock);
}

/* The slot of a live `id`, or NULL. Lock held. */
static ofl__wake_slot_t *ofl__wake_find(uint64_t id) {
  const size_t k = (size_t)(id & SLOT_MASK);
  if (id == 0 || k >= ofl__wake_len) return NULL;
  ofl__wake_slot_t *s = &ofl__wake_slots[k];
  return s->id == id ? s : NULL;
}

/* A free slot index, growing the table if needed; SIZE_MAX on failure
 * (*err set). Lock held. */
static size_t ofl__wake_take_slot(int *err) {
  if (ofl__wake_free_head != SIZE_MAX) {
    const size_t k = ofl__wake_free_head;
    ofl__wake_free_head = ofl__wake_slots[k].next_free;
    return k;
  }
  if (ofl__wake_len >= OFL_POOL_WAKE_MAX) {
    *err = OFL_ERANGE;
    return SIZE_MAX;
  }
  if (ofl__wake_len == ofl__wake_cap) {
    const size_t cap = ofl__wake_cap == 0 ? 16 : ofl__wake_cap * 2;
    size_t bytes;
    if (!ofl_mul_size(cap, sizeof(ofl__wake_slot_t), &bytes)) {
      *err = OFL_ERANGE;
      return SIZE_MAX;
    }
    ofl__wake_slot_t *grown = realloc(ofl__wake_slots, bytes);
    if (grown == NULL) {
      *err = OFL_ENOMEM;
      return SIZE_MAX;
    }
    ofl__wake_slots = grown;
    ofl__wake_cap = cap;
  }
  return ofl__wake_len++;
}

int ofl_pool_wake_register(ofl_pool_wake_fn fn, void *arg, uint64_t *id) {
  if (fn == NULL || id == NULL) return OFL_EINVAL;
  int err = 0;
  ofl__wake_lock_();
  if (ofl__wake_seq >= SEQ_MAX) {
    uv_mutex_unlock(&ofl__wake_lock);
    return OFL_ERANGE;
  }
  const size_t k = ofl__wake_take_slot(&err);
  if (k == SIZE_MAX) {
    uv_mutex_unlock(&ofl__wake_lock);
    return err;
  }
  const uint64_t v = (++ofl__wake_seq << SLOT_BITS) | (uint64_t)k;
  ofl__wake_slots[k].id = v;
  ofl__wake_slots[k].fn = fn;
  ofl__wake_slots[k].arg = arg;
  ofl__wake_live++;
  uv_mutex_unlock(&ofl__wake_lock);
  *id = v;
  return 0;
}

int ofl_pool_wake_signal(uint64_t id) {
  ofl__wake_lock_();
  ofl__wake_slot_t *s = ofl__wake_find(id);
  if (s != NULL) s->fn(s->arg);
  uv_mutex_unlock(&ofl__wake_lock);
  return s != NULL ? 0 : OFL_ECLOSED;
}

int ofl_pool_wake_unregister(uint64_t id) {
  ofl__wake_lock_();
  ofl__wake_slot_t *s = ofl__wake_find(id);
  if (s == NULL) {
    uv_mutex_unlock(&ofl__wake_lock);
    return OFL_ECLOSED;
  }
  const size_t k = (size_t)(id & SLOT_MASK);
  s->id = 0;
  s->fn = NULL;
  s->arg = NULL;
  s->next_free = ofl__wake_free_head;
  ofl__wake_free_head = k;
  if (--ofl__wake_live == 0) {
    /* Nothing registered: give the table back (the sequence goes on, so
     * no old id can name a slot of the next table). */
    free(ofl__wake_slots);
    ofl__wake_slots = NULL;
    ofl__wake_cap = 0;
    ofl__wake_len = 0;
    ofl__wake_free_head = SIZE_MAX;
  }
  uv_mutex_unlock(&ofl__wake_lock);
  return 0;
}

size_t ofl_pool_wake_count(void) {
  ofl__wake_lock_();
  const size_t n = ofl__wake_live;
  uv_mutex_unlock(&ofl__wake_lock);
  return n;
}
