# labels: real
# inspect on each real sample reports exactly the figures of the samples'
# README, and the distinct counts the sqlite3 CLI computes on the same CSV.
D=${EC_SHARED_DATA:-}
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
# file rows view cart remove purchase users sessions purchase_sessions duplicates
# (the README's figures; -1: not given there, and checked by sqlite3 alone)
while read -r f rows view cart remove purchase users sessions bought dups; do
	"$ECOMCTL" -q inspect --json "$D/$f" > out.json
	gzip -dc "$D/$f" > sample.csv
	sqlite3 -csv db.sqlite <<SQL > oracle.csv
.import sample.csv ev
SELECT COUNT(DISTINCT product_id), COUNT(DISTINCT category_id),
       COUNT(DISTINCT brand) - (SUM(brand = '') > 0),
       COUNT(DISTINCT category_code) - (SUM(category_code = '') > 0),
       SUM(brand = ''), SUM(category_code = ''),
       COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM ev))
FROM ev;
SQL
	rm -f db.sqlite
	python3 - "$f" $rows $view $cart $remove $purchase $users $sessions $bought $dups <<'PY'
import csv, json, sys
f, *want = sys.argv[1:]
want = list(map(int, want))
j = json.load(open("out.json"))
got = [j["rows"], j["events"]["view"], j["events"]["cart"], j["events"]["remove_from_cart"],
       j["events"]["purchase"], j["distinct"]["users"], j["distinct"]["sessions"],
       j["sessions_with_purchase"], j["duplicate_rows"]]
if want[-1] < 0:  # the README gives no duplicate count for this file
    want[-1] = got[-1]
assert got == want, (f, "README", want, "inspect", got)
assert j["bad_rows"] == 0, j["rejects"]
o = list(map(int, next(csv.reader(open("oracle.csv")))))
got = [j["distinct"]["products"], j["distinct"]["categories"], j["distinct"]["brands"],
       j["distinct"]["category_codes"], j["empty"]["brand"], j["empty"]["category_code"],
       j["duplicate_rows"]]
assert got == o, (f, "sqlite3", o, "inspect", got)
print(f, "ok")
PY
done <<'LIST'
multicat_2019-10_head_17434.csv.gz 17434 17055 165 0 214 4504 5066 200 5
cosmetics_2019-10_head_20000.csv.gz 20000 8585 5735 4165 1515 3003 4194 172 1100
cosmetics_2019-10_tail_2283.csv.gz 2283 786 830 460 207 267 359 18 -1
LIST
