/* Statistics and histograms over bands of rows. Partials are plain
 * structs (stats) or counters (histogram) that merge in band order, so a
 * split run equals one pass exactly: sums are doubles of integer samples
 * (exact below 2^53) and positions keep the first occurrence. */
#include <math.h>
#include <string.h>

#include "image_impl.h"
#include "ofl_errors.h"

void ofl_image_stats_init(ofl_image_stats_t *st, uint32_t channels) {
  memset(st, 0, sizeof(*st));
  st->channels = channels;
  for (uint32_t c = 0; c < OFL_IMAGE_MAX_CHANNELS; c++) {
    st->ch[c].min = INFINITY;
    st->ch[c].max = -INFINITY;
  }
}

static int check_rows(const ofl_image_t *src, uint32_t y0, uint32_t y1,
                      ofl_image_t *r) {
  const int err = ofl__resolve(src, r);
  if (err != 0) return err;
  return y0 > y1 || y1 > r->height ? OFL_EINVAL : 0;
}

/* 8-bit rows: 48 lanes (a multiple of every channel count) of integer
 * sums, squares, minima and maxima, which the compiler vectorises; lane j
 * belongs to channel j % channels. A row that improves a minimum or
 * maximum is scanned once more for its first position. */
#define LANES 48

static void stats_row_u8(const uint8_t *r, uint32_t w, uint32_t ch, uint32_t y,
                         ofl_image_stats_t *st) {
  const size_t n = (size_t)w * ch, full = n - n % LANES;
  uint32_t sum[LANES] = {0}, sq[LANES] = {0};
  uint8_t mn[LANES], mx[LANES];
  memset(mn, 255, sizeof(mn));
  memset(mx, 0, sizeof(mx));
  for (size_t i = 0; i < full; i += LANES)
    for (int j = 0; j < LANES; j++) {
      const uint8_t v = r[i + j];
      sum[j] += v;
      sq[j] += (uint32_t)v * v;
      mn[j] = v < mn[j] ? v : mn[j];
      mx[j] = v > mx[j] ? v : mx[j];
    }
  double csum[4] = {0}, csq[4] = {0};
  int cmn[4] = {256, 256, 256, 256}, cmx[4] = {-1, -1, -1, -1};
  if (full > 0)
    for (int j = 0; j < LANES; j++) {
      const uint32_t c = (uint32_t)j % ch;
      csum[c] += sum[j];
      csq[c] += sq[j];
      if (mn[j] < cmn[c]) cmn[c] = mn[j];
      if (mx[j] > cmx[c]) cmx[c] = mx[j];
    }
  for (size_t i = full; i < n; i++) {
    const uint32_t c = (uint32_t)(i % ch);
    const int v = r[i];
    csum[c] += v;
    csq[c] += (double)v * v;
    if (v < cmn[c]) cmn[c] = v;
    if (v > cmx[c]) cmx[c] = v;
  }
  for (uint32_t c = 0; c < ch; c++) {
    ofl_image_channel_stats_t *cs = &st->ch[c];
    cs->sum += csum[c];
    cs->squares_sum += csq[c];
    if (cmn[c] < cs->min) {
      uint32_t x = 0;
      while (r[(size_t)x * ch + c] != cmn[c]) x++;
      cs->min = cmn[c], cs->min_x = x, cs->min_y = y;
    }
    if (cmx[c] > cs->max) {
      uint32_t x = 0;
      while (r[(size_t)x * ch + c] != cmx[c]) x++;
      cs->max = cmx[c], cs->max_x = x, cs->max_y = y;
    }
  }
  st->pixels += w;
}

int ofl_image_stats_rows(const ofl_image_t *src, uint32_t y0, uint32_t y1,
                         ofl_image_stats_t *st, int (*should_stop)(void *),
                         void *arg) {
  ofl_image_t s;
  int err = check_rows(src, y0, y1, &s);
  if (err != 0 || st == NULL) return err != 0 ? err : OFL_EINVAL;
  const uint32_t w = s.width, ch = s.channels;
  for (uint32_t y = y0; y < y1; y++) {
    if (should_stop != NULL && (err = should_stop(arg)) != 0) return err;
    const uint8_t *r = ofl__row(&s, y);
    if (s.format == OFL_IMAGE_U8) {
      stats_row_u8(r, w, ch, y, st);
      continue;
    }
    for (uint32_t c = 0; c < ch; c++) {
      ofl_image_channel_stats_t *cs = &st->ch[c];
      double sum = 0, sq = 0, mn = cs->min, mx = cs->max;
      uint32_t mnx = UINT32_MAX, mxx = UINT32_MAX;
      for (uint32_t x = 0; x < w; x++) {
        const size_t i = (size_t)x * ch + c;
        const double v = s.format == OFL_IMAGE_U8    ? r[i]
                         : s.format == OFL_IMAGE_U16 ? ((const uint16_t *)r)[i]
                                                     : ((const float *)r)[i];
        if (v != v) continue; /* NaN */
        sum += v;
        sq += v * v;
        if (v < mn) mn = v, mnx = x;
        if (v > mx) mx = v, mxx = x;
      }
      cs->sum += sum;
      cs->squares_sum += sq;
      if (mnx != UINT32_MAX) cs->min = mn, cs->min_x = mnx, cs->min_y = y;
      if (mxx != UINT32_MAX) cs->max = mx, cs->max_x = mxx, cs->max_y = y;
    }
    st->pixels += w;
  }
  return 0;
}

void ofl_image_stats_merge(ofl_image_stats_t *st,
                           const ofl_image_stats_t *later) {
  for (uint32_t c = 0; c < st->channels; c++) {
    ofl_image_channel_stats_t *a = &st->ch[c];
    const ofl_image_channel_stats_t *b = &later->ch[c];
    a->sum += b->sum;
    a->squares_sum += b->squares_sum;
    if (b->min < a->min)
      a->min = b->min, a->min_x = b->min_x, a->min_y = b->min_y;
    if (b->max > a->max)
      a->max = b->max, a->max_x = b->max_x, a->max_y = b->max_y;
  }
  st->pixels += later->pixels;
}

int ofl_image_histogram_rows(const ofl_image_t *src, uint32_t bins, uint32_t y0,
                             uint32_t y1, uint32_t *counts,
                             int (*should_stop)(void *), void *arg) {
  ofl_image_t s;
  int err = check_rows(src, y0, y1, &s);
  if (err != 0) return err;
  if (counts == NULL || bins < 1 || bins > 65536) return OFL_EINVAL;
  const uint32_t w = s.width, ch = s.channels;
  const size_t n = (size_t)w * ch;
  for (uint32_t y = y0; y < y1; y++) {
    if (should_stop != NULL && (err = should_stop(arg)) != 0) return err;
    const uint8_t *r = ofl__row(&s, y);
    if (s.format == OFL_IMAGE_U8 && bins == 256) {
      /* The common case: the value is the bin; no division, no modulo. */
      for (uint32_t x = 0; x < w; x++)
        for (uint32_t c = 0; c < ch; c++)
          counts[(size_t)c * 256 + r[(size_t)x * ch + c]]++;
    } else if (s.format == OFL_IMAGE_U8) {
      for (size_t i = 0; i < n; i++)
        counts[(size_t)(i % ch) * bins + r[i] * bins / 256]++;
    } else if (s.format == OFL_IMAGE_U16) {
      const uint16_t *r16 = (const uint16_t *)r;
      for (size_t i = 0; i < n; i++)
        counts[(size_t)(i % ch) * bins +
               (uint32_t)((uint64_t)r16[i] * bins / 65536)]++;
    } else {
      const float *rf = (const float *)r;
      for (size_t i = 0; i < n; i++) {
        const float v = rf[i];
        if (v != v) continue;
        uint32_t b = v <= 0.0f   ? 0
                     : v >= 1.0f ? bins - 1
                                 : (uint32_t)(v * bins);
        if (b >= bins) b = bins - 1;
        counts[(size_t)(i % ch) * bins + b]++;
      }
    }
  }
  return 0;
}
