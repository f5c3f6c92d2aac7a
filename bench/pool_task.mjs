// Task module for bench/pool.js, loaded by every pool under test. Each
// library moves the round-trip buffer back with its own move().
import Piscina from 'piscina';
import { Tinypool } from 'tinypool';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { move } = require('../lib/pool/move.js');
const offload = require('..');

export default function echo(x) {
  return x;
}

export function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
}

export function sum(xs) {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

const touch = (buf) => {
  new Uint8Array(buf)[0]++;
  return buf;
};
export const roundTripOffload = (buf) => move(touch(buf));
export const roundTripPiscina = (buf) => Piscina.move(touch(buf));
export const roundTripTinypool = (buf) => Tinypool.move(touch(buf));

// sha256 of shared memory inside the task: offload's native hash reads the
// arena array where it lies (no copy); the peers' tasks use node:crypto.
export const digestOffload = async (u8) =>
  (await offload.hash('sha256', u8)).toString('hex');
export const digestPeer = (u8) => createHash('sha256').update(u8).digest('hex');
