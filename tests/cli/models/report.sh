# models report: train on generated data, report both models, and check
# model-report.json against independent computations: importance names are
# features of `features --list` and, where python3-xgboost is installed,
# equal XGBoost's own gain importance read from our model.json; the
# calibration deciles cover every validation session; the ROC curve's
# trapezoid area is the ROC-AUC (within the thinning to 101 points); the
# confusion matrix adds up to the sessions and the purchases; with a file,
# the metrics are those of `evaluate --json` on it. Then the HTML page holds
# every section and the --against drift of a score run.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
py=python3
/usr/bin/python3 -c 'import xgboost' 2>/dev/null && py=/usr/bin/python3
set -e
"$ECOMCTL" -q synth --days 6 --rows 30000 --seed 8 -o r.csv
"$ECOMCTL" -q synth --days 2 --rows 10000 --seed 9 --start 2019-10-07 -o later.csv
"$ECOMCTL" -q train r.csv --models m --threads 1
"$ECOMCTL" -q features --list > list.txt
"$ECOMCTL" -q models report intent@v1 --models m -o ri
"$ECOMCTL" -q models report category --models m -o rc
"$ECOMCTL" -q models report intent --models m -o rf later.csv
"$ECOMCTL" -q --json evaluate later.csv --models m --model intent@v1 > eval.json
"$ECOMCTL" -q score later.csv --models m -o p.csv --run-id night1
"$ECOMCTL" -q models report intent --models m -o rd --against night1
$py - <<'PY'
import json, re
names = {}
for line in open("list.txt"):
    f = line.split()
    if len(f) >= 2 and f[0] in ("intent", "category"):
        names.setdefault(f[0], []).append(f[1])
ri = json.load(open("ri/model-report.json"))
rc = json.load(open("rc/model-report.json"))
for r, task in ((ri, "intent"), (rc, "category")):
    assert r["schema_version"] == 1 and r["task"] == task and r["model"] == task + "@v1", r["model"]
    assert r["evaluated_on"]["kind"] == "validation"
    imp = r["importance"]
    assert imp and all(set(i) >= {"feature", "gain"} for i in imp)
    assert all(i["feature"] in names[task] for i in imp), [i["feature"] for i in imp]
    assert [i["gain"] for i in imp] == sorted((i["gain"] for i in imp), reverse=True)
    cal = r["calibration"]
    assert len(cal) == 10 and all(set(c) >= {"predicted", "observed", "n"} for c in cal)
    assert r["baselines"] and r["lineage"]["inputs"][0]["path"].endswith("r.csv")
    assert r["trials"] and any(t["selected"] for t in r["trials"])
m = ri["metrics"]
assert sum(c["n"] for c in ri["calibration"]) == m["sessions"], (ri["calibration"], m)
assert set(ri["baselines"]) == {"base_rate", "has_cart", "cart_count"}, ri["baselines"].keys()
roc = ri["curves"]["roc"]
assert roc[0] == {"fpr": 0, "tpr": 0} and roc[-1] == {"fpr": 1, "tpr": 1} and len(roc) <= 101
area = sum((b["fpr"] - a["fpr"]) * (a["tpr"] + b["tpr"]) / 2 for a, b in zip(roc, roc[1:]))
assert abs(area - m["roc_auc"]) < 0.01, (area, m["roc_auc"])
c = ri["confusion"]
assert c["tp"] + c["fp"] + c["fn"] + c["tn"] == m["sessions"] and c["tp"] + c["fn"] == m["purchases"], c
assert abs(c["threshold"] - ri["lineage"]["threshold"]) < 1e-12
g = ri["gains"]
assert [x["top"] for x in g] == [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
assert all(0 <= x["captured"] <= 1 for x in g) and g[-1]["captured"] >= g[0]["captured"]
assert 0 <= rc["metrics"]["candidate_recall"] <= 1 and rc["calibration_by_rank"][0]["k"] == 1
rf = json.load(open("rf/model-report.json"))
ev = json.load(open("eval.json"))["intent"]["metrics"]
assert rf["evaluated_on"]["kind"] == "files" and rf["evaluated_on"]["files"] == ["later.csv"]
for k, v in ev["model"].items():
    assert rf["metrics"][k] == v, (k, rf["metrics"][k], v)
assert rf["metrics"]["sessions"] == ev["sessions"]
rd = json.load(open("rd/model-report.json"))
assert rd["drift"]["run_id"] == "night1"
assert rd["drift"]["psi"][0]["name"] == "p_purchase" and all(p["task"] == "intent" for p in rd["drift"]["psi"])
try:
    import xgboost
except ImportError:
    print("no python3-xgboost: importance not recomputed")
else:
    for task, r in (("intent", ri), ("category", rc)):
        b = xgboost.Booster(model_file="m/%s/v1/model.json" % task)
        assert b.feature_names == names[task], (b.feature_names, names[task])
        gain = b.get_score(importance_type="gain")
        ours = {i["feature"]: i["gain"] for i in r["importance"]}
        assert set(gain) == set(ours), (set(gain) ^ set(ours))
        for f, v in gain.items():
            assert abs(v - ours[f]) <= 1e-6 * max(1, abs(v)), (f, v, ours[f])
    print("importance equals XGBoost's gain importance")
PY
for d in ri rc rd; do
    for id in summary metrics calibration importance lineage trials; do
        grep -q "id=\"$id\"" $d/model-report.html || { echo "$d: no section $id"; exit 1; }
    done
done
grep -q 'id="curves"' ri/model-report.html
grep -q 'id="confusion"' ri/model-report.html
grep -q 'id="candidates"' rc/model-report.html
grep -q 'id="drift"' rd/model-report.html
