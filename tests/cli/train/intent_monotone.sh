# The intent model's monotone constraints: +1 on carts, cart_value and
# net_carts (written here by name), nothing else; `--intent-monotone off`
# trains without them. Where python3-xgboost is installed (an independent
# reader of the model), raising any of the three in every session row never
# lowers p_purchase.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 30000 --seed 5 -o ev.csv
"$ECOMCTL" -q train ev.csv --task intent --models m --threads 1 --rounds 40 > /dev/null
"$ECOMCTL" -q train ev.csv --task intent --models off --threads 1 --rounds 40 \
	--intent-monotone off > /dev/null
"$ECOMCTL" -q features --task intent ev.csv -o int.csv
python3 - <<'PY'
import json
want = {"carts": 1, "cart_value": 1, "net_carts": 1}
def trials(d):
    return json.load(open(d + "/intent/v1/manifest.json"))
m, o = trials("m"), trials("off")
names = m["features"]["names"]
signs = "(" + ",".join(str(want.get(n, 0)) for n in names) + ")"
for t in m["trials"]:
    assert t["params"]["monotone_constraints"] == signs, (t["params"], signs)
assert m["training"]["intent_monotone"] is True
assert all("monotone_constraints" not in t["params"] for t in o["trials"])
assert o["training"]["intent_monotone"] is False
json.dump(want, open("want.json", "w"))
PY
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || { echo "no python3-xgboost: monotonicity not checked"; exit 0; }
/usr/bin/python3 - <<'PY'
import csv, json
import numpy as np
import xgboost as xgb
want = json.load(open("want.json"))
rows = list(csv.reader(open("int.csv")))
head, rows = rows[0], rows[1:]
names = json.load(open("m/intent/v1/manifest.json"))["features"]["names"]
cols = [head.index(n) for n in names]
x = np.array([[float(r[c]) if r[c] != "" else np.nan for c in cols] for r in rows])
b = xgb.Booster(model_file="m/intent/v1/model.json")
def pred(a):
    return b.predict(xgb.DMatrix(a, missing=np.nan, feature_names=names))
p0 = pred(x)
for n in want:
    j = names.index(n)
    for step in (1.0, 5.0, 100.0):
        y = x.copy()
        ok = ~np.isnan(y[:, j])
        y[ok, j] += step
        d = (pred(y) - p0)[ok]
        assert (d >= -1e-6).all(), (n, step, d.min())
print("p_purchase monotone in", ", ".join(want), "over", len(rows), "sessions")
PY
