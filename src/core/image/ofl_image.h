/* offload core: image kernels (resize, and the raw-pixel toolbox: geometry,
 * point operations, filters, compositing, statistics).
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
  OFL_IMAGE_U16 = 2, /* uint16_t samples, 0..65535 (not for resize) */
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

/* ---- tier 3: ops ---------------------------------------------------------
 *
 * Every op reads one source view (plus `other` for composite and
 * joinChannels) and writes a destination view whose geometry the caller
 * computes (ofl_image_op_dst_shape does it) and the plan checks. Samples
 * keep the source's format unless the op says otherwise. Integer results
 * are rounded to nearest and clamped to the format's range; f32 results
 * are neither. "max" below is 255 (u8), 65535 (u16) or 1.0 (f32).
 *
 * Alpha: with 2 or 4 channels the last one is alpha. Point ops that give
 * colour a meaning (grayscale, linear, gamma, lut, threshold, modulate)
 * leave alpha unchanged unless `alpha` is set; negate follows `alpha`
 * too (lib/ defaults it on, as sharp). Filters treat every channel alike.
 *
 * Edges (filters and extend): clamp repeats the edge sample, mirror
 * reflects including it (cba|abc|cba), wrap tiles, zero reads 0 (extend:
 * the background colour).
 *
 * In place: point ops and composite may run with dst == src (same data,
 * geometry and format); every other op needs disjoint views (OFL_EINVAL
 * otherwise), and composite's other must not overlap dst.
 */

typedef enum {
  /* geometry: exact sample copies, any format */
  OFL_IMAGE_OP_FLIP = 0, /* top <-> bottom */
  OFL_IMAGE_OP_FLOP,     /* left <-> right */
  OFL_IMAGE_OP_ROTATE90, /* clockwise */
  OFL_IMAGE_OP_ROTATE180,
  OFL_IMAGE_OP_ROTATE270,
  OFL_IMAGE_OP_TRANSPOSE,
  OFL_IMAGE_OP_EXTRACT, /* dst = src window at (left, top) */
  OFL_IMAGE_OP_EXTEND,  /* src placed at (left, top) of a larger dst */
  /* point ops */
  OFL_IMAGE_OP_GRAYSCALE, /* Rec. 709 luma; 1 channel, 2 with keep_alpha */
  OFL_IMAGE_OP_THRESHOLD, /* v >= value ? max : 0 */
  OFL_IMAGE_OP_NEGATE,    /* max - v */
  OFL_IMAGE_OP_LINEAR,    /* a[c] * v + b[c] */
  OFL_IMAGE_OP_GAMMA,     /* max * (v / max)^(1 / value) */
  OFL_IMAGE_OP_LUT,       /* table[v]; u8 (256) and u16 (65536) only */
  OFL_IMAGE_OP_MODULATE,  /* saturation around luma, then brightness */
  OFL_IMAGE_OP_PREMULTIPLY,
  OFL_IMAGE_OP_UNPREMULTIPLY,
  OFL_IMAGE_OP_EXTRACT_CHANNEL, /* dst: 1 channel */
  OFL_IMAGE_OP_JOIN_CHANNELS,   /* dst = src's channels then other's */
  OFL_IMAGE_OP_CONVERT,         /* to dst's format: v * scale */
  /* filters */
  OFL_IMAGE_OP_BLUR,      /* Gaussian, sigma = value (sharp's mask) */
  OFL_IMAGE_OP_BOX_BLUR,  /* mean of a (2r+1)^2 window, O(1) per pixel */
  OFL_IMAGE_OP_CONVOLVE,  /* sum(k * v) / scale + offset */
  OFL_IMAGE_OP_SHARPEN,   /* unsharp mask */
  OFL_IMAGE_OP_MEDIAN,    /* size 3, 5 or 7 */
  OFL_IMAGE_OP_SOBEL,     /* sqrt(gx^2 + gy^2) per channel, clamped;
                           * with direction, (magnitude, angle) */
  OFL_IMAGE_OP_COMPOSITE, /* other blended onto a copy of src at (left, top) */
  OFL_IMAGE_OP_COUNT
} ofl_image_op_kind_t;

typedef enum {
  OFL_IMAGE_EDGE_CLAMP = 0,
  OFL_IMAGE_EDGE_MIRROR,
  OFL_IMAGE_EDGE_WRAP,
  OFL_IMAGE_EDGE_ZERO,
  OFL_IMAGE_EDGE_COUNT
} ofl_image_edge_t;

typedef enum {
  OFL_IMAGE_BLEND_OVER = 0,
  OFL_IMAGE_BLEND_MULTIPLY,
  OFL_IMAGE_BLEND_SCREEN,
  OFL_IMAGE_BLEND_ADD,
  OFL_IMAGE_BLEND_COUNT
} ofl_image_blend_t;

#define OFL_IMAGE_MAX_KERNEL 31u /* convolve: odd sizes 1..31 per side */

/* Op parameters; zero-initialise, then set what the op reads. */
typedef struct {
  ofl_image_op_kind_t kind;
  /* extract, extend, composite: offsets. Composite allows negative ones
   * (the overlay is clipped), so they are signed. */
  int64_t left, top;
  uint32_t width, height;    /* extract: the window; extend: the output */
  ofl_image_format_t format; /* convert: the output format */
  ofl_image_edge_t edge;     /* extend (ZERO = background), convolve, median */
  double color[4];           /* extend background, in sample units */
  /* threshold, gamma: the value; blur, sharpen: sigma; convert: scale
   * (0 = the default between the two formats' max) */
  double value;
  double a[4], b[4]; /* linear, per channel */
  double amount;     /* sharpen: gain; modulate: brightness */
  double threshold;  /* sharpen: minimum |v - blur| changed, samples */
  double saturation; /* modulate */
  uint32_t radius;   /* box blur */
  uint32_t size;     /* median */
  uint32_t channel;  /* extract channel */
  int alpha;         /* point ops: process the alpha channel too */
  int keep_alpha;    /* grayscale */
  int premultiplied; /* composite: both inputs are premultiplied */
  ofl_image_blend_t blend;
  double opacity; /* composite, 0..1 */
  /* convolve: kw x kh weights, row-major, copied by plan_create. scale 0
   * means the kernel sum, or 1 when that is 0 (as sharp). */
  const float *kernel;
  uint32_t kw, kh;
  double scale, offset;
  const void *table; /* lut: 256 u8 or 65536 u16 entries, copied */
  /* lut on u8 only: table holds channels x 256 entries, channel c's table
   * at 256 * c, applied to every channel (alpha too; `alpha` is ignored).
   * This is what ofl_image_fuse_u8 builds. */
  int per_channel;
  /* sobel: 1-channel source only (OFL_EINVAL otherwise); dst has 2
   * channels, the magnitude then the gradient angle theta = atan2(gy, gx)
   * in (-pi, pi] (gy down the rows, gx along them): f32 stores theta in
   * radians, u8/u16 round((theta + pi) / (2 pi) * (max + 1)) mod (max + 1)
   * (half up), so the full range is one turn and 0 is theta = pi. */
  int direction;
} ofl_image_op_t;

typedef struct ofl_image_op_plan_s ofl_image_op_plan_t;

/* The destination geometry an op implies for src (and other): width,
 * height, channels and format; the caller adds data/len/stride.
 * @return 0, OFL_EINVAL (an op that does not fit the image: bad channel
 * count, format or parameter) or OFL_ERANGE (dimensions). */
int ofl_image_op_dst_shape(const ofl_image_op_t *op, const ofl_image_t *src,
                           const ofl_image_t *other, ofl_image_t *dst);

/* Validates everything (views, shapes, parameters, overlap) and copies
 * what the op needs (kernel, table); the views must outlive the plan.
 * other is read by composite and joinChannels only (NULL otherwise).
 * @return 0, OFL_EINVAL, OFL_ERANGE or OFL_ENOMEM; *out NULL on error. */
int ofl_image_op_plan_create(const ofl_image_op_t *op, const ofl_image_t *src,
                             const ofl_image_t *other, const ofl_image_t *dst,
                             ofl_image_op_plan_t **out);

/* Computes destination rows [y0, y1); same contract as ofl_image_plan_run
 * (concurrent disjoint bands are fine; should_stop before each row).
 * @return 0, the should_stop code, OFL_EINVAL or OFL_ENOMEM (scratch). */
int ofl_image_op_plan_run(const ofl_image_op_plan_t *plan, uint32_t y0,
                          uint32_t y1, int (*should_stop)(void *arg),
                          void *arg);

/* Bytes the plan holds. */
size_t ofl_image_op_plan_size(const ofl_image_op_plan_t *plan);

/* NULL is fine. */
void ofl_image_op_plan_free(ofl_image_op_plan_t *plan);

/* One-shot on the calling thread. @return as create, then run. */
int ofl_image_op(const ofl_image_op_t *op, const ofl_image_t *src,
                 const ofl_image_t *other, const ofl_image_t *dst);

/* @return the op for an exact name ("rotate90", "boxBlur"), or
 * OFL_EUNSUPPORTED; and the reverse (NULL when out of range). */
int ofl_image_op_from_name(const char *name);
const char *ofl_image_op_name(ofl_image_op_kind_t kind);

/* ---- fusing point ops ----
 *
 * On u8 images the per-sample point ops (threshold, negate, linear, gamma,
 * lut) are each one 256-entry table per channel, so a run of them composes
 * into one table per channel: running the composed table (a per_channel
 * lut) gives the same bytes as running the ops one after the other. */

/* @return 1 when op is a per-sample table op on `format` images (so
 * ofl_image_fuse_u8 accepts it), else 0. */
int ofl_image_op_is_table(const ofl_image_op_t *op, ofl_image_format_t format);

/* Composes ops[0..n) (each ofl_image_op_is_table for u8, their parameters
 * valid) for `channels`-channel u8 images into table[256 * c + v], the
 * value sample v of channel c ends as.
 * @return 0, OFL_EINVAL (NULL, n 0, a non-table op, bad channels or
 * parameters), OFL_ERANGE (parameters) or OFL_ENOMEM. */
int ofl_image_fuse_u8(const ofl_image_op_t *ops, size_t n, uint32_t channels,
                      uint8_t *table);

/* ---- statistics: mergeable partials over rows ---- */

typedef struct {
  double min, max, sum, squares_sum;
  uint32_t min_x, min_y, max_x, max_y; /* first occurrence, raster order */
} ofl_image_channel_stats_t;

typedef struct {
  uint64_t pixels;
  uint32_t channels;
  ofl_image_channel_stats_t ch[OFL_IMAGE_MAX_CHANNELS];
} ofl_image_stats_t;

/* Zeroes *st for an image of `channels` channels. */
void ofl_image_stats_init(ofl_image_stats_t *st, uint32_t channels);

/* Adds rows [y0, y1) of src to *st. NaN samples are skipped.
 * @return 0, OFL_EINVAL/OFL_ERANGE (view or range) or the should_stop
 * code. */
int ofl_image_stats_rows(const ofl_image_t *src, uint32_t y0, uint32_t y1,
                         ofl_image_stats_t *st, int (*should_stop)(void *),
                         void *arg);

/* Folds `later` (rows after those of *st) into *st: ties keep the earlier
 * position, so merging bands in order equals one pass. */
void ofl_image_stats_merge(ofl_image_stats_t *st,
                           const ofl_image_stats_t *later);

/* Adds rows [y0, y1) to counts[channel * bins + bin]. A sample v goes to
 * bin floor(v * bins / (max + 1)) for u8/u16 and floor(v * bins) for f32
 * (clamped to [0, 1], NaN skipped). bins 1..65536.
 * @return 0, OFL_EINVAL/OFL_ERANGE or the should_stop code. */
int ofl_image_histogram_rows(const ofl_image_t *src, uint32_t bins, uint32_t y0,
                             uint32_t y1, uint32_t *counts,
                             int (*should_stop)(void *), void *arg);

/* SIMD paths of the 8-bit kernels, chosen at run time. */
#define OFL_IMAGE_SIMD_AVX2 1u
/* resize's 8-bit horizontal pass (3 and 4 channels). */
#define OFL_IMAGE_SIMD_SSE41 2u
/* u8 per-sample tables (threshold, linear, gamma, lut, negate). */
#define OFL_IMAGE_SIMD_AVX512VBMI 4u
/* Testing and benchmarking hook: mask >= 0 restricts the paths to those
 * bits the CPU also has (0 = portable C only); mask < 0 only queries.
 * Process-wide; not for use while kernels run.
 * @return the paths now in use. */
unsigned ofl_image_simd(int mask);

/* Checks a source view (the same checks every op makes).
 * @return 0, OFL_EINVAL or OFL_ERANGE. */
int ofl_image_check(const ofl_image_t *im);

#ifdef __cplusplus
}
#endif
#endif
