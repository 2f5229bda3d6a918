# models list on an empty (or missing) registry says so and exits 0; with
# --json it prints the empty registry (no task) with the summary's keys. features --list --json lists every
# feature of `features --list` (the same names, in the same order).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" models list --models none > out
grep -q "no models registered in none" out
"$ECOMCTL" --json models list --models none > reg.json
python3 -c 'import json; d = json.load(open("reg.json")); assert d["format"] == 1 and d["status"] == "ok" and "intent" not in d and "category" not in d, d'
"$ECOMCTL" features --list > list.txt
"$ECOMCTL" --json features --list > list.json
python3 - <<'PY'
import json
text = [tuple(l.split()[:2]) for l in open("list.txt") if l.strip()]
js = [(f["task"], f["name"]) for f in json.load(open("list.json"))["features"]]
assert text == js and len(js) > 50, (len(text), len(js))
PY
