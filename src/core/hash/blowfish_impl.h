/* Blowfish's state and the eksblowfish key schedule bcrypt needs
 * (internal to the hash module). */
#ifndef OFL_BLOWFISH_IMPL_H
#define OFL_BLOWFISH_IMPL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t p[18];
  uint32_t s[4][256];
} ofl__blowfish_t;

extern const ofl__blowfish_t ofl__blowfish_init;

#endif
