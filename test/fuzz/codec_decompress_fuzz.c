/* One-shot decompression of arbitrary bytes: codec from byte 0, cap from
 * byte 1. Must never crash; success must respect the cap; the exact-size
 * path may succeed only where the reference does, with the same bytes, and
 * so may zstd frames decoded one span at a time (parallel decoding). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
  size_t hint = ofl_codec_size_hint(c, data + 2, size - 2, o.max_output);
  uint8_t *exact = NULL;
  int er = 1;
  if (hint > 0) {
    if (hint > o.max_output) abort();
    exact = malloc(hint);
    if (exact == NULL) return 0;
    er = ofl_codec_decompress_exact(c, data + 2, size - 2, exact, hint);
    if (er != 0 && er != 1) abort();
  }
  /* Per-frame spans into the same buffer: all succeeding must mean the
   * same bytes as the reference (er == 0 then, too: one pass over the
   * frames the spans cover). */
  size_t nspans = 0, total = 0;
  ofl_codec_span_t spans[8];
  if (c == OFL_CODEC_ZSTD && exact != NULL)
    nspans = ofl_codec_zstd_spans(data + 2, size - 2, o.max_output, spans, 8,
                                  &total);
  if (nspans > 0 && nspans <= 8) {
    int all = total == hint;
    for (size_t i = 0; all && i < nspans; i++) {
      const ofl_codec_span_t *sp = &spans[i];
      if (sp->dst_off + sp->dst_len > hint) abort();
      int sr = ofl_codec_decompress_exact(c, data + 2 + sp->src_off, sp->src_len,
                                          exact + sp->dst_off, sp->dst_len);
      if (sr != 0 && sr != 1) abort();
      all = sr == 0;
    }
    if (all) er = 0;
  }
  r = ofl_codec_decompress(c, &o, data + 2, size - 2, &out);
  if (er == 0 && (r != 0 || out.len != hint || memcmp(out.ptr, exact, hint)))
    abort();
  free(exact);
  if (r == 0) {
    if (out.len > o.max_output || out.len > out.cap) abort();
    ofl_codec_free_output(&out);
  } else if (out.ptr != NULL || r >= 0) {
    abort();
  }
  return 0;
}
