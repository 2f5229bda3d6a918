# Scores are a function of the data, the seed and the thread count: two
# registries trained apart on the same file with the same --seed and
# --threads score every session with the same bytes (run ids set equal),
# and their model files are the same bytes.
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 21 -o ev.csv
for m in a b; do
	"$ECOMCTL" -q train ev.csv --models $m --threads 2 --seed 5 --rounds 25 > /dev/null
	"$ECOMCTL" -q score ev.csv --models $m -o pred-$m.csv --run-id r
done
cmp a/intent/v1/model.json b/intent/v1/model.json
cmp a/category/v1/model.json b/category/v1/model.json
cmp pred-a.csv pred-b.csv
[ "$(wc -l < pred-a.csv)" -gt 1000 ]
