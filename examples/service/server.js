'use strict';
// `npm start`: the reference service on PORT (3000), the dashboard at /.
//   node examples/service/server.js [--variant naive] [--port N] [--nice N]
// SIGTERM/SIGINT: readiness off (/health answers 503 "draining"), stop
// accepting, let in-flight requests finish, close the pool, exit; forced
// after 10 s.
const offload = require('../..'); // in your app: require('offload')
const { createService } = require('./service');
const { stopBurst } = require('./burst');

const SHUTDOWN_MS = 10000;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main() {
  const variant = arg('variant', 'offload');
  if (variant !== 'offload' && variant !== 'naive') {
    console.error('--variant must be offload or naive');
    process.exit(2);
  }
  const port = Number(arg('port', process.env.PORT || 3000));
  // Offloaded work at a lower scheduling priority than the event loop, so
  // that when the CPUs are saturated requests are still read and answered
  // (Linux; OFFLOAD_NICE or --nice to change, 0 to turn it off).
  const nice = Number(arg('nice', process.env.OFFLOAD_NICE || 10));
  if (variant === 'offload') offload.configure({ niceIncrement: nice });
  // LOOP_INTERVAL_MS: finer loop-delay points (the demo uses 250).
  const loopInterval = Number(process.env.LOOP_INTERVAL_MS) || 1000;
  // UPLOAD_LIMIT_BYTES: the /upload body limit (64 MiB).
  const uploadLimit = Number(process.env.UPLOAD_LIMIT_BYTES) || undefined;
  const service = await createService({ variant, loopInterval, uploadLimit,
    niceIncrement: variant === 'offload' ? nice : 0 });
  const server = service.app.listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port: bound } = server.address();
  // The demo and the tests read this line to find the port.
  console.log(`offload service (${variant}) listening on http://127.0.0.1:${bound}/`);

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining`);
    const force = setTimeout(() => {
      console.error('shutdown: forced after 10 s');
      process.exit(1);
    }, SHUTDOWN_MS);
    force.unref();
    service.setReady(false);
    stopBurst();
    // Stop accepting; idle keep-alive sockets go now, busy ones after
    // their response.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await closed;
    await service.close();
    console.log('shutdown: done');
    process.exit(0);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
