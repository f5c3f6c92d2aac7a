#include "breaker_impl.h"

void ofl_breaker_opts_init(ofl_breaker_opts_t *o) {
  if (o == NULL) return;
  memset(o, 0, sizeof(*o));
  o->error_threshold_percentage = 50;
  o->rolling_count_timeout_ms = 10000;
  o->rolling_count_buckets = 10;
  o->volume_threshold = 0;
  o->failure_threshold = 0;
  o->reset_timeout_ms = 30000;
  o->half_open_max_concurrent = 1;
  o->success_threshold = 1;
  o->capacity = 0;
  o->call_timeout_ms = 0;
  o->warm_up_ms = 0;
}

int ofl_breaker_opts_validate(const ofl_breaker_opts_t *o) {
  if (o == NULL) return OFL_EINVAL;
  if (o->error_threshold_percentage > 100) return OFL_ERANGE;
  if (o->rolling_count_timeout_ms == 0) return OFL_ERANGE;
  if (o->rolling_count_buckets == 0 ||
      o->rolling_count_buckets > OFL__MAX_BUCKETS)
    return OFL_ERANGE;
  if (o->rolling_count_timeout_ms % o->rolling_count_buckets != 0)
    return OFL_EINVAL;
  if (o->half_open_max_concurrent == 0 ||
      o->half_open_max_concurrent > INT32_MAX)
    return OFL_ERANGE;
  if (o->success_threshold == 0) return OFL_ERANGE;
  if (o->capacity > INT32_MAX) return OFL_ERANGE;
  return 0;
}

int ofl__breaker_opts_resolve(const ofl_breaker_opts_t *opts,
                              ofl_breaker_opts_t *out) {
  if (opts == NULL)
    ofl_breaker_opts_init(out);
  else
    *out = *opts;
  return ofl_breaker_opts_validate(out);
}

int ofl__breaker_opts_equal(const ofl_breaker_opts_t *a,
                            const ofl_breaker_opts_t *b) {
  return a->error_threshold_percentage == b->error_threshold_percentage &&
         a->rolling_count_timeout_ms == b->rolling_count_timeout_ms &&
         a->rolling_count_buckets == b->rolling_count_buckets &&
         a->volume_threshold == b->volume_threshold &&
         a->failure_threshold == b->failure_threshold &&
         a->reset_timeout_ms == b->reset_timeout_ms &&
         a->half_open_max_concurrent == b->half_open_max_concurrent &&
         a->success_threshold == b->success_threshold &&
         a->capacity == b->capacity &&
         a->call_timeout_ms == b->call_timeout_ms &&
         a->warm_up_ms == b->warm_up_ms;
}
