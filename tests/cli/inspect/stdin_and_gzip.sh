# "-" reads stdin; gzip is told from the bytes, not the name; several inputs
# are one stream (the same file three ways gives three times the rows).
set -e
gzip -c "$CASE_DIR/small.csv" > small.csv.gz
cp small.csv.gz renamed.csv
"$ECOMCTL" -q inspect --json --max-bad-fraction 0.2 small.csv.gz renamed.csv - < "$CASE_DIR/small.csv" > out.json
python3 - <<'PY'
import json
j = json.load(open("out.json"))
assert j["rows"] == 24, j["rows"]
assert j["good_rows"] == 21
assert j["gzip_inputs"] == 2, j["gzip_inputs"]
assert j["inputs"][2] == "<stdin>", j["inputs"]
assert j["duplicate_rows"] == 1 + 2 * 7, j["duplicate_rows"]
PY
