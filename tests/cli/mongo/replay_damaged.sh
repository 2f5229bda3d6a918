# labels: mongo
# `mongo replay` never deletes a file it could not read whole. Spool files
# are made here by tests/mongo/spool.py (the format written without
# ecomctl), then damaged by hand:
#   - a CSV (alone, or named *.bson in a directory), an empty file, a
#     future format version: exit 65, the file left byte for byte, nothing
#     sent, and no connection needed;
#   - a spool cut in a record, one with a flipped payload byte, one with a
#     broken length, one with a damaged header: every intact record is sent
#     (exactly those, checked by their numbers in the database), the file is
#     renamed <name>.damaged, the message counts sent and unreadable
#     records, exit 65;
#   - a later directory replay leaves *.damaged alone; replaying one
#     explicitly sends its intact records again (idempotent), keeps it;
#   - an intact spool is sent and removed (exit 0).
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
SP="python3 $EC_SOURCE_DIR/tests/mongo/spool.py"
DOWN="mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=200&connectTimeoutMS=200"
run() { # want-status, then the replay arguments
	want=$1
	shift
	set +e
	"$ECOMCTL" mongo replay "$@" > rep.out 2> rep.err
	s=$?
	set -e
	[ $s -eq "$want" ] || { echo "exit $s, want $want: $*"; cat rep.err; exit 1; }
}
# the numbers n of the documents of db.sessions, sorted, on one line
numbers() { mfind "$1" sessions | python3 -c '
import json, sys
print(" ".join(str(n) for n in sorted(int(json.loads(l)["n"]["$numberInt"]) for l in sys.stdin)))'; }
seq_list() { python3 -c 'import sys; print(" ".join(str(k) for k in range(1, int(sys.argv[1]) + 1) if str(k) not in sys.argv[2:]))' "$@"; }

# ---- not spool files -------------------------------------------------------
"$ECOMCTL" synth --rows 200 --seed 1 -o ev.csv 2>/dev/null
cp ev.csv keep.csv
run 65 --spool ev.csv --mongo-uri "$DOWN"
cmp ev.csv keep.csv
grep -q "error: mongo replay: ev.csv: not an ecomctl spool file" rep.err || { cat rep.err; exit 1; }
: > empty.bson
run 65 --spool empty.bson --mongo-uri "$DOWN"
[ -e empty.bson ] && [ ! -s empty.bson ]
python3 - <<'PY'
import struct, zlib
head = b"\x89ECSPOOL" + struct.pack("<II", 2, 2) + b"r2"
open("v2.bson", "wb").write(head + struct.pack("<I", zlib.crc32(head)) + b"future records")
PY
cp v2.bson v2.keep
run 65 --spool v2.bson --mongo-uri "$DOWN"
cmp v2.bson v2.keep
grep -q "v2.bson: spool format version 2" rep.err || { cat rep.err; exit 1; }
# In a directory: the good spool goes, the CSV named .bson stays as it is.
mkdir mixed
cp ev.csv mixed/a.bson
$SP write mixed/b.bson r1 sessions 5
run 65 --spool mixed --mongo-uri "$URI/mixed"
cmp ev.csv mixed/a.bson
[ ! -e mixed/b.bson ] || { echo "the good spool was kept"; exit 1; }
[ "$(numbers mixed)" = "1 2 3 4 5" ] || { echo "mixed: $(numbers mixed)"; exit 1; }

# ---- damaged spools ---------------------------------------------------------
$SP write good.bson r1 sessions 50
$SP offsets good.bson > offsets
off() { sed -n "$1p" offsets; } # the frame offset of record k (1-based)
damaged() { # name, python statement on bytearray b, then the numbers expected
	name=$1
	mkdir "$name"
	python3 -c "b = bytearray(open('good.bson', 'rb').read()); $2; open('$name/x.bson', 'wb').write(b)"
	cp "$name/x.bson" "$name.copy"
	run 65 --spool "$name" --mongo-uri "$URI/$name"
	[ ! -e "$name/x.bson" ] || { echo "$name: still under its name"; exit 1; }
	cmp "$name/x.bson.damaged" "$name.copy" || { echo "$name: the kept file changed"; exit 1; }
	got=$(numbers "$name")
	[ "$got" = "$3" ] || { echo "$name: sent $got, want $3"; cat rep.err; exit 1; }
	grep -q "x.bson: damaged spool file: $4 records sent, $5 unreadable" rep.err ||
		{ echo "$name: message"; cat rep.err; exit 1; }
	grep -q "kept as $name/x.bson.damaged" rep.err || { cat rep.err; exit 1; }
}
damaged cut "del b[$(off 30) + 40:]" "$(seq_list 29)" 29 1
damaged flip "b[$(off 10) + 30] ^= 0x40" "$(seq_list 50 10)" 49 1
damaged length "b[$(off 20) + 7] = 0x7f" "$(seq_list 50 20)" 49 1
damaged header "b[17] ^= 1" "$(seq_list 50)" 50 0
damaged twice "b[$(off 5) + 20] ^= 1; b[$(off 6) + 20] ^= 1; del b[$(off 50) + 3:]" \
	"$(seq_list 49 5 6)" 47 3

# A directory replay does not take .damaged files again.
run 0 --spool cut --mongo-uri "$URI/cut"
grep -q "no spool files in cut" rep.err || { cat rep.err; exit 1; }
# Given explicitly: the intact records again (nothing doubles), name kept.
run 65 --spool cut/x.bson.damaged --mongo-uri "$URI/cut"
[ -e cut/x.bson.damaged ] && [ "$(numbers cut)" = "$(seq_list 29)" ]
# A second damaged file of the same name does not replace the first.
python3 -c "b = open('good.bson', 'rb').read(); open('cut/x.bson', 'wb').write(b[:-5])"
run 65 --spool cut --mongo-uri "$URI/cut"
cmp cut/x.bson.damaged cut.copy && [ -e cut/x.bson.damaged.2 ]

# ---- intact -----------------------------------------------------------------
mkdir ok && cp good.bson ok/
run 0 --spool ok --mongo-uri "$URI/ok"
[ -z "$(ls ok)" ] && [ "$(numbers ok)" = "$(seq_list 50)" ]
echo ok
