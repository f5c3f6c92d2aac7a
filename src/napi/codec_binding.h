/* Helpers shared by the one-shot and stream codec bindings. */
#ifndef OFL_CODEC_BINDING_H
#define OFL_CODEC_BINDING_H

#include "napi_util.h"
#include "ofl_codec.h"

/* Reads the option block every codec entry point starts with:
 * argv[0] codec id, argv[1] level (int32; INT_MIN = default),
 * argv[2] flags (bit 0 checksum, bits 8+ zstd workers), argv[3] dictionary
 * (bytes or undefined), argv[4] maxOutputLength (double; < 0 = none).
 * opts->dict points into dict->backing, which the caller pins when the work
 * outlives the call.
 * @return 0, or a negative OFL_E* after throwing a coded error. */
int ofl_codec_read_opts(napi_env env, const napi_value *argv,
                        ofl_codec_id_t *codec, ofl_codec_opts_t *opts,
                        ofl_bytes_t *dict);

/* The arguments every mode-taking entry point starts with:
 * (mode, <the option block above>, bytes, ...more). */
typedef struct {
  uint32_t mode;
  ofl_codec_id_t codec;
  ofl_codec_opts_t opts;
  ofl_bytes_t dict;
  ofl_bytes_t data; /* argv[6] */
} ofl_codec_call_t;

/* Reads `want` (>= 7) arguments into argv and the leading ones into *call.
 * @return 0, or a negative OFL_E* after throwing a coded error. */
int ofl_codec_read_call(napi_env env, napi_callback_info info, size_t want,
                        napi_value *argv, const char *data_name,
                        ofl_codec_call_t *call);

/* Hands a codec-allocated output to JS as a Buffer: zero-copy through an
 * external buffer (native memory reported to V8), or a copy where
 * external buffers are not allowed. *out is consumed (zeroed) either way. */
napi_status ofl_codec_output_to_buffer(napi_env env, ofl_codec_output_t *out,
                                       napi_value *result);

/* A V8 Buffer of size bytes (uninitialised) in *buf, its bytes in *data.
 * @return 0, or -1 (nothing pending) when V8 refuses: allocate natively. */
int ofl_codec_v8_buffer(napi_env env, size_t size, uint8_t **data,
                        napi_value *buf);

/* out = a malloc'd copy of src[0..n). @return 0 or OFL_ENOMEM. */
int ofl_codec_output_copy(ofl_codec_output_t *out, const uint8_t *src,
                          size_t n);

/* An output that fills at least 3/4 of the V8 buffer it was written into
 * (sized by a bound) is handed back as a view of it; a smaller one is
 * copied out rather than pinning the whole bound. */
int ofl_codec_worth_a_view(size_t n, size_t size);

/* buf[0..n) as a Buffer: buf itself when n == size, else
 * buf.subarray(0, n). */
napi_status ofl_codec_view(napi_env env, napi_value buf, size_t n, size_t size,
                           napi_value *out);

napi_status ofl_napi_init_codec_stream(napi_env env, napi_value exports);
napi_status ofl_napi_init_codec_parallel(napi_env env, napi_value exports);
napi_status ofl_napi_init_codec_frames(napi_env env, napi_value exports);

#endif
