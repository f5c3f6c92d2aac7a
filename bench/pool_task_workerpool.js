'use strict';
// Task module for workerpool in bench/pool.js: the same functions as
// pool_task.mjs, registered with workerpool.worker().
const workerpool = require('workerpool');

function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
}

function sum(xs) {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function roundTrip(buf) {
  new Uint8Array(buf)[0]++;
  return new workerpool.Transfer(buf, [buf]);
}

const digestPeer = (u8) => require('crypto').createHash('sha256').update(u8)
  .digest('hex');

workerpool.worker({ echo: (x) => x, busy, sum, roundTrip, digestPeer });
