# The category model's monotone constraints: the manifest's
# monotone_constraints holds the signs written below by hand, by feature
# name, in the manifest's column order; `--category-monotone off` trains
# without them. Where Debian's python3-xgboost is installed (an independent
# reader of the model), raising one constrained feature of every candidate
# row never moves the score against its sign.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 40000 --seed 5 -o ev.csv
"$ECOMCTL" -q train ev.csv --task category --models m --threads 1 --rounds 40 > /dev/null
"$ECOMCTL" -q train ev.csv --task category --models off --threads 1 --rounds 40 \
	--category-monotone off > /dev/null
"$ECOMCTL" -q features --task category ev.csv -o cat.csv
python3 - <<'PY'
import json
want = {"cand_views": 1, "cand_view_share": 1, "cand_viewed_last": 1, "cand_view_rank": -1,
        "cand_secs_since_view": -1, "cand_prior_views_log": 1, "cand_prior_carts_log": 1,
        "cand_prior_cart_rate": 1, "cand_user_carts": 1, "cand_dwell_share": 1,
        "cand_top_product_views": 1, "cand_prior_cart_share": 1, "cand_user_views": 1,
        "cand_user_view_sessions": 1, "cand_user_last_views": 1, "cand_cocart_max": 1,
        "cand_cocart_mix": 1, "cand_popularity_rank": -1, "cand_removes": 1,
        "cand_recency_rank": -1}
m = json.load(open("m/category/v1/manifest.json"))
names = m["features"]["names"]
assert set(want) <= set(names), set(want) - set(names)
signs = "(" + ",".join(str(want.get(n, 0)) for n in names) + ")"
assert m["params"]["monotone_constraints"] == signs, (m["params"], signs)
assert m["training"]["category_monotone"] is True, m["training"]
o = json.load(open("off/category/v1/manifest.json"))
assert "monotone_constraints" not in o["params"], o["params"]
assert o["training"]["category_monotone"] is False, o["training"]
json.dump(want, open("want.json", "w"))
PY
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || { echo "no python3-xgboost: monotonicity not checked"; exit 0; }
/usr/bin/python3 - <<'PY'
import csv, json
import numpy as np
import xgboost as xgb
want = json.load(open("want.json"))
rows = list(csv.reader(open("cat.csv")))
head, rows = rows[0], rows[1:]
names = json.load(open("m/category/v1/manifest.json"))["features"]["names"]
cols = [head.index(n) for n in names]
x = np.array([[float(r[c]) if r[c] != "" else np.nan for c in cols] for r in rows])
b = xgb.Booster(model_file="m/category/v1/model.json")
def pred(a):
    return b.predict(xgb.DMatrix(a, missing=np.nan, feature_names=names))
p0 = pred(x)
checked = 0
for n, s in want.items():
    j = names.index(n)
    y = x.copy()
    ok = ~np.isnan(y[:, j])
    span = np.nanmax(x[:, j]) - np.nanmin(x[:, j]) if ok.any() else 0
    y[ok, j] += max(span, 1.0) * 0.5
    d = (pred(y) - p0)[ok] * s
    assert (d >= -1e-6).all(), (n, s, d.min())
    checked += 1
print("monotone in", checked, "features over", len(rows), "candidate rows")
PY
