'use strict';
// Request bodies with a size limit. The route reads `bodyStream(req,
// limit)`, never `req` itself: past the limit the stream fails with
// PAYLOAD_TOO_LARGE while the request stays open (the rest is drained), so
// the route can still answer 413; a client that goes away mid-body fails
// it with ECONNRESET.
const { PassThrough } = require('node:stream');

function tooLarge(limit) {
  return Object.assign(new Error(`request body over ${limit} bytes`),
    { code: 'PAYLOAD_TOO_LARGE', status: 413 });
}

function bodyStream(req, limit) {
  const out = new PassThrough();
  out.bytes = 0;
  let done = false;
  const stop = (err) => {
    if (done) return;
    done = true;
    req.off('data', onData);
    req.resume(); // drain what is left; the response can still be sent
    if (err) out.destroy(err);
    else out.end();
  };
  function onData(chunk) {
    out.bytes += chunk.length;
    if (out.bytes > limit) stop(tooLarge(limit));
    else if (!out.write(chunk)) req.pause();
  }
  out.on('drain', () => { if (!done) req.resume(); });
  out.once('close', () => stop()); // the consumer failed: stop reading
  req.on('data', onData);
  req.once('end', () => stop());
  req.once('close', () => {
    if (!req.complete) {
      stop(Object.assign(new Error('the client went away'),
        { code: 'ECONNRESET' }));
    }
  });
  return out;
}

/**
 * The whole body as one Buffer, failing past `limit`. With a
 * Content-Length within the limit, chunks are copied into one buffer as
 * they arrive: a few microseconds per chunk, rather than one concat of the
 * whole body (milliseconds for a photo) in a single turn of the loop.
 */
async function readBody(req, limit, buffers) {
  const body = bodyStream(req, limit);
  const declared = Number(req.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared >= 0 && declared <= limit) {
    const out = buffers ? buffers.take(declared) : Buffer.allocUnsafe(declared);
    let n = 0;
    for await (const chunk of body) {
      if (n + chunk.length > declared) {
        body.destroy();
        throw Object.assign(new Error('request body longer than its Content-Length'),
          { status: 400, code: 'ERR_BODY_SIZE' });
      }
      chunk.copy(out, n);
      n += chunk.length;
    }
    return n === declared ? out : out.subarray(0, n);
  }
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks, body.bytes);
}

/**
 * Big request bodies of the sizes seen recently, kept for reuse: a fresh
 * multi-megabyte buffer per request costs the JS thread its page faults
 * and V8 a garbage collection of external memory every few requests.
 */
class BodyBuffers {
  constructor({ min = 1 << 20, maxBytes = 128 << 20 } = {}) {
    this.min = min;
    this.maxBytes = maxBytes;
    this.bytes = 0;
    this.free = new Map(); // byteLength → [Buffer]
  }

  take(n) {
    const list = this.free.get(n);
    if (list !== undefined && list.length > 0) {
      this.bytes -= n;
      return list.pop();
    }
    return Buffer.allocUnsafeSlow(n);
  }

  /** Back for reuse: only once nothing reads it any more. */
  give(buf) {
    const n = buf.byteLength;
    if (n < this.min || buf.buffer.byteLength !== n ||
        this.bytes + n > this.maxBytes) return;
    if (!this.free.has(n)) this.free.set(n, []);
    this.free.get(n).push(buf);
    this.bytes += n;
  }
}

module.exports = { bodyStream, readBody, tooLarge, BodyBuffers };
