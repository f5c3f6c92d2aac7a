'use strict';
// npm install hook: use a matching prebuild when there is one, else build.
const path = require('path');

try {
  require('node-gyp-build').path(path.join(__dirname, '..'));
  process.exit(0);
} catch {
  require('./build').build();
}
