# labels: mongo
# The server is killed (-9) while `score` writes predictions: the CSV is
# complete (the same rows as a run without MongoDB), the predictions not
# acknowledged are in out/spool/<run_id>.bson, exit 75. After a restart (an
# empty in-memory server), `mongo replay` sends the spool: the documents
# acknowledged before the kill plus those replayed are exactly what a full
# run with the same run id writes to a fresh database. The run manifest
# says temporary_failure, exit 75, with the runs document's run id.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 12000 --seed 32 -o ev.csv 2>/dev/null
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 15 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o plain/p.csv --run-id killed
ECOMCTL_TEST_MONGO_PAUSE_FILE="$PWD/pause" "$ECOMCTL" score ev.csv --models m -o out/p.csv \
	--run-id killed --runs-dir runs --mongo-uri "$URI/k?socketTimeoutMS=20000" > run.out 2> run.err &
kill_at_pause $! predictions before.jsonl
[ $s -eq 75 ] || { echo "exit $s, want 75"; cat run.err; exit 1; }
[ "$(wc -l < before.jsonl)" -eq 1000 ] || { echo "$(wc -l < before.jsonl) before the kill"; exit 1; }
cmp plain/p.csv out/p.csv || { echo "the CSV differs from a run without MongoDB"; exit 1; }
grep -q "send them with \`ecomctl mongo replay --spool out/spool\`" run.err || { cat run.err; exit 1; }
[ "$(ls out/spool)" = "killed.bson" ] || { echo "spool: $(ls out/spool)"; exit 1; }

mongo_restart
"$ECOMCTL" mongo replay --spool out/spool --mongo-uri "$URI/k" 2> replay.err ||
	{ cat replay.err; exit 1; }
[ -z "$(ls out/spool)" ] || { echo "spool left: $(ls out/spool)"; exit 1; }
mfind k predictions > after.jsonl
"$ECOMCTL" -q score ev.csv --models m -o full/p.csv --run-id killed --runs-dir full/runs \
	--mongo-uri "$URI/full"
mfind full predictions | sort > full.jsonl
sort before.jsonl after.jsonl > union.jsonl
[ "$(sort -u union.jsonl | wc -l)" -eq "$(wc -l < union.jsonl)" ] || { echo "sent twice"; exit 1; }
[ "$(wc -l < full.jsonl)" -eq $(($(wc -l < plain/p.csv) - 1)) ]
cmp union.jsonl full.jsonl || { echo "the documents differ from a full run"; exit 1; }
mfind k runs > runs.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" "$(wc -l < full.jsonl)" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
n = int(sys.argv[2])
runs = {r["command"]: r for r in load("runs.jsonl")}
s = runs["score"]
if s["run_id"] != "killed" or s["outcome"] != "spooled" or s["spool"] != "out/spool/killed.bson":
    die(f"score run: {s['run_id']!r} {s['outcome']!r} {s['spool']!r}")
if s["documents"]["predictions"] != {"written": n, "acknowledged": 1000,
                                     "not_acknowledged": n - 1000}:
    die(f"score run documents: {s['documents']!r}")
m = json.load(open("runs/killed.json"))
if m["outcome"] != "temporary_failure" or m["exit_status"] != 75 or m["run_id"] != "killed":
    die(f"manifest: {m['outcome']!r} {m['exit_status']!r}")
if m["counts"]["scored_sessions"] != n or m["mongo"]["spooled"] != n - 1000 + 1:
    die(f"manifest counts {m['counts']!r} mongo {m['mongo']!r}")
if "mongo replay" not in m["error"]:
    die(f"manifest error {m['error']!r}")
PY
echo ok
