# models compare: two intent versions trained apart; on a later file, each
# side's metrics equal `evaluate --json` of that version on the same file;
# without files, each side is its own validation metrics from its manifest;
# the text table names both; two tasks at once is a usage error (64).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 20000 --seed 8 -o r.csv
"$ECOMCTL" -q synth --days 2 --rows 8000 --seed 9 --start 2019-10-07 -o later.csv
"$ECOMCTL" -q train r.csv --models m --threads 1 --task intent
"$ECOMCTL" -q train r.csv --models m --threads 1 --task intent --max-depth 2 --rounds 30
"$ECOMCTL" -q train r.csv --models m --threads 1 --task category
"$ECOMCTL" -q --json models compare intent@v1 intent@v2 later.csv --models m > cmp.json
"$ECOMCTL" -q --json models compare intent@v1 intent@v2 --models m > own.json
"$ECOMCTL" models compare intent@v1 intent@v2 --models m > cmp.txt
grep -q "intent@v1" cmp.txt && grep -q "intent@v2" cmp.txt && grep -q "pr_auc" cmp.txt
for v in 1 2; do
    "$ECOMCTL" -q --json evaluate later.csv --models m --model intent@v$v > e$v.json
done
python3 - <<'PY'
import json
c = json.load(open("cmp.json"))
assert c["evaluated_on"] == "files"
for side, v in (("a", 1), ("b", 2)):
    e = json.load(open("e%d.json" % v))["intent"]["metrics"]
    assert c[side]["model"] == "intent@v%d" % v
    assert c[side]["metrics"]["model"] == e["model"], (side, c[side]["metrics"]["model"], e["model"])
o = json.load(open("own.json"))
for side, v in (("a", 1), ("b", 2)):
    man = json.load(open("m/intent/v%d/manifest.json" % v))
    assert o[side]["metrics"]["model"] == man["metrics"]["model"], side
assert o["a"]["metrics"]["model"] != o["b"]["metrics"]["model"]
PY
set +e
"$ECOMCTL" -q models compare intent@v1 category@v1 --models m
[ $? -eq 64 ] || { echo "two tasks: expected 64"; exit 1; }
exit 0
