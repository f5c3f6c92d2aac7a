/* Module entry: context-aware (safe in any number of worker_threads). */
#include "napi_env.h"
#include "napi_modules.h"

NAPI_MODULE_INIT() {
  if (ofl_env_init(env) != napi_ok) {
    ofl_napi_throw(env, "ERR_OFFLOAD_INTERNAL", "offload: env init failed");
    return NULL;
  }
  if (ofl_napi_init_executor(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_hash(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_breaker(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_codec(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_image(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_password(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_image_ops(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_image_pipeline(env, exports) != napi_ok) return NULL;
  if (ofl_napi_init_pool(env, exports) != napi_ok) return NULL;
  return exports;
}
