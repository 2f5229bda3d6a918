# Two trains into one registry at the same time: the lock and the mkdir
# claim give them different versions (v1 and v2 of each task), and
# registry.json lists both.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 4 --rows 8000 --seed 2 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 20 > a.txt &
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 20 > b.txt &
wait %1
wait %2
python3 - <<'PY'
import json
r = json.load(open("m/registry.json"))
for t in ("intent", "category"):
    assert [v["version"] for v in r[t]["versions"]] == [1, 2], r
    assert r[t]["aliases"] == {"production": 1}, r
PY
[ -f m/intent/v2/model.json ] && [ -f m/category/v2/manifest.json ]
