#include "histogram.h"

static int bucket_of(uint64_t us) {
  if (us < OFL__HIST_SUB) return (int)us;
  int msb = 63 - __builtin_clzll(us); /* >= 3 */
  int sub = (int)((us >> (msb - 3)) & (OFL__HIST_SUB - 1));
  int b = (msb - 2) * OFL__HIST_SUB + sub;
  return b < OFL__HIST_BUCKETS ? b : OFL__HIST_BUCKETS - 1;
}

/* Upper edge of bucket b in microseconds: reporting the upper edge keeps
 * percentiles conservative. */
static uint64_t bucket_upper_us(int b) {
  if (b < OFL__HIST_SUB) return (uint64_t)b + 1;
  int msb = b / OFL__HIST_SUB + 2;
  uint64_t sub = (uint64_t)(b % OFL__HIST_SUB);
  return ((OFL__HIST_SUB + sub + 1) << (msb - 3));
}

void ofl__hist_record(ofl__hist_t *h, uint64_t ns) {
  h->counts[bucket_of(ns / 1000)]++;
  h->total++;
  if (ns > h->max_ns) h->max_ns = ns;
}

double ofl__hist_quantile_ms(const ofl__hist_t *h, double q) {
  if (h->total == 0) return 0.0;
  uint64_t rank = (uint64_t)(q * (double)h->total);
  if (rank >= h->total) rank = h->total - 1;
  uint64_t seen = 0;
  for (int b = 0; b < OFL__HIST_BUCKETS; b++) {
    seen += h->counts[b];
    if (seen > rank) {
      double ms = (double)bucket_upper_us(b) / 1000.0;
      double max_ms = (double)h->max_ns / 1e6;
      return ms < max_ms ? ms : max_ms;
    }
  }
  return (double)h->max_ns / 1e6;
}
