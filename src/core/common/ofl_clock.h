/* Monotonic time for the core: never jumps with the wall clock. */
#ifndef OFL_CLOCK_H
#define OFL_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* @return nanoseconds from an arbitrary fixed point; monotonic. */
uint64_t ofl_now_ns(void);

#ifdef __cplusplus
}
#endif
#endif
