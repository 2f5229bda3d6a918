"""The spool file format of ecomctl (include/ecomctl/sink_mongo_spool.h),
written and read here without ecomctl or libbson: an independent check of
what the sink writes and of what `mongo replay` accepts.

  spool.py write FILE RUN_ID COLL N [FIRST]
      a spool of N documents of collection COLL, numbered FIRST (default
      1) on: {_id: ObjectId(000...0<k>), n: k, s: "doc k"}
  spool.py read FILE
      checks every byte of FILE and prints {"run_id", "records",
      "collections": {name: count}} as JSON; exits 1 at the first damage
  spool.py offsets FILE
      prints the byte offset of each record's frame, one a line
"""
import json
import struct
import sys
import zlib

MAGIC = b"\x89ECSPOOL"
MARKER = b"\xecREC"
VERSION = 1


def bson_doc(elements):
    body = b"".join(elements) + b"\x00"
    return struct.pack("<i", len(body) + 4) + body


def bson_str(key, value):
    v = value.encode() + b"\x00"
    return b"\x02" + key.encode() + b"\x00" + struct.pack("<i", len(v)) + v


def bson_int(key, value):
    return b"\x10" + key.encode() + b"\x00" + struct.pack("<i", value)


def bson_oid(key, k):
    return b"\x07" + key.encode() + b"\x00" + bytes(8) + struct.pack(">I", k)


def bson_sub(key, doc):
    return b"\x03" + key.encode() + b"\x00" + doc


def header(run_id):
    rid = run_id.encode()
    head = MAGIC + struct.pack("<II", VERSION, len(rid)) + rid
    return head + struct.pack("<I", zlib.crc32(head))


def record(coll, doc):
    payload = bson_doc([bson_str("c", coll), bson_sub("d", doc)])
    length = struct.pack("<I", len(payload))
    return MARKER + length + struct.pack("<I", zlib.crc32(length + payload)) + payload


def document(k):
    return bson_doc([bson_oid("_id", k), bson_int("n", k), bson_str("s", f"doc {k}")])


def spool(run_id, coll, n, first=1):
    return header(run_id) + b"".join(record(coll, document(k)) for k in range(first, first + n))


def read(data):
    """(run_id, [(offset, collection)]); raises ValueError at damage."""
    if data[:8] != MAGIC:
        raise ValueError("no magic")
    version, rlen = struct.unpack_from("<II", data, 8)
    if version != VERSION or rlen > 255:
        raise ValueError(f"version {version}, run id length {rlen}")
    (crc,) = struct.unpack_from("<I", data, 16 + rlen)
    if crc != zlib.crc32(data[: 16 + rlen]):
        raise ValueError("header crc")
    run_id = data[16 : 16 + rlen].decode()
    pos, out = 20 + rlen, []
    while pos < len(data):
        if data[pos : pos + 4] != MARKER or pos + 12 > len(data):
            raise ValueError(f"no record at {pos}")
        n, crc = struct.unpack_from("<II", data, pos + 4)
        payload = data[pos + 12 : pos + 12 + n]
        if len(payload) != n or crc != zlib.crc32(data[pos + 4 : pos + 8] + payload):
            raise ValueError(f"record at {pos}: length or crc")
        if struct.unpack_from("<i", payload)[0] != n or payload[4] != 0x02 or payload[5:7] != b"c\x00":
            raise ValueError(f"record at {pos}: not {{c, d}}")
        (slen,) = struct.unpack_from("<i", payload, 7)
        out.append((pos, payload[11 : 11 + slen - 1].decode()))
        pos += 12 + n
    return run_id, out


def main(argv):
    if len(argv) >= 5 and argv[1] == "write":
        first = int(argv[6]) if len(argv) > 6 else 1
        with open(argv[2], "wb") as f:
            f.write(spool(argv[3], argv[4], int(argv[5]), first))
        return 0
    if len(argv) == 3 and argv[1] in ("read", "offsets"):
        with open(argv[2], "rb") as f:
            data = f.read()
        try:
            run_id, recs = read(data)
        except ValueError as e:
            print(f"spool.py: {argv[2]}: {e}", file=sys.stderr)
            return 1
        if argv[1] == "offsets":
            print("\n".join(str(o) for o, _ in recs))
            return 0
        colls = {}
        for _, c in recs:
            colls[c] = colls.get(c, 0) + 1
        print(json.dumps({"run_id": run_id, "records": len(recs), "collections": colls}))
        return 0
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
