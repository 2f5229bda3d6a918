# --grid: every trial is recorded in the manifest with its parameters and
# validation metric, and the selected one has the best metric (PR-AUC for
# intent, hit@3 for category); its parameters are the model's.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 7 --rows 30000 --seed 5 -o ev.csv
cat > grid.json <<'G'
{"intent": [{"max_depth": 2, "eta": 0.3}, {"max_depth": 5}, {"max_depth": 3, "min_child_weight": 5}],
 "category": [{"max_depth": 2}, {"max_depth": 4, "eta": 0.2}]}
G
"$ECOMCTL" -q train ev.csv --grid grid.json --models m --threads 1 --rounds 60 > /dev/null
python3 - <<'PY'
import json
for task, n in (("intent", 3), ("category", 2)):
    m = json.load(open(f"m/{task}/v1/manifest.json"))
    t = m["trials"]
    assert len(t) == n, t
    sel = [x for x in t if x["selected"]]
    assert len(sel) == 1, t
    best = max(x["metric"] for x in t)
    assert sel[0]["metric"] == best, t
    assert sel[0]["params"] == m["params"], (sel[0]["params"], m["params"])
    assert t[0]["params"]["max_depth"] == "2", t[0]
PY
