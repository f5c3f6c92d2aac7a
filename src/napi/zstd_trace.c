/* libzstd built for x86-64 ELF (Debian, Alpine, vcpkg) calls these tracing
 * hooks through weak undefined references. Left undefined, the dynamic
 * linker would bind them to any ZSTD_trace_* a host process exported and
 * call it with our contexts. Defining them here (hidden, like everything in
 * the addon) resolves the references inside the .node. A zero context
 * means "not traced", so libzstd never calls the *_end hooks. Elsewhere
 * (macOS, Windows, arm64) zstd does not reference them and they are unused.
 * Signatures: lib/common/zstd_trace.h in zstd. */
struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;
struct ZSTD_Trace;
typedef unsigned long long ZSTD_TraceCtx;

ZSTD_TraceCtx ZSTD_trace_compress_begin(const struct ZSTD_CCtx_s *cctx);
void ZSTD_trace_compress_end(ZSTD_TraceCtx ctx, const struct ZSTD_Trace *trace);
ZSTD_TraceCtx ZSTD_trace_decompress_begin(const struct ZSTD_DCtx_s *dctx);
void ZSTD_trace_decompress_end(ZSTD_TraceCtx ctx,
                               const struct ZSTD_Trace *trace);

ZSTD_TraceCtx ZSTD_trace_compress_begin(const struct ZSTD_CCtx_s *cctx) {
  (void)cctx;
  return 0;
}

void ZSTD_trace_compress_end(ZSTD_TraceCtx ctx,
                             const struct ZSTD_Trace *trace) {
  (void)ctx;
  (void)trace;
}

ZSTD_TraceCtx ZSTD_trace_decompress_begin(const struct ZSTD_DCtx_s *dctx) {
  (void)dctx;
  return 0;
}

void ZSTD_trace_decompress_end(ZSTD_TraceCtx ctx,
                               const struct ZSTD_Trace *trace) {
  (void)ctx;
  (void)trace;
}
