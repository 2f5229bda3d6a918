# Two runs on the same input write byte-identical files; the .gz output is
# the same bytes compressed.
set -e
"$ECOMCTL" -q synth --rows 5000 --days 2 --seed 11 -o ev.csv
for task in intent category; do
	"$ECOMCTL" -q features --task $task ev.csv -o a.csv
	"$ECOMCTL" -q features --task $task ev.csv -o b.csv
	"$ECOMCTL" -q features --task $task ev.csv -o c.csv.gz
	cmp a.csv b.csv
	gzip -dc c.csv.gz | cmp - a.csv
	[ "$(wc -l < a.csv)" -gt 100 ] || { echo "$task: too few rows"; exit 1; }
done
