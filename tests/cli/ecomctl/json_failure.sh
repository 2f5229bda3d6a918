# --json on every outcome: a successful run's summary carries
# schema_version 1, its run_id (the run manifest's), status "ok", exit 0
# and error null; a failed run (missing input: 66) prints one object with
# command, status "failed", exit 66, the error and its run_id; a run with
# an unknown command line option prints its failure too (exit 64).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 3000 -o ev.csv
"$ECOMCTL" --json sessions ev.csv -o s.csv > ok.json
"$ECOMCTL" --json funnel ev.csv -o f > funnel.json
set +e
"$ECOMCTL" --json sessions nothere.csv -o s2.csv > fail.json 2> fail.err
[ $? -eq 66 ] || { echo "expected 66"; exit 1; }
"$ECOMCTL" --json score ev.csv --models none-here -o p.csv > score.json 2> score.err
echo $? > score.status
set -e
python3 - <<'PY'
import json, os
for f in ("ok.json", "funnel.json"):
    o = json.load(open(f))
    assert o["schema_version"] == 1 and o["status"] == "ok" and o["exit"] == 0 and o["error"] is None, o
    assert os.path.exists("output/runs/%s.json" % o["run_id"]), o["run_id"]
    assert json.load(open("output/runs/%s.json" % o["run_id"]))["exit_status"] == 0
lines = open("fail.json").read().splitlines()
assert len(lines) >= 1
f = json.loads(open("fail.json").read())
assert f["command"] == "sessions" and f["status"] == "failed" and f["exit"] == 66, f
assert "nothere.csv" in f["error"] and f["schema_version"] == 1, f
run = json.load(open("output/runs/%s.json" % f["run_id"]))
assert run["exit_status"] == 66 and run["outcome"] == "failed", run
s = json.load(open("score.json"))
status = int(open("score.status").read())
assert status != 0 and s["exit"] == status and s["status"] == "failed" and s["error"], (status, s)
PY
