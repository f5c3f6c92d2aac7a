/* Parallel gzip/deflate (pigz-style) as a job group. */
#include "codec_binding.h"

napi_status ofl_napi_init_codec_parallel(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}
