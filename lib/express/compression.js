'use strict';
// Express/Connect response compression on offload's executor, a drop-in
// for the `compression` package: same options where they overlap
// (filter, threshold, level, chunkSize), res.flush() for server-sent
// events, plus zstd and a configurable encoding order. Header parsing is
// left to negotiator, compressible, on-headers and vary.
const compressible = require('compressible');
const Negotiator = require('negotiator');
const onHeaders = require('on-headers');
const vary = require('vary');
const { codes } = require('../errors');
const {
  validateObject, validateInteger, validateFunction, validateOneOf,
} = require('../validate');
const { compressAdmitted, CompressStream } = require('../codec');
const { admit } = require('../executor');

// HTTP content-coding token → offload codec.
const CODINGS = { zstd: 'zstd', br: 'brotli', gzip: 'gzip', deflate: 'deflate' };
const DEFAULT_ORDER = Object.freeze(['zstd', 'br', 'gzip', 'deflate']);
// brotli 11 (the codec default) is far too slow per request; 4 is the
// usual on-the-fly choice.
const DEFAULT_LEVELS = Object.freeze({ zstd: 3, br: 4, gzip: 6, deflate: 6 });
const UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;
// RFC 9110 §8.4.1.3: x-gzip is gzip.
const X_GZIP = /(^|,)(\s*)x-gzip(?=\s*(?:;|,|$))/gi;

/** The default filter: compress types the mime database calls compressible. */
function shouldCompress(req, res) {
  const type = res.getHeader('Content-Type');
  if (type === undefined || !compressible(String(type))) return false;
  return true;
}

function parseThreshold(value) {
  if (typeof value === 'number') {
    return validateInteger(value, 'options.threshold', 0, Number.MAX_SAFE_INTEGER);
  }
  const m = typeof value === 'string' &&
    /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!m) {
    throw codes.ERR_INVALID_ARG_TYPE('options.threshold',
      "a number of bytes or a size string like '1kb'", value);
  }
  return Math.floor(Number(m[1]) * UNITS[(m[2] || 'b').toLowerCase()]);
}

function readOptions(options) {
  const opts = validateObject(options, 'options');
  const filter = opts.filter === undefined ? shouldCompress
    : validateFunction(opts.filter, 'options.filter');
  const threshold = opts.threshold === undefined ? 1024
    : parseThreshold(opts.threshold);
  let order = DEFAULT_ORDER;
  if (opts.encodings !== undefined) {
    if (!Array.isArray(opts.encodings) || opts.encodings.length === 0) {
      throw codes.ERR_INVALID_ARG_TYPE('options.encodings',
        'a non-empty array', opts.encodings);
    }
    order = opts.encodings.map((e, i) =>
      validateOneOf(e, `options.encodings[${i}]`, DEFAULT_ORDER));
  }
  const levels = { ...DEFAULT_LEVELS };
  if (opts.level !== undefined) {
    levels.gzip = levels.deflate = validateInteger(opts.level,
      'options.level', 0, 9);
  }
  if (opts.levels !== undefined) {
    validateObject(opts.levels, 'options.levels');
    for (const [k, v] of Object.entries(opts.levels)) {
      validateOneOf(k, 'options.levels key', DEFAULT_ORDER);
      levels[k] = v; // range-checked by the codec when the stream is made
    }
  }
  const chunkSize = opts.chunkSize === undefined ? undefined
    : validateInteger(opts.chunkSize, 'options.chunkSize', 64, 2 ** 30);
  // Fail now, not on the first request, on a level the codec rejects.
  for (const coding of order) {
    // A probe, not work: no shed admission (null ticket).
    new CompressStream({ codec: CODINGS[coding], level: levels[coding] },
      null).destroy();
  }
  return { filter, threshold, order, levels, chunkSize };
}

function byteLength(chunk, encoding) {
  if (chunk == null) return 0;
  return Buffer.isBuffer(chunk) || ArrayBuffer.isView(chunk)
    ? chunk.byteLength : Buffer.byteLength(chunk, encoding);
}

function toBuffer(chunk, encoding) {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (ArrayBuffer.isView(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
}

function negotiator(req) {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || !/x-gzip/i.test(accept)) return new Negotiator(req);
  return new Negotiator({ headers: { 'accept-encoding': accept.replace(X_GZIP, '$1$2gzip') } });
}

/**
 * Compression middleware for Express/Connect.
 * @example app.use(offload.compression({ threshold: '1kb' }))
 */
function compression(options) {
  const cfg = readOptions(options);
  const preferred = { preferred: cfg.order };
  const available = [...cfg.order, 'identity'];

  return function offloadCompression(req, res, next) {
    const rawWrite = res.write;
    const rawEnd = res.end;
    const rawOn = res.on;
    const rawEmit = res.emit;
    let coding = null; // chosen content-coding, once headers are decided
    let stream = null;
    let ended = false;
    let endLength; // body length known from res.end() before the headers
    let ticket = null; // shed admission, taken when compression is chosen

    // 'drain' listeners stay on res itself (on/once/off/prepend... keep
    // EventEmitter's semantics, and nothing is lost when compression is
    // skipped). Only while a compression stream exists does the meaning of
    // res's 'drain' change: the socket's drain resumes the stream's output,
    // and writers get the stream's own drain instead.
    const startStream = () => {
      stream = new CompressStream({
        codec: CODINGS[coding], level: cfg.levels[coding], chunkSize: cfg.chunkSize,
      }, ticket);
      stream.on('data', (chunk) => {
        if (rawWrite.call(res, chunk) === false) stream.pause();
      });
      stream.on('drain', () => rawEmit.call(res, 'drain'));
      stream.on('end', () => rawEnd.call(res));
      stream.on('error', (err) => res.destroy(err));
    };

    res.emit = function emit(type) {
      if (type === 'drain' && stream !== null && this === res) {
        stream.resume();
        return true;
      }
      return Reflect.apply(rawEmit, this, arguments);
    };

    res.flush = function flush() {
      if (stream !== null) stream.flush();
    };

    res.write = function write(chunk, encoding, cb) {
      if (ended) return false;
      if (!res.headersSent) res.writeHead(res.statusCode);
      if (coding === null) return rawWrite.call(res, chunk, encoding, cb);
      if (stream === null) startStream();
      if (typeof encoding === 'function') cb = encoding;
      return stream.write(toBuffer(chunk, encoding), cb);
    };

    res.end = function end(chunk, encoding, cb) {
      if (ended) return res;
      if (typeof chunk === 'function') [cb, chunk] = [chunk, undefined];
      else if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
      if (!res.headersSent) {
        if (!res.getHeader('Content-Length')) endLength = byteLength(chunk, encoding);
        res.writeHead(res.statusCode);
      }
      if (coding === null) return rawEnd.call(res, chunk, encoding, cb);
      ended = true;
      if (stream === null) {
        // The whole body in one call (res.send/res.json): one one-shot
        // compression on the executor, which is faster than a stream.
        const body = chunk == null ? Buffer.alloc(0) : toBuffer(chunk, encoding);
        compressAdmitted(body,
          { codec: CODINGS[coding], level: cfg.levels[coding] }, ticket)
          .then((out) => rawEnd.call(res, out, cb), (err) => res.destroy(err));
        return res;
      }
      if (chunk != null) stream.end(toBuffer(chunk, encoding), cb);
      else stream.end(cb);
      return res;
    };

    onHeaders(res, function decide() {
      const status = res.statusCode;
      if (status === 304) {
        // A 304 carries the Vary its 200 would (RFC 9110 §15.4.5); its
        // Content-Type is usually stripped by then, so only a known type
        // the filter rejects goes without.
        if (res.getHeader('Content-Type') === undefined || cfg.filter(req, res)) {
          vary(res, 'Accept-Encoding');
        }
        return;
      }
      if (!cfg.filter(req, res)) return;
      const cacheControl = res.getHeader('Cache-Control');
      if (cacheControl && NO_TRANSFORM.test(String(cacheControl))) return;
      vary(res, 'Accept-Encoding');
      const declared = res.getHeader('Content-Length');
      const length = declared !== undefined ? Number(declared) : endLength;
      if (length !== undefined && length < cfg.threshold) return;
      const current = res.getHeader('Content-Encoding') || 'identity';
      if (current !== 'identity') return;
      if (req.method === 'HEAD') return;
      // A 206's Content-Range counts identity bytes: compressing its body
      // would break it.
      if (status === 204 || status === 206) return;
      const chosen = negotiator(req).encoding(available, preferred);
      if (!chosen || chosen === 'identity') return;
      // While offload sheds load (configure({ shed })), the response goes
      // out uncompressed rather than failing: the admission is taken here,
      // before Content-Encoding is set, and handed to the compression.
      const t = admit();
      if (t instanceof Error) return;
      if (t !== null) {
        ticket = t;
        // In case the compression never settles it (a client gone early).
        rawOn.call(res, 'close', () => t.settle(res.writableFinished ? 0 : -9));
      }
      coding = chosen;
      res.setHeader('Content-Encoding', chosen);
      res.removeHeader('Content-Length');
    });

    next();
  };
}

module.exports = { compression, shouldCompress };
