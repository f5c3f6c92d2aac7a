#include "ofl_clock.h"

#include <uv.h>

/* libuv's hrtime is monotonic on every platform we ship. */
uint64_t ofl_now_ns(void) {
  return uv_hrtime();
}
