'use strict';
module.exports = { compression() {} };
