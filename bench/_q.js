const sharp = require('sharp');
const { image } = require('..');
const W = 3840, H = 2160;
const src = Buffer.allocUnsafe(W * H * 4);
for (let i = 0; i < src.length; i++) src[i] = (i * 7 + (i >> 12)) & 255;
const img = { data: src, width: W, height: H, channels: 4 };
sharp.concurrency(2); sharp.cache(false);
const raw = { raw: { width: W, height: H, channels: 4 } };
const ops = [
  ['blur2', () => image.blur(img, { sigma: 2 }), () => sharp(src, raw).blur(2).raw().toBuffer()],
  ['blur10', () => image.blur(img, { sigma: 10 }), () => sharp(src, raw).blur(10).raw().toBuffer()],
  ['conv3', () => image.convolve(img, { kernel: [-1,-1,-1,-1,9,-1,-1,-1,-1], width: 3, height: 3 }), () => sharp(src, raw).convolve({ width: 3, height: 3, kernel: [-1,-1,-1,-1,9,-1,-1,-1,-1] }).raw().toBuffer()],
  ['sharpen', () => image.sharpen(img, { sigma: 1 }), () => sharp(src, raw).sharpen({ sigma: 1 }).raw().toBuffer()],
  ['median3', () => image.median(img, { size: 3 }), () => sharp(src, raw).median(3).raw().toBuffer()],
  ['gray', () => image.grayscale(img), () => sharp(src, raw).greyscale().raw().toBuffer()],
  ['negate', () => image.negate(img), () => sharp(src, raw).negate().raw().toBuffer()],
  ['linear', () => image.linear(img, { a: 1.1, b: 3 }), () => sharp(src, raw).linear(1.1, 3).raw().toBuffer()],
  ['stats', () => image.stats(img), () => sharp(src, raw).stats()],
  ['flip', () => image.flip(img), () => sharp(src, raw).flip().raw().toBuffer()],
  ['rot90', () => image.rotate(img), () => sharp(src, raw).rotate(90).raw().toBuffer()],
];
(async () => {
  await image.negate(img);
  for (const [n, a, b] of ops) {
    if (process.argv[2] && n !== process.argv[2]) continue;
    const t = async (f) => { let best = 1e9; for (let i = 0; i < 3; i++) { const t0 = performance.now(); await f(); best = Math.min(best, performance.now() - t0); } return best; };
    const ta = await t(a), tb = await t(b);
    console.log(n.padEnd(8), 'offload', ta.toFixed(1), 'sharp', tb.toFixed(1), 'ratio', (tb / ta).toFixed(2));
  }
})();
