/* Internals shared by the resize sources; not installed. */
#ifndef OFL_RESIZE_IMPL_H
#define OFL_RESIZE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "ofl_image.h"

/* Fixed-point weights for 8-bit images: ONE = 1.0. The vertical pass keeps
 * OFL__MID_FRAC fractional bits in its int16 intermediate.
 *
 * Range invariant (checked when the table is built): every row of weights
 * sums to exactly ONE and its negative weights to at most ONE/2, so its
 * positive weights sum to at most 1.5*ONE. Then the intermediate lies in
 * [-0.5*255*64, 1.5*255*64] (fits int16), and the horizontal accumulator
 * stays below 1.5 * 24480 * 2 * ONE < 2^31. */
#define OFL__W_BITS 14
#define OFL__W_ONE (1 << OFL__W_BITS)
#define OFL__MID_FRAC 6

typedef struct {
  ofl_image_kernel_t kernel;
  uint32_t in;     /* input pixels along the axis */
  uint32_t vout;   /* virtual output size (the scale is in / vout) */
  uint32_t offset; /* first output pixel's index in the virtual output */
  uint32_t out;    /* output pixels computed */
  uint32_t taps;   /* weights per output pixel */
  uint32_t *start; /* [out] first input index; start + taps <= in */
  int16_t *w16;    /* [out * taps], NULL for nearest */
  float *wf;       /* [out * taps], NULL for nearest */
  size_t bytes;
} ofl__axis_t;

/* Zero int16 samples the caller keeps after the intermediate row for
 * ofl__hpass_u8_simd's wide loads. */
#define OFL__HPASS_PAD 8

/* resize_h_simd.c: the 8-bit horizontal pass on a SIMD path when one is
 * in use for this channel count. @return 1 when it ran, 0 to fall back. */
int ofl__hpass_u8_simd(const ofl__axis_t *ax, const int16_t *mid, uint8_t *out,
                       uint32_t ch);

/* Fills start/taps/w16/wf from kernel/in/vout/offset/out.
 * @return 0, OFL_ERANGE, OFL_ENOMEM or OFL_EINTERNAL (see invariant). */
int ofl__axis_build(ofl__axis_t *ax);
void ofl__axis_free(ofl__axis_t *ax);

#endif
