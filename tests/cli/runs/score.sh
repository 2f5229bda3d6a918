# `score` writes a run manifest with the CSV's run_id (the run_id column);
# its counts equal what the CSV holds, counted here (rows, rows with a
# p_purchase, predicted buyers: decision 1, actual buyers: purchased 1).
# --run-id names the manifest; one that could name another file is refused
# (64) and nothing is written.
set -e
"$ECOMCTL" synth --rows 6000 --seed 43 -o ev.csv 2>/dev/null
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 --runs-dir tr > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o out/p.csv
"$ECOMCTL" -q score ev.csv --models m -o out/p2.csv --run-id nightly-2019.11.01 --runs-dir named
set +e
"$ECOMCTL" -q score ev.csv --models m -o bad/p.csv --run-id ../../escape 2> err
s=$?
set -e
[ $s -eq 64 ] || { echo "exit $s, want 64"; exit 1; }
grep -q -- "--run-id" err || { cat err; exit 1; }
[ ! -e bad ] && [ ! -e ../escape.json ] && [ ! -e escape.json ] || { echo "written"; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
m = one("output/runs", "score")
rows = list(csv.DictReader(open("out/p.csv")))
if {r["run_id"] for r in rows} != {m["run_id"]}:
    die(f"run_id column {sorted({r['run_id'] for r in rows})[:3]}, manifest {m['run_id']!r}")
c = m["counts"]
want = {"scored_sessions": len(rows),
        "with_p_purchase": sum(r["p_purchase"] != "" for r in rows),
        "predicted_purchases": sum(r["decision"] == "1" for r in rows),
        "actual_purchases": sum(r["purchased"] == "1" for r in rows),
        "sessions": lines("out/p.csv"), "rows": lines("ev.csv"),
        "intent_model": "intent@v1", "category_model": "category@v1"}
for k, v in want.items():
    if c[k] != v:
        die(f"counts {k} = {c[k]!r}, want {v!r}")
n = one("named", "score")
if n["run_id"] != "nightly-2019.11.01":
    die(f"named: {n['run_id']!r}")
if {r["run_id"] for r in csv.DictReader(open("out/p2.csv"))} != {"nightly-2019.11.01"}:
    die("named: run_id column")
PY
echo ok
