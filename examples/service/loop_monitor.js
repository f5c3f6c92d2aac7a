'use strict';
// Event-loop delay, interval by interval (1 s, or `interval` ms): how late
// a `resolution`-ms timer runs, the measurement monitorEventLoopDelay
// makes, recorded into one perf_hooks histogram per interval. (Resetting a
// monitorEventLoopDelay histogram between intervals drops the delay that
// spans the reset, which is often the stall itself.) Each interval's
// p50/p99/max are kept for the last `keep` seconds, so /health can answer
// "over the last 10 s" and the dashboard and the demo can draw the curve.
const { createHistogram, performance } = require('node:perf_hooks');

const ms = (us) => Math.round(us / 10) / 100; // µs -> ms, 2 decimals

class LoopMonitor {
  constructor({ keep = 120, resolution = 10, interval = 1000 } = {}) {
    this.keep = Math.ceil(keep * 1000 / interval);
    this.interval = interval;
    this.points = []; // { t, p50, p99, max } an interval each, oldest first
    this.h = createHistogram();
    let due = performance.now() + resolution;
    const tick = () => {
      const now = performance.now();
      this.h.record(Math.max(1, Math.round((now - due) * 1000)));
      due = now + resolution;
      this.tick = setTimeout(tick, resolution);
      this.tick.unref();
    };
    this.tick = setTimeout(tick, resolution);
    this.tick.unref();
    this.timer = setInterval(() => this.sample(), interval);
    this.timer.unref();
  }

  sample() {
    const h = this.h;
    this.h = createHistogram();
    if (h.count > 0) {
      this.points.push({
        t: Date.now(), p50: ms(h.percentile(50)), p99: ms(h.percentile(99)),
        max: ms(h.max),
      });
      if (this.points.length > this.keep) this.points.shift();
    }
  }

  /**
   * Over the last `seconds`: p50 is the median of the per-interval p50s,
   * p99 and max the worst interval's (conservative: a bad second is never
   * averaged away).
   */
  summary(seconds = 10) {
    const pts = this.recent(seconds);
    if (pts.length === 0) return { p50: 0, p99: 0, max: 0, seconds: 0 };
    const p50s = pts.map((p) => p.p50).sort((a, b) => a - b);
    return {
      p50: p50s[Math.floor(p50s.length / 2)],
      p99: Math.max(...pts.map((p) => p.p99)),
      max: Math.max(...pts.map((p) => p.max)),
      seconds: pts.length * this.interval / 1000,
    };
  }

  recent(seconds = 60) {
    return this.points.slice(-Math.ceil(seconds * 1000 / this.interval));
  }

  close() {
    clearInterval(this.timer);
    clearTimeout(this.tick);
  }
}

module.exports = { LoopMonitor };
