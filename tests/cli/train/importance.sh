# The feature names are written into model.json (XGBoost's learner
# feature_names, in the order `features --list` prints them), and the
# manifest's "importance" lists {feature, gain, total_gain, splits} by gain:
# every name is one of `features --list`, gains descend, and where Debian's
# python3-xgboost is installed its own get_score(importance_type="gain")
# gives the same features and values.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 4 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 30 > /dev/null
"$ECOMCTL" features --list > list
python3 - <<'PY'
import json
for t in ("intent", "category"):
    listed = [l.split()[1] for l in open("list") if l.startswith(t + " ")]
    model = json.load(open("m/%s/v1/model.json" % t))
    assert model["learner"]["feature_names"] == listed, t
    assert model["learner"]["feature_types"] == ["float"] * len(listed), t
    imp = json.load(open("m/%s/v1/manifest.json" % t))["importance"]
    assert imp and all(e["feature"] in listed for e in imp), imp
    assert len({e["feature"] for e in imp}) == len(imp)
    g = [e["gain"] for e in imp]
    assert g == sorted(g, reverse=True) and all(e["splits"] > 0 for e in imp), imp
    assert all(abs(e["total_gain"] - e["gain"] * e["splits"]) < 1e-6 * e["total_gain"] for e in imp)
    print(t, [(e["feature"], round(e["gain"], 2)) for e in imp[:3]])
PY
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || { echo "no python3-xgboost: gains not checked"; exit 0; }
/usr/bin/python3 - <<'PY'
import json
import xgboost as xgb
for t in ("intent", "category"):
    b = xgb.Booster(model_file="m/%s/v1/model.json" % t)
    want = b.get_score(importance_type="gain")
    imp = json.load(open("m/%s/v1/manifest.json" % t))["importance"]
    assert set(want) == {e["feature"] for e in imp}, (want, imp)
    for e in imp:
        assert abs(want[e["feature"]] - e["gain"]) <= 1e-5 * max(1.0, want[e["feature"]]), e
PY
