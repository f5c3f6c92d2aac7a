/* Log-linear latency histogram (internal). Buckets are powers of two of
 * microseconds, each split in 8, so a percentile is within ~12.5%. Not
 * threadsafe: the executor updates it under its mutex. */
#ifndef OFL_HISTOGRAM_H
#define OFL_HISTOGRAM_H

#include <stdint.h>

#include "ofl_executor.h"

#define OFL__HIST_SUB 8
#define OFL__HIST_BUCKETS (40 * OFL__HIST_SUB)

/* Besides the log-linear buckets, counts per fixed public bucket
 * (OFL_EXECUTOR_BUCKETS bounds, then +Inf; not cumulative here) and the
 * sum, for metrics libraries. */
typedef struct {
  uint64_t counts[OFL__HIST_BUCKETS];
  uint64_t fixed[OFL_EXECUTOR_BUCKETS + 1];
  uint64_t total;
  uint64_t sum_ns;
  uint64_t max_ns;
} ofl__hist_t;

void ofl__hist_record(ofl__hist_t *h, uint64_t ns);
/* @return the q-quantile (0..1) in milliseconds; 0 when empty. */
double ofl__hist_quantile_ms(const ofl__hist_t *h, double q);
/* Fills out with the cumulative fixed buckets, count and sum. */
void ofl__hist_buckets(const ofl__hist_t *h, ofl_histogram_t *out);

#endif
