'use strict';
// A pass-through that counts bytes and fails past `limit` with
// PAYLOAD_TOO_LARGE (the route answers 413).
const { Transform } = require('node:stream');

function tooLarge(limit) {
  return Object.assign(new Error(`request body over ${limit} bytes`),
    { code: 'PAYLOAD_TOO_LARGE', status: 413 });
}

function limitBytes(limit) {
  const t = new Transform({
    transform(chunk, encoding, callback) {
      t.bytes += chunk.length;
      if (t.bytes > limit) callback(tooLarge(limit));
      else callback(null, chunk);
    },
  });
  t.bytes = 0;
  return t;
}

/** Reads the whole body into one Buffer, failing past `limit`. */
async function readBody(req, limit) {
  const chunks = [];
  let n = 0;
  for await (const chunk of req) {
    n += chunk.length;
    if (n > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n);
}

module.exports = { limitBytes, readBody, tooLarge };
