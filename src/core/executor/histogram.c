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

/* The public bounds in ns, integers so that `le` is exact; fixed_ms below
 * and the list in ofl_executor.h are the same values. */
static const uint64_t fixed_ns[OFL_EXECUTOR_BUCKETS] = {
    10000,      25000,      50000,      100000,     250000,
    500000,     1000000,    2500000,    5000000,    10000000,
    25000000,   50000000,   100000000,  250000000,  500000000,
    1000000000, 2500000000, 5000000000, 10000000000};

static const double fixed_ms[OFL_EXECUTOR_BUCKETS] = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,    2.5,  5,    10,
    25,   50,    100,  250, 500,  1000, 2500, 5000, 10000};

size_t ofl_executor_buckets(const double **bounds_ms) {
  if (bounds_ms != NULL) *bounds_ms = fixed_ms;
  return OFL_EXECUTOR_BUCKETS;
}

static int fixed_of(uint64_t ns) {
  /* 19 bounds: a linear scan under the mutex is cheaper than it reads. */
  int b = 0;
  while (b < OFL_EXECUTOR_BUCKETS && ns > fixed_ns[b]) b++;
  return b;
}

void ofl__hist_record(ofl__hist_t *h, uint64_t ns) {
  h->counts[bucket_of(ns / 1000)]++;
  h->fixed[fixed_of(ns)]++;
  h->total++;
  /* Wraps after 584 years of summed task time. */
  h->sum_ns += ns;
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

void ofl__hist_buckets(const ofl__hist_t *h, ofl_histogram_t *out) {
  uint64_t seen = 0;
  for (int b = 0; b < OFL_EXECUTOR_BUCKETS; b++) {
    seen += h->fixed[b];
    out->le[b] = seen;
  }
  out->count = h->total;
  out->sum_ms = (double)h->sum_ns / 1e6;
}
