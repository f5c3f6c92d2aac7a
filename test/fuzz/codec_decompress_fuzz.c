/* One-shot decompression of arbitrary bytes: codec from byte 0, cap from
 * byte 1. Must never crash; success must respect the cap. */
#include <stdint.h>
#include <stdlib.h>

#include "ofl_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ofl_codec_opts_t o;
  ofl_codec_output_t out;
  ofl_codec_id_t c;
  int r;
  if (size < 2) return 0;
  c = (ofl_codec_id_t)(data[0] % 7 + 1);
  ofl_codec_opts_init(&o);
  o.max_output = data[1] == 255 ? SIZE_MAX : (size_t)data[1] * 4099u;
  r = ofl_codec_decompress(c, &o, data + 2, size - 2, &out);
  if (r == 0) {
    if (out.len > o.max_output || out.len > out.cap) abort();
    ofl_codec_free_output(&out);
  } else if (out.ptr != NULL || r >= 0) {
    abort();
  }
  return 0;
}
