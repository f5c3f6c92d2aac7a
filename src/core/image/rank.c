/* Median (3, 5, 7) and Sobel (the magnitude, or with direction the
 * magnitude and angle planes of a 1-channel image). Both read a k x k
 * window per sample from k padded float rows. The 3x3 median is a fixed min/max
 * network applied to whole rows at once (each step is an elementwise min and
 * max, which the compiler vectorises); 5x5 and 7x7 select per sample. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

#define PI 3.14159265358979323846

#define SORT2(a, b)                          \
  do {                                       \
    const float lo_ = (a) < (b) ? (a) : (b); \
    const float hi_ = (a) < (b) ? (b) : (a); \
    (a) = lo_;                               \
    (b) = hi_;                               \
  } while (0)

/* The 19-exchange median-of-9 network. */
static void median9_row(const float *const pad[3], size_t n, uint32_t ch,
                        float *out) {
  for (size_t i = 0; i < n; i++) {
    float v0 = pad[0][i], v1 = pad[0][i + ch], v2 = pad[0][i + 2 * ch];
    float v3 = pad[1][i], v4 = pad[1][i + ch], v5 = pad[1][i + 2 * ch];
    float v6 = pad[2][i], v7 = pad[2][i + ch], v8 = pad[2][i + 2 * ch];
    SORT2(v1, v2);
    SORT2(v4, v5);
    SORT2(v7, v8);
    SORT2(v0, v1);
    SORT2(v3, v4);
    SORT2(v6, v7);
    SORT2(v1, v2);
    SORT2(v4, v5);
    SORT2(v7, v8);
    SORT2(v0, v3);
    SORT2(v5, v8);
    SORT2(v4, v7);
    SORT2(v3, v6);
    SORT2(v1, v4);
    SORT2(v2, v5);
    SORT2(v4, v7);
    SORT2(v4, v2);
    SORT2(v6, v4);
    SORT2(v4, v2);
    out[i] = v4;
  }
}

/* The same network on bytes (pminub/pmaxub once vectorised), over three
 * padded 8-bit rows: exact, and no float conversion. */
#define SORT2U(a, b)                           \
  do {                                         \
    const uint8_t lo_ = (a) < (b) ? (a) : (b); \
    const uint8_t hi_ = (a) < (b) ? (b) : (a); \
    (a) = lo_;                                 \
    (b) = hi_;                                 \
  } while (0)

static void median9_u8(const uint8_t *restrict p0, const uint8_t *restrict p1,
                       const uint8_t *restrict p2, size_t n, uint32_t ch,
                       uint8_t *restrict out) {
  for (size_t i = 0; i < n; i++) {
    uint8_t v0 = p0[i], v1 = p0[i + ch], v2 = p0[i + 2 * ch];
    uint8_t v3 = p1[i], v4 = p1[i + ch], v5 = p1[i + 2 * ch];
    uint8_t v6 = p2[i], v7 = p2[i + ch], v8 = p2[i + 2 * ch];
    SORT2U(v1, v2);
    SORT2U(v4, v5);
    SORT2U(v7, v8);
    SORT2U(v0, v1);
    SORT2U(v3, v4);
    SORT2U(v6, v7);
    SORT2U(v1, v2);
    SORT2U(v4, v5);
    SORT2U(v7, v8);
    SORT2U(v0, v3);
    SORT2U(v5, v8);
    SORT2U(v4, v7);
    SORT2U(v3, v6);
    SORT2U(v1, v4);
    SORT2U(v2, v5);
    SORT2U(v4, v7);
    SORT2U(v4, v2);
    SORT2U(v6, v4);
    SORT2U(v4, v2);
    out[i] = v4;
  }
}

static int median3_u8_run(const ofl_image_op_plan_t *p, uint32_t y0,
                          uint32_t y1, ofl__stop_fn stop, void *arg) {
  const ofl_image_t *s = &p->src;
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch, plen = ((size_t)w + 2) * ch;
  const ofl_image_edge_t e = p->op.edge;
  uint8_t *buf = malloc(plen * 3);
  if (buf == NULL) return OFL_ENOMEM;
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    for (uint32_t j = 0; j < 3; j++) {
      uint8_t *pad = buf + plen * j;
      const int64_t sy = ofl__edge((int64_t)y + j - 1, s->height, e);
      if (sy < 0) {
        memset(pad, 0, plen);
        continue;
      }
      const uint8_t *r = ofl__row(s, (uint32_t)sy);
      memcpy(pad + ch, r, n);
      const int64_t l = ofl__edge(-1, w, e), rr = ofl__edge(w, w, e);
      for (uint32_t c = 0; c < ch; c++) {
        pad[c] = l < 0 ? 0 : r[(size_t)l * ch + c];
        pad[(size_t)(w + 1) * ch + c] = rr < 0 ? 0 : r[(size_t)rr * ch + c];
      }
    }
    median9_u8(buf, buf + plen, buf + 2 * plen, n, ch, ofl__row(&p->dst, y));
  }
  free(buf);
  return err;
}

/* Median of m values (m odd, <= 49) by insertion sort. */
static float median_n(float *v, uint32_t m) {
  for (uint32_t i = 1; i < m; i++) {
    const float x = v[i];
    uint32_t j = i;
    while (j > 0 && v[j - 1] > x) v[j] = v[j - 1], j--;
    v[j] = x;
  }
  return v[m / 2];
}

int ofl__rank_run(const ofl_image_op_plan_t *p, uint32_t y0, uint32_t y1,
                  ofl__stop_fn stop, void *arg) {
  const ofl_image_t *s = &p->src;
  if (p->op.kind == OFL_IMAGE_OP_MEDIAN && p->op.size == 3 &&
      s->format == OFL_IMAGE_U8)
    return median3_u8_run(p, y0, y1, stop, arg);
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch;
  const int sobel = p->op.kind == OFL_IMAGE_OP_SOBEL;
  const uint32_t k = sobel ? 3 : p->op.size, r = k / 2;
  const ofl_image_edge_t e = sobel ? OFL_IMAGE_EDGE_CLAMP : p->op.edge;
  const size_t plen = ((size_t)w + 2 * r) * ch;
  /* sobel with direction writes two planes per source sample. */
  const int dir = sobel && p->op.direction;
  float *buf = malloc((plen * k + (dir ? 3 : 2) * n) * sizeof(float));
  if (buf == NULL) return OFL_ENOMEM;
  float *row = buf + plen * k, *out = row + n;
  /* The angle code of u8/u16: (max + 1) steps per turn. */
  const double turn = s->format == OFL_IMAGE_F32 ? 0 : ofl__fmax(s->format) + 1;
  float *pad[7];
  for (uint32_t j = 0; j < k; j++) pad[j] = buf + plen * j;
  int err = 0;
  for (uint32_t y = y0; y < y1; y++) {
    if (stop != NULL && (err = stop(arg)) != 0) break;
    for (uint32_t j = 0; j < k; j++) {
      const int64_t sy = ofl__edge((int64_t)y + j - r, s->height, e);
      if (sy < 0) {
        memset(pad[j], 0, plen * sizeof(float));
        continue;
      }
      ofl__load_row(s, (uint32_t)sy, row);
      memcpy(pad[j] + (size_t)r * ch, row, n * sizeof(float));
      for (int64_t x = -(int64_t)r; x < (int64_t)w + r; x++) {
        if (x == 0) x = w;
        if (x >= (int64_t)w + r) break;
        const int64_t sx = ofl__edge(x, w, e);
        for (uint32_t c = 0; c < ch; c++)
          pad[j][(size_t)(x + r) * ch + c] =
              sx < 0 ? 0.0f : row[(size_t)sx * ch + c];
      }
    }
    if (sobel) {
      const float *a = pad[0], *b = pad[1], *c = pad[2];
      const size_t d1 = ch, d2 = 2 * (size_t)ch;
      for (size_t i = 0; i < n; i++) {
        const float gx =
            (a[i + d2] + 2 * b[i + d2] + c[i + d2]) - (a[i] + 2 * b[i] + c[i]);
        const float gy = (c[i] + 2 * c[i + d1] + c[i + d2]) -
                         (a[i] + 2 * a[i + d1] + a[i + d2]);
        const float mag = sqrtf(gx * gx + gy * gy);
        if (!dir) {
          out[i] = mag;
          continue;
        }
        /* -0 would turn atan2(-0, x < 0) into -pi, outside (-pi, pi]. */
        const double th = atan2(gy == 0.0f ? 0.0 : (double)gy, (double)gx);
        out[2 * i] = mag;
        if (turn == 0) {
          out[2 * i + 1] = (float)th;
        } else {
          const double q = floor((th + PI) / (2 * PI) * turn + 0.5);
          out[2 * i + 1] = (float)(q >= turn ? q - turn : q);
        }
      }
    } else if (k == 3) {
      median9_row((const float *const *)pad, n, ch, out);
    } else {
      float win[49];
      for (size_t i = 0; i < n; i++) {
        uint32_t m = 0;
        for (uint32_t j = 0; j < k; j++)
          for (uint32_t q = 0; q < k; q++)
            win[m++] = pad[j][i + (size_t)q * ch];
        out[i] = median_n(win, m);
      }
    }
    ofl__store_row(&p->dst, y, out);
  }
  free(buf);
  return err;
}
