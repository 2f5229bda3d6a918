# Generated data is read with no bad row, in time order, with the profile's
# event types; sqlite3 agrees on the row count and finds every row's time valid.
set -e
for p in multicat cosmetics; do
	"$ECOMCTL" synth --rows 30000 --profile $p --seed 3 -o $p.csv
	"$ECOMCTL" -q inspect --json $p.csv > $p.json
	n=$(sqlite3 :memory: ".import --csv $p.csv ev" "SELECT COUNT(*) FROM ev WHERE event_time LIKE '____-__-__ __:__:__ UTC'")
	python3 - $p $n <<'PY'
import json, sys
p, n = sys.argv[1], int(sys.argv[2])
j = json.load(open(p + ".json"))
assert j["rows"] == 30000 == n, (j["rows"], n)
assert j["bad_rows"] == 0, j["rejects"]
ev = j["events"]
if p == "multicat":
    assert ev["remove_from_cart"] == 0, ev
else:
    assert ev["remove_from_cart"] > 0, ev
PY
done
