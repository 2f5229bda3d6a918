# `features` writes a run manifest whose counts equal what wc -l finds:
# rows of the input, feature rows of the output (intent: one per session
# with an event before its cutoff; category: one per candidate).
set -e
"$ECOMCTL" synth --rows 5000 --seed 42 -o ev.csv 2>/dev/null
"$ECOMCTL" -q features ev.csv -o out/fi.csv --runs-dir r1
"$ECOMCTL" -q features ev.csv --task category -o out/fc.csv.gz --runs-dir r2
python3 - "$CASE_DIR" <<'PY'
import gzip, sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
for d, out, task in (("r1", "out/fi.csv", "intent"), ("r2", "out/fc.csv.gz", "category")):
    m = one(d, "features")
    c = m["counts"]
    n = (gzip.open(out).read().count(b"\n") - 1) if out.endswith(".gz") else lines(out)
    if c["task"] != task or c["feature_rows"] != n or n <= 0:
        die(f"{task}: feature_rows {c['feature_rows']}, output {n}")
    if c["rows"] != lines("ev.csv") or m["inputs"][0]["rows"] != lines("ev.csv") or c["bad_rows"] != 0:
        die(f"{task}: rows {c['rows']}, input {lines('ev.csv')}")
    if [o["path"] for o in m["outputs"]] != [out]:
        die(f"{task}: outputs {m['outputs']!r}")
PY
echo ok
