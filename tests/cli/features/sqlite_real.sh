# labels: real
# On each real sample (session key, 30m gap, duplicates kept), a few intent
# features computed independently by sqlite3 from the raw CSV equal ecomctl's:
# label, events / views / carts / removes / distinct products before the
# first purchase (or all, without one), which sessions get a row at all
# (those with an event before the cutoff), and the user history: earlier
# sessions of the user with end + 1800 <= this start (closed_at is end + gap
# here: the samples span hours, so no session reaches --max-session), how
# many of them bought, and their views.
D=${EC_SHARED_DATA:-}
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
for f in multicat_2019-10_head_17434.csv.gz cosmetics_2019-10_head_20000.csv.gz \
	cosmetics_2019-10_tail_2283.csv.gz; do
	gzip -dc "$D/$f" > sample.csv
	"$ECOMCTL" -q features --keep-duplicates -o features.csv sample.csv
	rm -f db.sqlite
	sqlite3 -csv db.sqlite <<'SQL' > want.csv
.import sample.csv ev
WITH t AS (
  SELECT rowid AS rid, user_id, user_session, event_type, product_id,
         CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS ts
  FROM ev),
g AS (
  SELECT *, CASE WHEN ts - LAG(ts) OVER w > 1800 THEN 1 ELSE 0 END AS brk
  FROM t WINDOW w AS (PARTITION BY user_id, user_session ORDER BY ts, rid)),
p AS (
  SELECT *, 1 + SUM(brk) OVER (PARTITION BY user_id, user_session ORDER BY ts, rid
                               ROWS UNBOUNDED PRECEDING) AS part
  FROM g),
s AS (
  SELECT CASE WHEN part = 1 THEN user_session ELSE user_session || '/' || part END AS sid,
         user_id, user_session, part, MIN(ts) AS st, MAX(ts) AS en,
         MIN(CASE WHEN event_type = 'purchase' THEN ts END) AS fp,
         SUM(event_type = 'view') AS all_views
  FROM p GROUP BY user_id, user_session, part),
c AS (SELECT *, COALESCE(fp, en + 1) AS cutoff FROM s),
f AS (
  SELECT c.sid, c.user_id, c.st, c.fp IS NOT NULL AS label, COUNT(*) AS events,
         SUM(p.event_type = 'view') AS views, SUM(p.event_type = 'cart') AS carts,
         SUM(p.event_type = 'remove_from_cart') AS removes,
         COUNT(DISTINCT p.product_id) AS products
  FROM c JOIN p ON p.user_id = c.user_id AND p.user_session = c.user_session
               AND p.part = c.part AND p.ts < c.cutoff
  GROUP BY c.sid, c.user_id)
SELECT f.sid, f.user_id, f.label, f.events, f.views, f.carts, f.removes, f.products,
       (SELECT COUNT(*) FROM s h WHERE h.user_id = f.user_id AND h.en + 1800 <= f.st),
       (SELECT COUNT(*) FROM s h WHERE h.user_id = f.user_id AND h.en + 1800 <= f.st
                                   AND h.fp IS NOT NULL),
       (SELECT COALESCE(SUM(h.all_views), 0) FROM s h
         WHERE h.user_id = f.user_id AND h.en + 1800 <= f.st)
FROM f;
SQL
	sqlite3 -csv db.sqlite <<'SQL' > got.csv
.import --csv features.csv x
SELECT session_id, user_id, label, events, views, carts, removes, products,
       user_sessions, user_purchase_sessions, user_views FROM x;
SQL
	sort want.csv > want.sorted
	sort got.csv > got.sorted
	if ! cmp -s want.sorted got.sorted; then
		echo "$f: features differ from sqlite3 (< sqlite3, > ecomctl):"
		diff want.sorted got.sorted | head -20
		exit 1
	fi
	hist=$(awk -F, '$9 > 0' got.sorted | wc -l)
	echo "$f: $(wc -l < got.sorted) sessions agree ($hist with history)"
done
