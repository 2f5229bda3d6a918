# labels: mongo
# `demo --mongo-uri` sends the session logs, the funnel report and the
# predictions: as many documents as the CSVs have rows (wc -l), one runs
# document per step that writes to MongoDB, each with the run id of that
# step's run manifest under DIR/runs.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" -q demo -n 4000 -o d --mongo-uri "$URI/dm"
[ "$(mfind dm sessions | wc -l)" -eq $(($(wc -l < d/sessions.csv) - 1)) ] || { echo "sessions"; exit 1; }
[ "$(mfind dm predictions | wc -l)" -eq $(($(wc -l < d/predictions.csv) - 1)) ] || { echo "predictions"; exit 1; }
[ "$(mfind dm funnel_reports | wc -l)" -eq 1 ] || { echo "funnel_reports"; exit 1; }
mfind dm runs > runs.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import glob, json, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
runs = {r["command"]: r["run_id"] for r in load("runs.jsonl")}
manifests = {}
for f in glob.glob("d/runs/*.json"):
    m = json.load(open(f))
    manifests[m["command"]] = m["run_id"]
want = {c: manifests[c] for c in ("sessions", "funnel", "score")}
if runs != want:
    die(f"runs documents {runs!r}, manifests {want!r}")
PY
echo ok
