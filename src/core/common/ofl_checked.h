/* Checked size arithmetic. Every size computed from user input goes
 * through these, so overflow becomes an error instead of a short buffer. */
#ifndef OFL_CHECKED_H
#define OFL_CHECKED_H

#include <stddef.h>
#include <stdint.h>

/* @return 1 and store a*b in *out, or 0 on overflow (*out untouched). */
static inline int ofl_mul_size(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a) return 0;
  *out = a * b;
  return 1;
}

/* @return 1 and store a+b in *out, or 0 on overflow (*out untouched). */
static inline int ofl_add_size(size_t a, size_t b, size_t *out) {
  if (b > SIZE_MAX - a) return 0;
  *out = a + b;
  return 1;
}

#endif
