#include "ofl_errors.h"

const char *ofl_err_name(int err) {
  switch (err) {
#define OFL__ERR_NAME(name, value, code, msg) \
  case value:                                 \
    return code;
    OFL_ERRNO_MAP(OFL__ERR_NAME)
#undef OFL__ERR_NAME
    default:
      return "ERR_OFFLOAD_INTERNAL";
  }
}

const char *ofl_strerror(int err) {
  switch (err) {
#define OFL__ERR_MSG(name, value, code, msg) \
  case value:                                \
    return msg;
    OFL_ERRNO_MAP(OFL__ERR_MSG)
#undef OFL__ERR_MSG
    case 0:
      return "success";
    default:
      return "unknown error";
  }
}
