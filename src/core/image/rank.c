/* Median (3, 5, 7) and Sobel. Both read a k x k window per sample from k
 * padded float rows. The 3x3 median is a fixed min/max network applied to
 * whole rows at once (each step is an elementwise min and max, which the
 * compiler vectorises); 5x5 and 7x7 select per sample. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

#define SORT2(a, b)                     \
  do {                                  \
    const float lo_ = (a) < (b) ? (a) : (b); \
    const float hi_ = (a) < (b) ? (b) : (a); \
    (a) = lo_;                          \
    (b) = hi_;                          \
  } while (0)

/* The 19-exchange median-of-9 network. */
static void median9_row(const float *const pad[3], size_t n, uint32_t ch,
                        float *out) {
  for (size_t i = 0; i < n; i++) {
    float v0 = pad[0][i], v1 = pad[0][i + ch], v2 = pad[0][i + 2 * ch];
    float v3 = pad[1][i], v4 = pad[1][i + ch], v5 = pad[1][i + 2 * ch];
    float v6 = pad[2][i], v7 = pad[2][i + ch], v8 = pad[2][i + 2 * ch];
    SORT2(v1, v2); SORT2(v4, v5); SORT2(v7, v8);
    SORT2(v0, v1); SORT2(v3, v4); SORT2(v6, v7);
    SORT2(v1, v2); SORT2(v4, v5); SORT2(v7, v8);
    SORT2(v0, v3); SORT2(v5, v8); SORT2(v4, v7);
    SORT2(v3, v6); SORT2(v1, v4); SORT2(v2, v5);
    SORT2(v4, v7); SORT2(v4, v2); SORT2(v6, v4);
    SORT2(v4, v2);
    out[i] = v4;
  }
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
  const uint32_t w = s->width, ch = s->channels;
  const size_t n = (size_t)w * ch;
  const int sobel = p->op.kind == OFL_IMAGE_OP_SOBEL;
  const uint32_t k = sobel ? 3 : p->op.size, r = k / 2;
  const ofl_image_edge_t e = sobel ? OFL_IMAGE_EDGE_CLAMP : p->op.edge;
  const size_t plen = ((size_t)w + 2 * r) * ch;
  float *buf = malloc((plen * k + 2 * n) * sizeof(float));
  if (buf == NULL) return OFL_ENOMEM;
  float *row = buf + plen * k, *out = row + n;
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
        const float gx = (a[i + d2] + 2 * b[i + d2] + c[i + d2]) -
                         (a[i] + 2 * b[i] + c[i]);
        const float gy = (c[i] + 2 * c[i + d1] + c[i + d2]) -
                         (a[i] + 2 * a[i + d1] + a[i + d2]);
        out[i] = sqrtf(gx * gx + gy * gy);
      }
    } else if (k == 3) {
      median9_row((const float *const *)pad, n, ch, out);
    } else {
      float win[49];
      for (size_t i = 0; i < n; i++) {
        uint32_t m = 0;
        for (uint32_t j = 0; j < k; j++)
          for (uint32_t q = 0; q < k; q++) win[m++] = pad[j][i + (size_t)q * ch];
        out[i] = median_n(win, m);
      }
    }
    ofl__store_row(&p->dst, y, out);
  }
  free(buf);
  return err;
}
