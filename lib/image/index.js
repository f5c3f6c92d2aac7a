'use strict';
// The image module's face: kernels on raw pixel arrays (traced on
// offload:image).
const { tracePromise, traceSync } = require('../tracing');
const { resize, resizeSync } = require('./resize');

module.exports = {
  resize: tracePromise('image', 'resize', resize),
  resizeSync: traceSync('image', 'resizeSync', resizeSync),
};
