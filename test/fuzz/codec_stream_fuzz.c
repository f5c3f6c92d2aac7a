/* Streaming decompression with input/output buffer sizes drawn from the
 * data; the result must equal one-shot decompression. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ofl_codec_opts_t o;
  ofl_codec_output_t ref;
  ofl_codec_stream_t *s;
  ofl_codec_id_t c;
  uint8_t *acc;
  size_t acc_len = 0, ip = 0, isz, osz;
  int r, rref;
  if (size < 4) return 0;
  c = (ofl_codec_id_t)(data[0] % 7 + 1);
  isz = (size_t)data[1] % 97 + 1;
  osz = (size_t)data[2] % 131 + 1;
  ofl_codec_opts_init(&o);
  o.max_output = (size_t)data[3] * 1031u;
  data += 4;
  size -= 4;
  rref = ofl_codec_decompress(c, &o, data, size, &ref);
  if (ofl_codec_stream_create(OFL_CODEC_DECOMPRESS, c, &o, &s) != 0) abort();
  acc = malloc(o.max_output + 1);
  if (acc == NULL) abort();
  for (;;) {
    size_t n = size - ip < isz ? size - ip : isz;
    ofl_codec_in_t in = {data + ip, n, 0};
    ofl_codec_directive_t d = ip + n == size ? OFL_CODEC_END : OFL_CODEC_CONTINUE;
    do {
      uint8_t buf[131];
      ofl_codec_out_t out = {buf, osz, 0};
      r = ofl_codec_stream_process(s, &in, &out, d);
      if (acc_len + out.pos > o.max_output + 1) abort();
      memcpy(acc + acc_len, buf, out.pos);
      acc_len += out.pos;
    } while (r > 0);
    ip += in.pos;
    if (r < 0 || d == OFL_CODEC_END) break;
    if (in.pos != n) abort();
  }
  if ((r == 0) != (rref == 0)) abort();
  if (r == 0) {
    if (acc_len != ref.len || (acc_len && memcmp(acc, ref.ptr, acc_len))) abort();
    ofl_codec_free_output(&ref);
  }
  free(acc);
  ofl_codec_stream_free(s);
  return 0;
}
