# The features CSV holds exactly the floats train and score use: XGBoost's
# own Python binding (Debian python3-xgboost, an independent reader), given
# the intent CSV and a model ecomctl trained, predicts every session as
# `ecomctl score` does (p_purchase is printed to 6 decimals). With 7 fixed
# significant digits, ~1% of the sessions landed on the other side of a
# split and differed by up to 0.17.
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || { echo "no python3-xgboost: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 7 --rows 60000 --seed 21 -o ev.csv
"$ECOMCTL" -q train ev.csv --task intent --models m --threads 1 --rounds 60 > /dev/null
"$ECOMCTL" -q features --task intent ev.csv -o x.csv
"$ECOMCTL" -q score ev.csv --models m --category-model none -o p.csv
/usr/bin/python3 - <<'PY'
import csv, json
import numpy as np
import xgboost as xgb
names = json.load(open("m/intent/v1/manifest.json"))["features"]["names"]
rows = list(csv.reader(open("x.csv")))
head, rows = rows[0], rows[1:]
cols = [head.index(n) for n in names]
x = np.array([[float(r[c]) if r[c] != "" else np.nan for c in cols] for r in rows],
             dtype=np.float32)
b = xgb.Booster(model_file="m/intent/v1/model.json")
assert b.feature_names == names, b.feature_names  # train writes the names in
p = b.predict(xgb.DMatrix(x, missing=np.nan, feature_names=names))
score = {r["session_id"]: r["p_purchase"] for r in csv.DictReader(open("p.csv"))}
assert len(rows) > 5000 and len(rows) == sum(v != "" for v in score.values())
bad = [(r[0], float(score[r[0]]), q) for r, q in zip(rows, p) if abs(float(score[r[0]]) - q) > 2e-6]
assert not bad, (len(bad), bad[:3])
print(len(rows), "sessions: the CSV reproduces score's p_purchase")
PY
