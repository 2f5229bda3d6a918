// Sends {ping: 1, $db: "admin"} as an OP_MSG to a MongoDB wire-protocol server
// and checks that the reply says ok: 1.  Node built-ins only.
//
// usage: node ping.mjs PORT [HOST] [TIMEOUT_MS]
// exit 0 and prints nothing when the server answered ok: 1; exit 1 with a
// message on stderr otherwise.

import net from 'node:net';

const OP_MSG = 2013;
const port = Number(process.argv[2]);
const host = process.argv[3] || '127.0.0.1';
const timeoutMs = Number(process.argv[4] || 2000);

function die(msg) {
  process.stderr.write(`ping: ${host}:${process.argv[2]}: ${msg}\n`);
  process.exit(1);
}
if (!Number.isInteger(port) || port <= 0 || port > 65535) die('bad port');

// BSON for {ping: Int32(1), $db: "admin"}
function pingDocument() {
  const cstr = (s) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
  const int32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
  const db = cstr('admin');
  const body = Buffer.concat([
    Buffer.from([0x10]), cstr('ping'), int32(1),
    Buffer.from([0x02]), cstr('$db'), int32(db.length), db,
  ]);
  return Buffer.concat([int32(4 + body.length + 1), body, Buffer.from([0])]);
}

// Value of a numeric or boolean top-level field of a BSON document, or undefined.
function topLevelField(doc, wanted) {
  let off = 4;
  const end = doc.readInt32LE(0) - 1;
  while (off < end) {
    const type = doc[off++];
    const nameEnd = doc.indexOf(0, off);
    if (nameEnd < 0) throw new Error('bad BSON');
    const name = doc.toString('utf8', off, nameEnd);
    off = nameEnd + 1;
    let size;
    let value;
    switch (type) {
      case 0x01: size = 8; value = doc.readDoubleLE(off); break;            // double
      case 0x02: case 0x0d: case 0x0e: size = 4 + doc.readInt32LE(off); break; // string-ish
      case 0x03: case 0x04: size = doc.readInt32LE(off); break;             // doc, array
      case 0x05: size = 5 + doc.readInt32LE(off); break;                    // binary
      case 0x06: case 0x0a: case 0x7f: case 0xff: size = 0; break;          // undefined, null, keys
      case 0x07: size = 12; break;                                          // ObjectId
      case 0x08: size = 1; value = doc[off] !== 0; break;                   // bool
      case 0x09: case 0x11: size = 8; break;                                // date, timestamp
      case 0x0b: {                                                          // regex: 2 cstrings
        const a = doc.indexOf(0, off); const b = doc.indexOf(0, a + 1);
        size = b + 1 - off; break;
      }
      case 0x0f: size = doc.readInt32LE(off); break;                        // code w/ scope
      case 0x10: size = 4; value = doc.readInt32LE(off); break;             // int32
      case 0x12: size = 8; value = Number(doc.readBigInt64LE(off)); break;  // int64
      case 0x13: size = 16; break;                                          // decimal128
      default: throw new Error(`unsupported BSON type 0x${type.toString(16)}`);
    }
    if (name === wanted) return value;
    off += size;
  }
  return undefined;
}

const doc = pingDocument();
const msg = Buffer.alloc(16 + 4 + 1 + doc.length);
msg.writeInt32LE(msg.length, 0);
msg.writeInt32LE(1, 4);        // requestID
msg.writeInt32LE(0, 8);        // responseTo
msg.writeInt32LE(OP_MSG, 12);
msg.writeUInt32LE(0, 16);      // flagBits
msg.writeUInt8(0, 20);         // section kind 0: body
doc.copy(msg, 21);

const sock = net.connect({ port, host });
const timer = setTimeout(() => { sock.destroy(); die(`no reply within ${timeoutMs} ms`); }, timeoutMs);
let buf = Buffer.alloc(0);
sock.on('connect', () => sock.write(msg));
sock.on('error', (err) => { clearTimeout(timer); die(err.message); });
sock.on('data', (data) => {
  buf = Buffer.concat([buf, data]);
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
  clearTimeout(timer);
  sock.destroy();
  try {
    if (buf.readInt32LE(8) !== 1) die('reply to another request');
    if (buf.readInt32LE(12) !== OP_MSG) die(`unexpected opCode ${buf.readInt32LE(12)}`);
    if (buf[20] !== 0) die('reply has no body section');
    const ok = topLevelField(buf.subarray(21), 'ok');
    if (ok !== 1 && ok !== true) die(`reply ok is ${ok}`);
  } catch (err) {
    die(`cannot parse reply: ${err.message}`);
  }
  process.exit(0);
});
