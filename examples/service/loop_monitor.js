'use strict';
// Event-loop delay, second by second (or every `interval` ms), from
// perf_hooks.monitorEventLoopDelay: each interval's p50/p99/max are kept
// for the last `keep` seconds, so /health can answer "over the last 10 s"
// and the dashboard and the demo can draw the curve.
const { monitorEventLoopDelay } = require('node:perf_hooks');

// ns -> ms, 2 decimals. The histogram records the time between its
// timer's runs, so an idle loop reads `resolution`: that is subtracted.
const ms = (ns, resolution) =>
  Math.max(0, Math.round((ns / 1e6 - resolution) * 100) / 100);

class LoopMonitor {
  constructor({ keep = 120, resolution = 10, interval = 1000 } = {}) {
    this.keep = Math.ceil(keep * 1000 / interval);
    this.interval = interval;
    this.resolution = resolution;
    this.points = []; // { t, p50, p99, max } an interval each, oldest first
    this.h = monitorEventLoopDelay({ resolution });
    this.h.enable();
    this.timer = setInterval(() => this.sample(), interval);
    this.timer.unref();
  }

  sample() {
    const h = this.h;
    const r = this.resolution;
    if (h.count > 0) {
      this.points.push({
        t: Date.now(), p50: ms(h.percentile(50), r),
        p99: ms(h.percentile(99), r), max: ms(h.max, r),
      });
      if (this.points.length > this.keep) this.points.shift();
    }
    h.reset();
  }

  /**
   * Over the last `seconds`: p50 is the median of the per-second p50s, p99
   * and max the worst second's (conservative: a bad second is never
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
    this.h.disable();
  }
}

module.exports = { LoopMonitor };
