# labels: real
# One far-future row (a 2030 timestamp) in a real October 2019 sample, put
# first, early, or in the middle: it is a bad row (time_out_of_range), it
# does not move the watermark, and the sessions are byte for byte those of
# the unmodified file; without the fix 99.9% of the events were dropped as
# late with exit 0.
D=${EC_SHARED_DATA:-}
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: skipped"; exit 77; }
set -e
gzip -dc "$D/multicat_2019-10_head_17434.csv.gz" > base.csv
"$ECOMCTL" -q sessions --json -o base.sessions.csv base.csv > base.json
for at in 2 4 9000; do
	python3 - "$at" <<'PY'
import sys
at = int(sys.argv[1])
lines = open("base.csv").read().split("\n")
row = lines[at - 1].split(",")  # a copy of line `at`, in 2030
row[0] = "2030-01-01 00:00:00 UTC"
lines.insert(at - 1, ",".join(row))
open("future.csv", "w").write("\n".join(lines))
PY
	"$ECOMCTL" -q sessions --json --rejects rej.csv -o future.sessions.csv future.csv > future.json
	python3 - "$at" <<'PY'
import csv, json, sys
at = int(sys.argv[1])
a = json.load(open("base.json")); b = json.load(open("future.json"))
assert b["rows"] == a["rows"] + 1, (a["rows"], b["rows"])
assert b["bad_rows"] == 1 and b["rejects"] == {"time_out_of_range": 1}, b
for k in ("sessions", "events", "duplicates_dropped", "late_events", "reordered_events"):
    assert a[k] == b[k], (k, a[k], b[k])
rej = list(csv.DictReader(open("rej.csv")))
assert len(rej) == 1 and rej[0]["line"] == str(at) and rej[0]["reason"] == "time_out_of_range", rej
assert rej[0]["row"].startswith("2030-01-01 00:00:00 UTC,"), rej
PY
	cmp base.sessions.csv future.sessions.csv
done
echo ok
