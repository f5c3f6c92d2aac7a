'use strict';
// The image module's face: kernels on raw pixel arrays.
const { resize, resizeSync } = require('./resize');

module.exports = { resize, resizeSync };
