# `train` writes a run manifest: the versions it registered (a fresh
# registry: v1 of both), the model files as outputs with their sizes, and
# the input's rows as wc -l counts them.
set -e
"$ECOMCTL" synth --rows 5000 --seed 44 -o ev.csv 2>/dev/null
"$ECOMCTL" -q train ev.csv --models reg --threads 1 --rounds 10 > /dev/null
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
m = one("output/runs", "train")
c = m["counts"]
if c["intent"] != "intent@v1" or c["category"] != "category@v1":
    die(f"versions {c!r}")
want = sorted(f"reg/{t}/v1/{f}" for t in ("intent", "category") for f in ("model.json", "manifest.json"))
if sorted(o["path"] for o in m["outputs"]) != want or any(not o["size"] for o in m["outputs"]):
    die(f"outputs {m['outputs']!r}")
if c["rows"] != lines("ev.csv") or m["inputs"][0]["rows"] != lines("ev.csv"):
    die(f"rows {c['rows']}")
PY
echo ok
