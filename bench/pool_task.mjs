// Task module for bench/pool.js, loaded by every pool under test. Each
// library moves the round-trip buffer back with its own move().
import Piscina from 'piscina';
import { Tinypool } from 'tinypool';
import { createRequire } from 'node:module';

const { move } = createRequire(import.meta.url)('../lib/pool/move.js');

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
