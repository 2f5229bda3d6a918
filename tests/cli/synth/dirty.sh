# --dirty adds duplicates, empty user_session and malformed rows; the reader
# rejects exactly the malformed ones synth says it wrote.
set -e
"$ECOMCTL" synth --rows 50000 --dirty --seed 5 -o d.csv --json > synth.json
"$ECOMCTL" -q inspect --json d.csv > inspect.json
python3 - <<'PY'
import json
s = json.load(open("synth.json")); i = json.load(open("inspect.json"))
assert s["dirty_malformed"] > 0 and s["dirty_duplicates"] > 0, s
assert i["bad_rows"] == s["dirty_malformed"], (i["bad_rows"], s["dirty_malformed"])
assert i["empty"]["user_session"] >= s["dirty_empty_session"] > 0, (i["empty"], s)
assert i["duplicate_rows"] >= s["dirty_duplicates"], (i["duplicate_rows"], s)
PY
