# labels: real
# A real sample whose first 3,000 rows were moved to its end: those events
# are more than --lateness behind the watermark (17% of the events), which
# is more than --max-late-fraction (default 0.01): exit 65 saying so. With
# --max-late-fraction 0.5 the same run succeeds and counts them.
D=${EC_SHARED_DATA:-}
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: skipped"; exit 77; }
set -e
gzip -dc "$D/multicat_2019-10_head_17434.csv.gz" > base.csv
{ head -1 base.csv; tail -n +3002 base.csv; sed -n 2,3001p base.csv; } > moved.csv
"$ECOMCTL" -q sessions --json --max-late-fraction 0.5 -o s.csv moved.csv > ok.json
python3 -c '
import json; j = json.load(open("ok.json"))
assert j["late_events"] > 2900, j["late_events"]'
set +e
"$ECOMCTL" -q sessions -o s2.csv moved.csv > /dev/null 2> err
s=$?
grep -q "events were late.*more than --max-late-fraction 0.01" err || { cat err; exit 1; }
[ ! -e s2.csv ] || { echo "s2.csv written by a failed run"; exit 1; }
exit $s
