'use strict';
// GET /metrics in Prometheus text format, through prom-client. Everything
// offload-side is read from its public API at scrape time: offload.stats(),
// pool.stats getters, breakers.getAll().
const { AsyncLocalStorage } = require('node:async_hooks');
const dc = require('node:diagnostics_channel');
const client = require('prom-client');

// offload's tracing channels (docs/api.md, Observability): each task's
// time, by module, operation and the route that asked for it.
const CHANNELS = ['hash', 'codec', 'image', 'pool', 'breaker'];

const STATE = { closed: 0, halfOpen: 1, open: 2 };

// prom-client's Histogram observes values itself; offload already counts
// every task natively, so this is a read-only histogram over
// offload.stats().{waitTime,runTime}: its cumulative buckets (ms bounds, as
// seconds here), sum and count. A Registry takes any metric with get().
function nativeHistogram(name, help, read) {
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const h = read();
      const values = h.buckets.map((b) => ({
        metricName: `${name}_bucket`,
        // 0.025 ms / 1000 is not exactly 0.000025: print the bound as given.
        labels: { le: b.le === Infinity ? '+Inf' : +(b.le / 1000).toPrecision(6) },
        value: b.count,
      }));
      values.push({ metricName: `${name}_sum`, labels: {}, value: h.sum / 1000 });
      values.push({ metricName: `${name}_count`, labels: {}, value: h.count });
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    // Counts since the executor started cannot be reset from here.
    reset() {},
  };
}

function createMetrics({ offload, work, monitor }) {
  const register = new client.Registry();
  client.collectDefaultMetrics({ register });
  const gauge = (name, help, labelNames, collect) => new client.Gauge({
    name, help, labelNames, registers: [register], collect,
  });

  gauge('offload_executor_threads', 'Native executor threads', [],
    function collect() { this.set(offload.stats().threads); });
  gauge('offload_executor_queued', 'Tasks waiting in the executor queue', [],
    function collect() { this.set(offload.stats().queued); });
  gauge('offload_executor_running', 'Tasks running on the executor', [],
    function collect() { this.set(offload.stats().running); });
  gauge('offload_executor_tasks', 'Executor tasks by outcome, since start',
    ['outcome'], function collect() {
      const s = offload.stats();
      for (const k of ['completed', 'rejected', 'cancelled', 'timedOut']) {
        this.set({ outcome: k }, s[k]);
      }
    });
  for (const [key, what] of [['waitTime', 'wait'], ['runTime', 'run']]) {
    register.registerMetric(nativeHistogram(`offload_executor_${what}_seconds`,
      `Executor task ${what} time (offload's native buckets, since start)`,
      () => offload.stats()[key]));
  }
  if (work.pool !== null) {
    const pool = work.pool;
    gauge('offload_pool_threads', 'WorkerPool threads', [],
      function collect() { this.set(pool.threads.length); });
    gauge('offload_pool_queue_size', 'WorkerPool queued tasks', [],
      function collect() { this.set(pool.queueSize); });
    gauge('offload_pool_utilization', 'WorkerPool utilization (0..1)', [],
      function collect() { this.set(pool.utilization); });
    gauge('offload_pool_completed', 'WorkerPool tasks completed', [],
      function collect() { this.set(pool.completed); });
  }
  gauge('offload_breaker_state', 'Breaker state: 0 closed, 1 halfOpen, 2 open',
    ['name'], function collect() {
      for (const b of offload.breakers.getAll()) {
        this.set({ name: b.name }, STATE[b.state]);
      }
    });
  gauge('offload_breaker_window',
    'Breaker counts over its rolling window', ['name', 'kind'],
    function collect() {
      for (const b of offload.breakers.getAll()) {
        const s = b.stats;
        for (const k of ['fires', 'successes', 'failures', 'timeouts',
          'rejects', 'fallbacks']) this.set({ name: b.name, kind: k }, s[k]);
      }
    });
  gauge('service_event_loop_delay_seconds',
    'Event-loop delay over the last 10 s (a 10 ms timer\'s lateness)',
    ['quantile'], function collect() {
      const l = monitor.summary(10);
      this.set({ quantile: '0.5' }, l.p50 / 1000);
      this.set({ quantile: '0.99' }, l.p99 / 1000);
      this.set({ quantile: '1' }, l.max / 1000);
    });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });

  const taskDuration = new client.Histogram({
    name: 'offload_task_duration_seconds',
    help: 'offload tasks by module, operation and route (diagnostics_channel)',
    labelNames: ['module', 'operation', 'route'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [register],
  });
  // The route of the request a task belongs to: set by timing() below,
  // read in the channel's start handler, which runs in the caller's
  // async context.
  const routes = new AsyncLocalStorage();
  const started = new WeakMap();
  const handlers = CHANNELS.map((module) => {
    const h = {
      start(ctx) { started.set(ctx, { t: process.hrtime.bigint(), route: routes.getStore() }); },
      end() {},
      asyncStart() {},
      asyncEnd(ctx) {
        const s = started.get(ctx);
        if (s === undefined) return;
        const route = s.route && s.route.path ? s.route.path : s.route ? s.route.url : 'none';
        taskDuration.observe({ module, operation: ctx.operation, route },
          Number(process.hrtime.bigint() - s.t) / 1e9);
      },
      error() {},
    };
    dc.tracingChannel(`offload:${module}`).subscribe(h);
    return [module, h];
  });

  /** Express middleware: times every request by its matched route. */
  function timing(req, res, next) {
    const end = httpDuration.startTimer();
    const store = { url: req.path };
    res.once('finish', () => {
      const route = req.route ? req.route.path : 'unmatched';
      end({ method: req.method, route, status: res.statusCode });
    });
    routes.run(store, () => {
      // req.route is known once the router matched; the store is read
      // later, by then it is set.
      Object.defineProperty(store, 'path', { get: () => (req.route ? req.route.path : req.path) });
      next();
    });
  }

  function close() {
    for (const [module, h] of handlers) dc.tracingChannel(`offload:${module}`).unsubscribe(h);
  }

  return { register, timing, close };
}

module.exports = { createMetrics };
