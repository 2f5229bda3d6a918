# evaluate's figures against an independent oracle (recompute.py reads only
# the `features` CSV files and, when python3-xgboost is there, our model.json):
# hit@3 of every category baseline, candidate recall, PR-AUC of the cart
# baselines, and the model's hit@3, PR-AUC and mean p_category_1..3. Then
# the claims on generated data (8 days, trained on the first 4, validated
# on days 5-6, evaluated on days 7-8): the category model beats every
# baseline on hit@3, the intent model every baseline on PR-AUC, and the mean
# p_purchase and p_category_1..3 over all scored sessions are within 25% of
# the observed rates. Measured: hit@3 0.989 against 0.966 (most viewed +
# popular fill); PR-AUC 0.809 against 0.676 (cart count); p_category_1
# 0.107 / 0.114 observed, p_category_3 0.0050 / 0.0061, p_purchase 0.075 /
# 0.084.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
py=python3
/usr/bin/python3 -c 'import xgboost' 2>/dev/null && py=/usr/bin/python3
set -e
"$ECOMCTL" -q synth --days 8 --rows 40000 --seed 21 -o r.csv
"$ECOMCTL" -q train r.csv --valid-from 2019-10-05 --models m --threads 1 > /dev/null
"$ECOMCTL" -q --json evaluate r.csv --from 2019-10-07 --models m > eval.json
"$ECOMCTL" -q features --task category --all-sessions r.csv -o cat.csv
"$ECOMCTL" -q features --task intent r.csv -o int.csv
$py "$CASE_DIR/recompute.py" eval.json cat.csv int.csv 2019-10-07 m
python3 - <<'PY'
import json
e = json.load(open("eval.json"))
i, c = e["intent"]["metrics"], e["category"]["metrics"]
for b, v in c.items():
    if isinstance(v, dict) and b not in ("model", "curves", "confusion"):
        assert c["model"]["hit3"] > v["hit3"], (b, c["model"]["hit3"], v["hit3"])
for b, v in i.items():
    if isinstance(v, dict) and b not in ("model", "curves", "confusion"):
        assert i["model"]["pr_auc"] > v["pr_auc"], (b, i["model"]["pr_auc"], v["pr_auc"])
d = i["calibration_deciles"]
n = sum(x["sessions"] for x in d)
mean_p = sum(x["mean_p"] * x["sessions"] for x in d) / n
rate = i["purchases"] / i["sessions"]
assert n == i["sessions"] and abs(mean_p / rate - 1) < 0.25, (mean_p, rate)
for k in c["calibration"]:
    assert abs(k["mean_p"] / k["observed"] - 1) < 0.25, k
    assert len(k["deciles"]) == 10 and sum(x["sessions"] for x in k["deciles"]) == k["sessions"]
print("p_purchase %.4f / %.4f;" % (mean_p, rate),
      "; ".join("p_category_%d %.4f / %.4f" % (k["k"], k["mean_p"], k["observed"])
                for k in c["calibration"]))
PY
