// A small MongoDB reader for the tests, independent of libmongoc: OP_MSG
// over a socket, BSON from the `bson` package this folder installs.
//
// usage: node find.mjs PORT DB COLLECTION [FILTER]
//          prints every matching document as one line of canonical Extended
//          JSON (types kept: {"$numberLong": ...}, {"$date": ...}), in the
//          server's order; FILTER is Extended JSON (default {}).
//        node find.mjs PORT DB --command COMMAND
//          runs one command (Extended JSON) and prints its reply.
// exit 0, or 1 with a message on stderr (connection refused, ok: 0, ...).

import net from 'node:net';
import { BSON, EJSON, Long } from 'bson';

const OP_MSG = 2013;
const [portArg, db, coll, arg] = process.argv.slice(2);
const port = Number(portArg);

function die(msg) {
  process.stderr.write(`find.mjs: ${msg}\n`);
  process.exit(1);
}
if (!Number.isInteger(port) || !db || !coll) die('usage: node find.mjs PORT DB COLLECTION [FILTER]');

const sock = net.connect({ port, host: '127.0.0.1' });
sock.on('error', (err) => die(err.message));
let buf = Buffer.alloc(0);
let waiting = null;
sock.on('data', (data) => {
  buf = Buffer.concat([buf, data]);
  if (waiting && buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
    const len = buf.readInt32LE(0);
    const msg = buf.subarray(0, len);
    buf = buf.subarray(len);
    const w = waiting;
    waiting = null;
    w(msg);
  }
});
await new Promise((resolve) => sock.on('connect', resolve));

let requestId = 1;
async function command(cmd) {
  const body = BSON.serialize({ ...cmd, $db: db });
  const head = Buffer.alloc(21);
  head.writeInt32LE(21 + body.length, 0);
  head.writeInt32LE(requestId++, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(OP_MSG, 12);
  head.writeUInt32LE(0, 16);
  head.writeUInt8(0, 20);
  const reply = new Promise((resolve) => { waiting = resolve; });
  sock.write(Buffer.concat([head, body]));
  const msg = await reply;
  if (msg.readInt32LE(12) !== OP_MSG || msg[20] !== 0) die('unexpected reply');
  const doc = BSON.deserialize(msg.subarray(21), { promoteLongs: false, promoteValues: false });
  const ok = doc.ok?.valueOf?.() ?? doc.ok;
  if (ok !== 1) die(`${Object.keys(cmd)[0]} failed: ${EJSON.stringify(doc)}`);
  return doc;
}

if (coll === '--command') {
  const reply = await command(EJSON.parse(arg, { relaxed: false }));
  process.stdout.write(EJSON.stringify(reply, { relaxed: false }) + '\n');
} else {
  const filter = arg ? EJSON.parse(arg, { relaxed: false }) : {};
  let r = await command({ find: coll, filter, batchSize: 500 });
  let out = [];
  for (;;) {
    const docs = r.cursor.firstBatch ?? r.cursor.nextBatch;
    for (const d of docs) out.push(EJSON.stringify(d, { relaxed: false }));
    if (out.length > 1000) { process.stdout.write(out.join('\n') + '\n'); out = []; }
    const id = r.cursor.id;
    if (!id || Long.fromValue(id).isZero()) break;
    r = await command({ getMore: Long.fromValue(id), collection: coll, batchSize: 500 });
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}
sock.end();
