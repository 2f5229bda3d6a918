# `train --json`: one object with each task's model, sessions on each side
# of the split (as in its manifest), rounds, and the wall seconds of the
# featurizing and of each task's training (numbers, not checked for speed).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 4 --rows 12000 --seed 3 -o ev.csv
"$ECOMCTL" -q --json train ev.csv --models m --threads 1 --rounds 20 > out.json
python3 - <<'PY'
import json
o = json.load(open("out.json"))
assert o["command"] == "train" and isinstance(o["featurize_seconds"], (int, float))
assert o["featurize_seconds"] >= 0 and o["seconds"] >= o["featurize_seconds"], o
for t in ("intent", "category"):
    r = o[t]
    m = json.load(open("m/%s/v1/manifest.json" % t))
    assert r["model"] == t + "@v1" and r["production"] is True, r
    assert r["train_sessions"] == m["split"]["train_sessions"], (r, m["split"])
    assert r["valid_sessions"] == m["split"]["valid_sessions"], (r, m["split"])
    assert r["best_rounds"] == m["rounds"]["best"] <= 20, (r, m["rounds"])
    assert isinstance(r["train_seconds"], (int, float)) and r["train_seconds"] >= 0, r
PY
