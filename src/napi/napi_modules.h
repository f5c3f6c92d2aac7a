/* One init function per binding file; addon.c calls each in turn. */
#ifndef OFL_NAPI_MODULES_H
#define OFL_NAPI_MODULES_H

#include "napi_util.h"

napi_status ofl_napi_init_executor(napi_env env, napi_value exports);
napi_status ofl_napi_init_hash(napi_env env, napi_value exports);
napi_status ofl_napi_init_breaker(napi_env env, napi_value exports);
napi_status ofl_napi_init_codec(napi_env env, napi_value exports);
napi_status ofl_napi_init_image(napi_env env, napi_value exports);
napi_status ofl_napi_init_password(napi_env env, napi_value exports);
napi_status ofl_napi_init_image_ops(napi_env env, napi_value exports);
napi_status ofl_napi_init_image_pipeline(napi_env env, napi_value exports);
napi_status ofl_napi_init_pool(napi_env env, napi_value exports);

#endif
