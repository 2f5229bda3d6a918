# labels: mongo
# A run that fails on its input (too many bad rows: exit 65) still records
# itself: its runs document says "failed" with the error, and its file
# output is not committed.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 3000 --dirty --seed 5 -o d.csv 2>/dev/null
set +e
"$ECOMCTL" sessions d.csv -o out/s.csv --max-bad-rows 0 --mongo-uri "$URI/f" 2> err
s=$?
set -e
[ $s -eq 65 ] || { echo "exit $s, want 65"; cat err; exit 1; }
[ ! -e out/s.csv ] || { echo "a failed run committed its CSV"; exit 1; }
mfind f runs > runs.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
runs = load("runs.jsonl")
if len(runs) != 1 or runs[0]["outcome"] != "failed" or "bad rows" not in (runs[0]["error"] or ""):
    die(f"runs: {[(r['outcome'], r['error']) for r in runs]}")
PY
echo ok
