# The CSV files: the fixed leading columns, one header row, every row as many
# fields as the header, missing values as empty fields (never "nan"), and the
# files load as-is into sqlite3 with the same row count; --json tells the
# rows written.
set -e
"$ECOMCTL" -q synth --rows 3000 --days 2 --seed 5 -o ev.csv
"$ECOMCTL" -q --json features ev.csv -o intent.csv > summary.json
"$ECOMCTL" -q features --task category ev.csv -o category.csv
head -1 intent.csv | grep -q '^session_id,user_id,start,cutoff,label,events,views,' ||
	{ head -1 intent.csv; exit 1; }
head -1 category.csv | grep -q '^session_id,user_id,start,cutoff,candidate,label,truth,cand_' ||
	{ head -1 category.csv; exit 1; }
for f in intent.csv category.csv; do
	awk -F, 'NR == 1 { n = NF } NF != n { print FILENAME ":" NR ": " NF " fields, header " n; exit 1 }' $f
	! grep -qi 'nan\|inf' $f || { echo "$f: nan or inf written"; exit 1; }
	[ "$(grep -c '^session_id,' $f)" -eq 1 ] || { echo "$f: header repeated"; exit 1; }
done
rows=$(($(wc -l < intent.csv) - 1))
grep -q "\"feature_rows\":[[:space:]]*$rows," summary.json || { cat summary.json; exit 1; }
# category rows only for sessions with a cart or purchase: label 1 on some row
awk -F, 'NR > 1 { l[$1] += $6 } END { for (s in l) if (!l[s]) { print "unlabeled " s; exit 1 } }' category.csv
if command -v sqlite3 > /dev/null; then
	n=$(sqlite3 :memory: '.import --csv intent.csv t' 'SELECT COUNT(*) FROM t;')
	[ "$n" -eq "$rows" ] || { echo "sqlite3 sees $n rows, not $rows"; exit 1; }
	e=$(sqlite3 :memory: '.import --csv intent.csv t' "SELECT COUNT(*) FROM t WHERE gap_mean_s = '';")
	w=$(awk -F, 'NR > 1 && $6 < 2' intent.csv | wc -l)
	[ "$e" -eq "$w" ] || { echo "gap_mean_s empty $e times, sessions with < 2 events $w"; exit 1; }
fi
