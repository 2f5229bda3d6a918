# Every member of a multi-member gzip file and every frame of a multi-frame
# zstd file is read: the rows equal the plain file's three times (python3's
# csv module counts them), and zstd is told from the bytes, not the name.
set -e
command -v zstd >/dev/null || { echo "no zstd: skipped"; exit 77; }
f="$CASE_DIR/small.csv"
{ gzip -c "$f"; tail -n +2 "$f" | gzip -c; tail -n +2 "$f" | gzip -1 -c; } > multi.gz
{ zstd -q -c "$f"; tail -n +2 "$f" | zstd -q --no-check -c; tail -n +2 "$f" | zstd -q -19 -c; } > multi.dat
cat "$f" > plain.csv; tail -n +2 "$f" >> plain.csv; tail -n +2 "$f" >> plain.csv
for x in plain.csv multi.gz multi.dat; do
	"$ECOMCTL" -q inspect --json --max-bad-fraction 0.5 "$x" > "$x.json"
done
python3 - <<'PY'
import csv, json
want = sum(1 for _ in csv.reader(open("plain.csv"))) - 1
for x in ("plain.csv", "multi.gz", "multi.dat"):
    j = json.load(open(x + ".json"))
    assert j["rows"] == want, (x, j["rows"], want)
a = json.load(open("plain.csv.json")); b = json.load(open("multi.gz.json")); c = json.load(open("multi.dat.json"))
for k in ("good_rows", "bad_rows", "rejects", "events", "distinct", "bytes_csv", "time_min", "time_max"):
    assert a[k] == b[k] == c[k], (k, a[k], b[k], c[k])
assert b["gzip_inputs"] == 1 and c["gzip_inputs"] == 0
print("ok", want)
PY
