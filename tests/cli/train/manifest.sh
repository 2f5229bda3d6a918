# The manifest of a version: the inputs' size and sha256 (checked against
# sha256sum and wc -c), the feature names in the order `features --list`
# prints them, the versions, the command line, the threshold; registry.json
# lists the version with production pointing at it.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 9 -o ev.csv.gz
"$ECOMCTL" -q train ev.csv.gz --models m --threads 1 --rounds 30 > /dev/null
sha256sum ev.csv.gz | cut -d' ' -f1 > sha
wc -c < ev.csv.gz | tr -d ' ' > size
"$ECOMCTL" features --list > list
"$ECOMCTL" version > version
python3 - <<'PY'
import json
m = json.load(open("m/intent/v1/manifest.json"))
inp = m["inputs"][0]
assert inp["path"] == "ev.csv.gz", inp
assert inp["sha256"] == open("sha").read().strip(), inp
assert int(inp["size"]) == int(open("size").read()), inp
names = [l.split()[1] for l in open("list") if l.startswith("intent ")]
assert m["features"]["names"] == names, (m["features"]["names"], names)
assert m["features"]["count"] == len(names)
assert len(m["features"]["hash"]) == 16
v = open("version").read()
assert "ecomctl " + m["ecomctl_version"] in v and "XGBoost " + m["xgboost_version"] in v, v
cl = m["command_line"].split()
assert cl[:2] == ["ecomctl", "train"] and "ev.csv.gz" in cl and "--rounds" in cl, cl
assert 0 < m["threshold"] < 1 and m["task"] == "intent" and m["version"] == 1
assert m["metrics"]["model"]["best_f1_threshold"] == m["threshold"]
assert m["data"]["first_event"].startswith("2019-10-01"), m["data"]
r = json.load(open("m/registry.json"))
assert r["intent"]["aliases"] == {"production": 1}, r
assert r["category"]["versions"][0]["version"] == 1, r
c = json.load(open("m/category/v1/manifest.json"))
assert c["features"]["names"] == [l.split()[1] for l in open("list") if l.startswith("category ")]
PY
