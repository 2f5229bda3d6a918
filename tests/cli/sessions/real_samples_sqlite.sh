# labels: real
# On each real sample (session key, default 30m gap, duplicates kept), the
# sessions and their events, carts and purchases equal what sqlite3 computes
# on the same CSV: a window function numbers the parts of each
# (user_id, user_session) where the gap exceeds 1800 s, then GROUP BY.
D=${EC_SHARED_DATA:-}
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
for f in multicat_2019-10_head_17434.csv.gz cosmetics_2019-10_head_20000.csv.gz \
	cosmetics_2019-10_tail_2283.csv.gz; do
	gzip -dc "$D/$f" > sample.csv
	"$ECOMCTL" -q sessions --keep-duplicates -o sessions.csv sample.csv
	rm -f db.sqlite
	sqlite3 -csv db.sqlite <<'SQL' > want.csv
.import sample.csv ev
WITH t AS (
  SELECT rowid AS rid, user_id, user_session, event_type,
         CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS ts
  FROM ev),
g AS (
  SELECT *, CASE WHEN ts - LAG(ts) OVER w > 1800 THEN 1 ELSE 0 END AS brk
  FROM t WINDOW w AS (PARTITION BY user_id, user_session ORDER BY ts, rid)),
p AS (
  SELECT *, 1 + SUM(brk) OVER (PARTITION BY user_id, user_session ORDER BY ts, rid
                               ROWS UNBOUNDED PRECEDING) AS part
  FROM g)
SELECT CASE WHEN part = 1 THEN user_session ELSE user_session || '/' || part END,
       user_id, COUNT(*), SUM(event_type = 'cart'), SUM(event_type = 'purchase')
FROM p GROUP BY user_id, user_session, part;
SQL
	sqlite3 -csv db.sqlite <<'SQL' > got.csv
.import --csv sessions.csv s
SELECT session_id, user_id, events, carts, purchases FROM s;
SQL
	sort want.csv > want.sorted
	sort got.csv > got.sorted
	if ! cmp -s want.sorted got.sorted; then
		echo "$f: sessions differ from sqlite3 (< sqlite3, > ecomctl):"
		diff want.sorted got.sorted | head -20
		exit 1
	fi
	echo "$f: $(wc -l < got.sorted) sessions agree"
done
