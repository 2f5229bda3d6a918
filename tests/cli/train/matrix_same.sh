# The streamed path (--matrix quantile, forced on this small file: rows spilled, a
# QuantileDMatrix for training, external-memory pages for validation) against
# the rows held in memory (--matrix memory, the path before spilling), one
# thread, both tasks, a grid of two trials: the same validation metrics (to
# 1e-9; measured: the models are byte-identical, which is also checked, as
# XGBoost 1.7.4 sketches the same cuts from 65,536-row batches on this size)
# and the same drift reference.
set -e
"$ECOMCTL" -q synth --days 8 --rows 40000 --seed 12 -o ev.csv
echo '{"intent": [{"max_depth": 3}, {"max_depth": 5}], "category": [{"max_depth": 4}]}' > g.json
"$ECOMCTL" -q train ev.csv --models q --threads 1 --rounds 60 --grid g.json --json \
	--matrix quantile > q.json
"$ECOMCTL" -q train ev.csv --models mem --threads 1 --rounds 60 --grid g.json --json \
	--matrix memory > mem.json
python3 - <<'PY'
import json
q, m = json.load(open("q.json")), json.load(open("mem.json"))
for task in ("intent", "category"):
    a, b = q[task], m[task]
    assert a["best_rounds"] == b["best_rounds"], (task, a["best_rounds"], b["best_rounds"])
    for name, v in a["metrics"]["model"].items():
        w = b["metrics"]["model"][name]
        assert (v is None and w is None) or abs(v - w) < 1e-9, (task, name, v, w)
    ma = json.load(open("q/%s/v1/manifest.json" % task))
    mb = json.load(open("mem/%s/v1/manifest.json" % task))
    assert ma["reference"] == mb["reference"], task
    assert ma["training"]["matrix"] == "quantile" and mb["training"]["matrix"] == "memory"
print("ok")
PY
cmp q/intent/v1/model.json mem/intent/v1/model.json
cmp q/category/v1/model.json mem/category/v1/model.json
