/* offload core: image kernels (resize).
 *
 * API tiers, simplest first:
 *   1. One-shot  ofl_image_resize(): resize a whole image on the calling
 *                thread.
 *   2. Plan      ofl_image_plan_create/run/free: precompute the weight
 *                tables once, then run any number of disjoint bands of
 *                output rows, on any threads at once (each output row is
 *                computed independently, so the bytes do not depend on how
 *                the rows were split). A band polls a stop callback before
 *                every row, so cancellation is seen within one row.
 *
 * Images are interleaved (1 to 4 channels) and either 8-bit unsigned or
 * 32-bit float samples. Rows are `stride` samples apart (not bytes), so a
 * sub-rectangle of a larger image is just a data pointer plus its parent's
 * stride. Borders clamp to the edge pixel.
 *
 * Resampling is separable: vertical pass into one row of intermediate
 * samples, then horizontal pass into the output row. Kernels widen by the
 * scale factor when downsampling (antialiasing, as Pillow and sharp do);
 * `nearest` is point sampling at the output pixel's centre. Weights are
 * normalised per output pixel; 8-bit images use 14-bit fixed-point
 * weights, rounded cumulatively so every row of weights sums exactly to
 * 1.0 (a flat image stays exactly flat), and a 16-bit intermediate with 6
 * fractional bits. The result is within 1 LSB of an exact computation.
 *
 * Limits: each dimension (input, output, virtual) 1..OFL_IMAGE_MAX_DIM and
 * width*height at most OFL_IMAGE_MAX_PIXELS (sharp's limitInputPixels
 * default), on input and output. Weight tables are bounded by
 * O(in + out) per axis whatever the scale.
 *
 * Errors: negative OFL_E* values from ofl_errors.h. Thread-safety: a plan
 * is read-only after creation; ofl_image_plan_run may run concurrently on
 * disjoint row ranges of one plan.
 */
#ifndef OFL_IMAGE_H
#define OFL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OFL_IMAGE_MAX_DIM 65535u
#define OFL_IMAGE_MAX_PIXELS 268402689u /* 0x3FFF * 0x3FFF */
#define OFL_IMAGE_MAX_CHANNELS 4u

typedef enum {
  OFL_IMAGE_U8 = 0,  /* uint8_t samples, 0..255 */
  OFL_IMAGE_F32 = 1, /* float samples, any finite range, no clamping */
  OFL_IMAGE_FORMAT_COUNT
} ofl_image_format_t;

typedef enum {
  OFL_IMAGE_NEAREST = 0,
  OFL_IMAGE_LINEAR,   /* triangle, support 1 */
  OFL_IMAGE_CUBIC,    /* Catmull-Rom (B=0, C=0.5), support 2 */
  OFL_IMAGE_MITCHELL, /* Mitchell-Netravali (B=C=1/3), support 2 */
  OFL_IMAGE_LANCZOS2, /* support 2 */
  OFL_IMAGE_LANCZOS3, /* support 3; the default, as in sharp */
  OFL_IMAGE_KERNEL_COUNT
} ofl_image_kernel_t;

/* An image view. The library never frees `data`. */
typedef struct {
  void *data;    /* sample (0, 0); const for sources */
  size_t len;    /* samples readable/writable from data */
  size_t stride; /* samples from one row to the next; 0 = width*channels */
  uint32_t width, height;
  uint32_t channels; /* 1..4 */
  ofl_image_format_t format;
} ofl_image_t;

/* Options; zero-initialise. A NULL opts means lanczos3, no crop. */
typedef struct {
  ofl_image_kernel_t kernel;
  /* Crop of a virtual resize: the output is the window starting at
   * (offset_x, offset_y) of src resized to virt_width x virt_height (how
   * fit: 'cover' crops). virt_width 0 means dst->width and offset_x 0;
   * likewise for the height. */
  uint32_t virt_width, virt_height;
  uint32_t offset_x, offset_y;
} ofl_image_resize_opts_t;

typedef struct ofl_image_plan_s ofl_image_plan_t;

/* @return the kernel for an exact name ("lanczos3"), or OFL_EUNSUPPORTED. */
int ofl_image_kernel_from_name(const char *name);
/* @return the name of kernel, or NULL when out of range. */
const char *ofl_image_kernel_name(ofl_image_kernel_t kernel);

/* Minimum samples a view of this geometry needs: (height-1)*stride +
 * width*channels, with stride 0 meaning packed.
 * @return 0 and *out, or OFL_EINVAL (stride < width*channels, channels out
 * of range) or OFL_ERANGE (overflow, zero or oversized dimensions, over
 * the pixel cap). */
int ofl_image_min_len(uint32_t width, uint32_t height, uint32_t channels,
                      size_t stride, size_t *out);

/* ---- tier 1: one-shot ---- */

/* Resize src into dst (dst->width/height/channels/format describe the
 * output; channels and format must equal src's). Allocates the weight
 * tables and one intermediate row.
 * @return 0, OFL_EINVAL (NULL pointers, channel/format mismatch, bad
 * stride, unknown kernel), OFL_ERANGE (dimensions, pixel cap, a view
 * shorter than its geometry needs, crop window outside the virtual size)
 * or OFL_ENOMEM. */
int ofl_image_resize(const ofl_image_t *src, ofl_image_t *dst,
                     const ofl_image_resize_opts_t *opts);

/* ---- tier 2: plan + bands ---- */

/* Validate src/dst/opts as ofl_image_resize does and build the weight
 * tables. The plan keeps the two views (not copies of their pixels): they
 * must stay valid until the last run. On error *out is NULL.
 * @return 0, OFL_EINVAL, OFL_ERANGE or OFL_ENOMEM. */
int ofl_image_plan_create(const ofl_image_t *src, const ofl_image_t *dst,
                          const ofl_image_resize_opts_t *opts,
                          ofl_image_plan_t **out);

/* Bytes of weight tables and bookkeeping the plan holds (for reporting
 * native memory). */
size_t ofl_image_plan_size(const ofl_image_plan_t *plan);

/* Compute output rows [y0, y1). should_stop (may be NULL) is called with
 * arg before each row; a nonzero return stops the band and is returned.
 * Rows already written stay written.
 * @return 0, the should_stop code, OFL_EINVAL (bad range) or OFL_ENOMEM
 * (the one intermediate row, at most width*channels*4 bytes). */
int ofl_image_plan_run(const ofl_image_plan_t *plan, uint32_t y0, uint32_t y1,
                       int (*should_stop)(void *arg), void *arg);

/* NULL is fine. */
void ofl_image_plan_free(ofl_image_plan_t *plan);

#ifdef __cplusplus
}
#endif
#endif
