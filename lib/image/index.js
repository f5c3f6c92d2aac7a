'use strict';
// The image module's face: kernels on raw pixel arrays (traced on
// offload:image). resize is ./resize.js; every other op, promise and
// Sync, is ./calls.js over the op table in ./ops.js.
const { tracePromise, traceSync } = require('../tracing');
const { resize, resizeSync } = require('./resize');
const calls = require('./calls');
const { pipeline } = require('./pipeline');

const api = {
  resize: tracePromise('image', 'resize', resize),
  resizeSync: traceSync('image', 'resizeSync', resizeSync),
};
for (const [name, fn] of Object.entries(calls)) {
  api[name] = name.endsWith('Sync') ? traceSync('image', name, fn)
    : tracePromise('image', name, fn);
}

api.pipeline = pipeline;

module.exports = api;
