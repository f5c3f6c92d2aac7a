/* offload core: the WorkerPool's wake registry.
 *
 * A process-wide table of wake targets: a target is a function and its
 * argument (in the addon, uv_async_send on a handle of the env that owns a
 * WorkerPool), registered by the owner and signalled by id from any thread
 * (the pool's workers). Ids are never reused, so a signal that races with
 * or follows the target's unregistration is a safe no-op, never a call on
 * freed memory. No Node-API here.
 *
 * Tiers: ofl_pool_wake_register() / ofl_pool_wake_unregister() (the
 * owner), ofl_pool_wake_signal() (anyone), ofl_pool_wake_count().
 *
 * Thread-safety. Every function is safe to call from any thread at any
 * time. One mutex guards the table; a signal calls the target's function
 * with that mutex held, which is what makes unregistration final (see
 * below), so a target's function must be short, must not block and must
 * not call back into this registry (uv_async_send qualifies).
 *
 * Errors are negative OFL_E* values from ofl_errors.h.
 */
#ifndef OFL_POOL_H
#define OFL_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "ofl_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*ofl_pool_wake_fn)(void *arg);

/* Most targets registered at once. */
#define OFL_POOL_WAKE_MAX ((size_t)1 << 20)

/* Registers fn(arg). *id receives its id: non-zero, below 2^53 (exact in a
 * JS number), and never handed out again in this process.
 * @return 0; OFL_EINVAL (fn or id NULL); OFL_ENOMEM; OFL_ERANGE (already
 * OFL_POOL_WAKE_MAX targets, or 2^33 ids handed out). */
int ofl_pool_wake_register(ofl_pool_wake_fn fn, void *arg, uint64_t *id);

/* Calls the target's fn(arg) on this thread if `id` is registered.
 * @return 0 if it was called; OFL_ECLOSED if `id` is unknown, never
 * registered or unregistered already (nothing is called). */
int ofl_pool_wake_signal(uint64_t id);

/* Unregisters `id`. Once this returns, the target's function is not
 * running on any thread and is never called again for this id, so the
 * caller may free what `arg` points to.
 * @return 0; OFL_ECLOSED if `id` was not registered. */
int ofl_pool_wake_unregister(uint64_t id);

/* @return the number of targets registered now. */
size_t ofl_pool_wake_count(void);

#ifdef __cplusplus
}
#endif
#endif
