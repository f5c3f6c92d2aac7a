/* offload core: the one error table.
 *
 * Every fallible core function returns 0 (or a size) on success and a
 * negative OFL_E* value on failure. The table below generates the enum,
 * ofl_err_name() (the stable JS `code`) and ofl_strerror().
 * Numbers are pinned: never renumber, only append.
 */
#ifndef OFL_ERRORS_H
#define OFL_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, js_code, message) */
#define OFL_ERRNO_MAP(X)                                                   \
  X(EINVAL, -1, "ERR_INVALID_ARG_VALUE", "invalid argument")               \
  X(ERANGE, -2, "ERR_OUT_OF_RANGE", "value out of range")                  \
  X(ENOMEM, -3, "ERR_OFFLOAD_NO_MEMORY", "out of memory")                  \
  X(ETOOBIG, -4, "ERR_BUFFER_TOO_LARGE", "output exceeds maxOutputLength") \
  X(ECORRUPT, -5, "ERR_OFFLOAD_CORRUPT_DATA", "corrupt or truncated data") \
  X(EQUEUEFULL, -6, "ERR_OFFLOAD_QUEUE_FULL", "executor queue is full")    \
  X(ECLOSED, -7, "ERR_OFFLOAD_CLOSED", "executor or object is closed")     \
  X(ETIMEDOUT, -8, "ERR_OFFLOAD_TASK_TIMEOUT", "task deadline exceeded")   \
  X(ECANCELED, -9, "ABORT_ERR", "the operation was aborted")               \
  X(ECIRCUITOPEN, -10, "CIRCUIT_OPEN", "Breaker is open")                  \
  X(EUNSUPPORTED, -11, "ERR_INVALID_ARG_VALUE", "unsupported algorithm")   \
  X(EIO, -12, "ERR_OFFLOAD_IO", "I/O error")                               \
  X(EINTERNAL, -13, "ERR_OFFLOAD_INTERNAL", "internal error")              \
  X(ESEMLOCKED, -14, "ESEMLOCKED", "Breaker capacity is exhausted")        \
  X(EBUSY, -15, "ERR_OFFLOAD_BUSY", "an operation is already in flight")   \
  X(EWINDOW, -16, "ERR_OFFLOAD_WINDOW_TOO_LARGE",                          \
    "the frame's window exceeds the decoder's limit")

typedef enum {
  OFL_OK = 0,
#define OFL__ERR_ENUM(name, value, code, msg) OFL_##name = (value),
  OFL_ERRNO_MAP(OFL__ERR_ENUM)
#undef OFL__ERR_ENUM
      OFL_ERR_MIN = -16
} ofl_err_t;

/* @return the stable JS error code for err ("ERR_..."), or
 * "ERR_OFFLOAD_INTERNAL" for an unknown value. Never NULL. */
const char *ofl_err_name(int err);

/* @return a short human-readable message for err. Never NULL. */
const char *ofl_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
