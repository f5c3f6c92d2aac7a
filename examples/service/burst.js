'use strict';
// POST /admin/burst: a load burst from a child process (so the service's
// own loop only serves it), mixing uploads, thumbnails and scores.
const { fork } = require('node:child_process');
const path = require('node:path');

let running = null;

function startBurst(port, seconds) {
  if (running !== null) return { started: false, reason: 'a burst is running' };
  running = fork(path.join(__dirname, 'burst_child.js'),
    [String(port), String(seconds)], { stdio: 'ignore' });
  running.once('exit', () => { running = null; });
  return { started: true, seconds };
}

function stopBurst() {
  if (running !== null) running.kill();
}

module.exports = { startBurst, stopBurst };
