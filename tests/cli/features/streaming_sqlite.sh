# Streaming with a short --max-session (10m) and --gap (5m), so that sessions
# go out of the featurizer long before the input ends. Checked against
# sqlite3 on the `sessions` output of the same run options:
#  - the rows are in start order (ties: session id), one per session whose
#    first event is not its purchase;
#  - user_sessions and user_purchase_sessions count the user's sessions T
#    with closed_at <= this start, where closed_at = min(T.end + gap,
#    T.start + max-session) (no midnight split; a max-session cut closes at
#    start + 600, an idle one at end + 300).
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
O="--gap 5m --max-session 10m --lateness 0"
"$ECOMCTL" -q synth --rows 30000 --days 1 --seed 21 -o ev.csv
"$ECOMCTL" -q sessions $O -o sessions.csv ev.csv
"$ECOMCTL" -q features $O -o features.csv ev.csv
sqlite3 -csv db.sqlite <<'SQL' > want.csv
.import --csv sessions.csv s
CREATE TABLE t AS SELECT session_id AS id, user_id AS u,
  CAST(strftime('%s', substr(start, 1, 19)) AS INTEGER) AS st,
  CAST(strftime('%s', substr("end", 1, 19)) AS INTEGER) AS en,
  start AS sts, first_purchase AS fp, converted AS conv FROM s;
CREATE INDEX t_u ON t(u);
SELECT a.id,
  (SELECT COUNT(*) FROM t b WHERE b.u = a.u AND MIN(b.en + 300, b.st + 600) <= a.st),
  (SELECT COUNT(*) FROM t b WHERE b.u = a.u AND MIN(b.en + 300, b.st + 600) <= a.st
                              AND b.conv = 1)
FROM t a WHERE a.fp = '' OR a.fp > a.sts ORDER BY a.st, a.id;
SQL
sqlite3 -csv db.sqlite <<'SQL' > got.csv
.import --csv features.csv f
SELECT session_id, user_sessions, user_purchase_sessions FROM f ORDER BY rowid;
SQL
if ! cmp -s want.csv got.csv; then
	echo "features differ from sqlite3 (< sqlite3, > ecomctl):"
	diff want.csv got.csv | head -10
	exit 1
fi
cut=$(awk -F, 'NR > 1 && $5 >= 600' sessions.csv | wc -l)
hist=$(awk -F, '$2 > 0' got.csv | wc -l)
[ "$cut" -gt 0 ] && [ "$hist" -gt 100 ] || { echo "fixture too weak: $cut cut, $hist with history"; exit 1; }
echo "$(wc -l < got.csv) sessions agree; $cut cut at 10m, $hist with history"
