/* Compress (one-shot and streaming with data-driven chunking/flushes),
 * then decompress: must give the input back, deterministically. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofl_codec.h"

static void check_decode(ofl_codec_id_t c, const uint8_t *z, size_t zn,
                         const uint8_t *in, size_t n) {
  ofl_codec_output_t back;
  if (ofl_codec_decompress(c, NULL, z, zn, &back) != 0) abort();
  if (back.len != n || (n && memcmp(back.ptr, in, n))) abort();
  ofl_codec_free_output(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int levels[7][2] = {{0, 0}, {0, 9}, {0, 9}, {0, 9}, {0, 4}, {-3, 9}, {0, 12}};
  ofl_codec_opts_t o;
  ofl_codec_output_t z, z2;
  ofl_codec_stream_t *s;
  ofl_codec_id_t c;
  uint8_t *buf;
  size_t cap, zn = 0, ip = 0, step;
  int lo, hi, r;
  if (size < 3) return 0;
  c = (ofl_codec_id_t)(data[0] % 6 + 1);
  lo = levels[c][0];
  hi = levels[c][1];
  ofl_codec_opts_init(&o);
  o.level = lo + data[1] % (hi - lo + 1);
  o.checksum = data[2] & 1;
  step = (size_t)(data[2] >> 1) * 37 + 1;
  data += 3;
  size -= 3;
  if (ofl_codec_compress(c, &o, data, size, &z) != 0) abort();
  if (ofl_codec_compress(c, &o, data, size, &z2) != 0) abort();
  if (z.len != z2.len || memcmp(z.ptr, z2.ptr, z.len)) abort();
  check_decode(c, z.ptr, z.len, data, size);
  ofl_codec_free_output(&z);
  ofl_codec_free_output(&z2);

  if (ofl_codec_stream_create(OFL_CODEC_COMPRESS, c, &o, &s) != 0) abort();
  cap = size * 2 + 4096 + size / step * 64;
  buf = malloc(cap);
  if (buf == NULL) abort();
  for (;;) {
    size_t n = size - ip < step ? size - ip : step;
    ofl_codec_in_t in = {data + ip, n, 0};
    ofl_codec_directive_t d = ip + n == size ? OFL_CODEC_END
                              : (n > 0 && data[ip] & 1) ? OFL_CODEC_FLUSH
                                                        : OFL_CODEC_CONTINUE;
    do {
      ofl_codec_out_t out = {buf, zn + 17 < cap ? zn + 17 : cap, zn};
      r = ofl_codec_stream_process(s, &in, &out, d);
      zn = out.pos;
      if (r < 0 || (r > 0 && zn == cap)) abort();
    } while (r > 0);
    ip += n;
    if (d == OFL_CODEC_END) break;
  }
  ofl_codec_stream_free(s);
  check_decode(c, buf, zn, data, size);
  free(buf);
  return 0;
}
