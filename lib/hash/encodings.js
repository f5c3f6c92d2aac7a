'use strict';
// Digest encodings offload accepts (shared by hash and hash-stream).
module.exports = { ENCODINGS: ['buffer', 'hex', 'base64', 'base64url'] };
