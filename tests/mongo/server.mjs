// In-memory MongoDB wire-protocol server (CongoDB, from @push.rocks/smartmongo
// 2.2.0) for ecomctl's tests.  Not a real mongod: see
// shared/notes/mongo-test-server.md for what it does and does not implement.
//
// usage: node server.mjs [PORT]          (or MONGO_TEST_PORT=PORT)
//   PORT 0 or none: the kernel picks a free port.
// Prints exactly one line "listening <port>" on stdout once it accepts
// connections; everything else goes to stderr.  SIGTERM/SIGINT stop it cleanly.
//
// Environment:
//   MONGO_TEST_HOST                  bind address (default 127.0.0.1)
//   MONGO_TEST_DEBUG=1               every 5 s, log to stderr how many commands
//                                    (and hellos) were served; log failed commands
//   MONGO_TEST_KEEP_TOPOLOGY_VERSION=1  disable the hello workaround below
//                                    (only to measure the problem it fixes)

import { CongoServer, CommandRouter } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';

function fail(msg) {
  process.stderr.write(`mongo-test-server: ${msg}\n`);
  process.exit(1);
}

const portArg = process.argv[2] ?? process.env.MONGO_TEST_PORT ?? '0';
if (!/^\d+$/.test(portArg) || Number(portArg) > 65535) {
  fail(`bad port '${portArg}'`);
}
const host = process.env.MONGO_TEST_HOST || '127.0.0.1';
const debug = !!process.env.MONGO_TEST_DEBUG;
const keepTopologyVersion = !!process.env.MONGO_TEST_KEEP_TOPOLOGY_VERSION;

// Workaround: CongoDB's hello reply carries a topologyVersion, so libmongoc's
// pooled client switches to streaming monitoring (awaitable hello with
// maxAwaitTimeMS).  CongoDB answers those at once instead of waiting, and the
// pair spin at ~12,000 hellos/s.  Without topologyVersion the driver falls
// back to polling every heartbeatFrequencyMS.
const HELLO_NAMES = new Set(['hello', 'isMaster', 'ismaster']);
const counts = { total: 0, hello: 0, failed: 0 };
const originalRoute = CommandRouter.prototype.route;
if (typeof originalRoute !== 'function') {
  fail('CommandRouter.prototype.route not found: smartmongo version changed?');
}
CommandRouter.prototype.route = async function route(parsedCommand) {
  const started = debug ? performance.now() : 0;
  const reply = await originalRoute.call(this, parsedCommand);
  const name = parsedCommand?.commandName;
  const isHello = HELLO_NAMES.has(name);
  if (isHello && !keepTopologyVersion && reply && typeof reply === 'object') {
    delete reply.topologyVersion;
  }
  if (debug) {
    counts.total++;
    if (isHello) counts.hello++;
    const ms = performance.now() - started;
    // One command blocks the whole server (a single event loop): worth a line.
    if (ms > 1000) process.stderr.write(`debug: ${name} took ${Math.round(ms)} ms\n`);
    if (reply && reply.ok === 0) {
      counts.failed++;
      process.stderr.write(`debug: ${name} failed: code ${reply.code} ${reply.codeName}: ${reply.errmsg}\n`);
    } else if (Array.isArray(reply?.writeErrors) && reply.writeErrors.length > 0) {
      counts.failed++;
      const e = reply.writeErrors[0];
      process.stderr.write(`debug: ${name}: ${reply.writeErrors.length} write error(s), first: ` +
        `index ${e.index} code ${e.code}: ${e.errmsg}\n`);
    }
  }
  return reply;
};

const server = new CongoServer({ port: Number(portArg), host, storage: 'memory' });
try {
  await server.start();
} catch (err) {
  fail(`cannot listen on ${host}:${portArg}: ${err.message}`);
}
// The wrapped net.Server knows the real port when PORT was 0.
const port = server.server?.address()?.port ?? server.port;

let debugTimer = null;
if (debug) {
  let last = { ...counts };
  debugTimer = setInterval(() => {
    process.stderr.write(
      `debug: last 5s: ${counts.total - last.total} commands, ${counts.hello - last.hello} hello, ` +
      `${counts.failed - last.failed} failed; connections ${server.getConnectionCount()}\n`);
    last = { ...counts };
  }, 5000);
  debugTimer.unref();
}

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  if (debugTimer) clearInterval(debugTimer);
  // Do not wait forever on a stuck close: the stop script sends KILL after 5 s anyway.
  const guard = setTimeout(() => {
    process.stderr.write(`mongo-test-server: stop timed out after ${signal}\n`);
    process.exit(1);
  }, 3000);
  guard.unref();
  try {
    await server.stop();
  } catch (err) {
    process.stderr.write(`mongo-test-server: error while stopping: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`mongo-test-server: stopped on ${signal}\n`);
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

process.stderr.write(`mongo-test-server: CongoDB on ${host}:${port}, pid ${process.pid}` +
  `${keepTopologyVersion ? ' (hello workaround OFF)' : ''}${debug ? ' (debug)' : ''}\n`);
process.stdout.write(`listening ${port}\n`);
