# labels: mongo
# The server is killed (-9) while `sessions` writes: the file output is
# complete, every document not acknowledged is in out/spool/<run_id>.bson,
# exit 75 and the message says how to replay; the spool file is in the
# documented format (tests/mongo/spool.py reads it). After a restart (an empty
# in-memory server), `mongo replay` sends the spool and removes it: the
# documents acknowledged before the kill plus those replayed are exactly,
# byte for byte, what a full run writes to a fresh database.
#
# Test hook: with ECOMCTL_TEST_MONGO_PAUSE_FILE=F, the sink creates F after
# its first acknowledged batch and waits until F is removed (at most 120 s).
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 50000 --seed 21 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o plain/s.csv
ECOMCTL_TEST_MONGO_PAUSE_FILE="$PWD/pause" "$ECOMCTL" sessions ev.csv -o out/s.csv \
	--mongo-uri "$URI/k?socketTimeoutMS=20000" > run.out 2> run.err &
kill_at_pause $! sessions before.jsonl
[ $s -eq 75 ] || { echo "exit $s, want 75"; cat run.err; exit 1; }
[ "$(wc -l < before.jsonl)" -eq 1000 ] || { echo "$(wc -l < before.jsonl) before the kill"; exit 1; }
cmp plain/s.csv out/s.csv
grep -q "documents were not acknowledged.*send them with \`ecomctl mongo replay --spool out/spool\`" run.err ||
	{ cat run.err; exit 1; }
ls out/spool > spool.list
grep -qx '[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}\.bson' spool.list || { cat spool.list; exit 1; }
[ "$(wc -l < spool.list)" -eq 1 ]
# The spool is in the documented format (read by spool.py, without ecomctl):
# its header names the run, and it holds the sessions not acknowledged and
# the runs document.
python3 "$EC_SOURCE_DIR/tests/mongo/spool.py" read out/spool/*.bson > spool.json
python3 - "$(($(wc -l < plain/s.csv) - 1))" "$(cat spool.list)" <<'PY'
import json, sys
n, name = int(sys.argv[1]), sys.argv[2]
s = json.load(open("spool.json"))
if s["run_id"] + ".bson" != name or s["collections"] != {"sessions": n - 1000, "runs": 1}:
    sys.exit(f"spool: {s!r}, want {n - 1000} sessions and the runs document of {name}")
PY

mongo_restart
[ "$(mfind k sessions | wc -l)" -eq 0 ]   # the restarted server starts empty
"$ECOMCTL" mongo replay --spool out/spool --mongo-uri "$URI/k" 2> replay.err ||
	{ cat replay.err; exit 1; }
[ -z "$(ls out/spool)" ] || { echo "spool left: $(ls out/spool)"; exit 1; }
mfind k sessions > after.jsonl
"$ECOMCTL" -q sessions ev.csv -o full/s.csv --mongo-uri "$URI/full"
mfind full sessions | sort > full.jsonl
sort before.jsonl after.jsonl > union.jsonl
[ "$(sort -u union.jsonl | wc -l)" -eq "$(wc -l < union.jsonl)" ] || { echo "sent twice"; exit 1; }
[ "$(wc -l < full.jsonl)" -eq $(($(wc -l < plain/s.csv) - 1)) ]
cmp union.jsonl full.jsonl || { echo "the documents differ from a full run"; exit 1; }
mfind k runs > runs.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" "$(wc -l < full.jsonl)" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
n = int(sys.argv[2])
runs = {r["command"]: r for r in load("runs.jsonl")}
s, r = runs["sessions"], runs["mongo replay"]
if s["outcome"] != "spooled" or not s["spool"].startswith("out/spool/"):
    die(f"sessions run: {s['outcome']!r} {s['spool']!r}")
if s["documents"]["sessions"] != {"written": n, "acknowledged": 1000,
                                  "not_acknowledged": n - 1000}:
    die(f"sessions run documents: {s['documents']!r}")
if r["outcome"] != "ok" or r["counts"]["documents"] != n - 1000 + 1:   # + the runs document
    die(f"replay run: {r['outcome']!r} {r['counts']!r}")
PY
# Nothing left: a second replay has nothing to do.
"$ECOMCTL" mongo replay --spool out/spool --mongo-uri "$URI/k"
echo ok
