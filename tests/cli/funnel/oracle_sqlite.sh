# labels: real
# An independent oracle: on each real sample and on a generated file, the
# default funnel (view, cart, purchase; session unit; ordered) and its
# breakdown by top-level category equal what sqlite3 computes on the same CSV,
# units per step and the median and p90 seconds between steps. Sessions are
# made exactly the (user_id, user_session) groups (huge gap, max-session and
# lateness; duplicates kept). In SQL, step 1 is a session's earliest view
# (ties: file order), step 2 its earliest cart at or after that second (<=:
# events of the same second may be in either order), step 3 its earliest
# purchase at or after step 2; medians are nearest-rank.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
files=""
D=${EC_SHARED_DATA:-}
if [ -n "$D" ] && [ -d "$D" ]; then
	for f in multicat_2019-10_head_17434.csv.gz cosmetics_2019-10_head_20000.csv.gz \
		cosmetics_2019-10_tail_2283.csv.gz; do
		gzip -dc "$D/$f" > "$f.csv"
		files="$files $f.csv"
	done
else
	echo "no shared samples: only the generated file is checked" >&2
fi
"$ECOMCTL" -q synth --rows 50000 --seed 5 -o synth.csv
files="$files synth.csv"

# check FILE KEY: compares out/funnel.csv with sqlite3's funnel of FILE where
# units are the groups of KEY ("u, s": sessions; "u": users).
check() {
	f=$1
	key=$2
	join_v=$(echo "$key" | sed 's/\([us]\)/e.\1 = v.\1/g; s/,/ AND/')
	join_c=$(echo "$key" | sed 's/\([us]\)/e.\1 = c.\1/g; s/,/ AND/')
	rm -f db.sqlite
	sqlite3 db.sqlite <<SQL > want.csv
.mode csv
.import $f ev
CREATE TABLE e AS
  SELECT rowid AS rid, user_id AS u, user_session AS s, event_type AS ty,
         CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS ts,
         CASE WHEN category_code = '' THEN 'id:' || category_id
              ELSE substr(category_code, 1, instr(category_code || '.', '.') - 1) END AS top
  FROM ev;
CREATE INDEX e_i ON e(u, s, ty, ts);
CREATE TABLE v AS
  SELECT $key, ts AS t1, top FROM (
    SELECT $key, ts, top, ROW_NUMBER() OVER (PARTITION BY $key ORDER BY ts, rid) AS rn
    FROM e WHERE ty = 'view') WHERE rn = 1;
CREATE TABLE c AS
  SELECT v.*, (SELECT MIN(ts) FROM e WHERE $join_v AND e.ty = 'cart'
               AND e.ts >= v.t1) AS t2 FROM v;
CREATE TABLE p AS
  SELECT c.*, (SELECT MIN(ts) FROM e WHERE $join_c AND e.ty = 'purchase'
               AND e.ts >= c.t2) AS t3 FROM c;
CREATE TABLE g AS SELECT 'all' AS by, '' AS value, p.* FROM p
  UNION ALL SELECT 'top', top, p.* FROM p;
CREATE TABLE d AS
  SELECT by, value, 2 AS step, t2 - t1 AS x FROM g WHERE t2 IS NOT NULL
  UNION ALL SELECT by, value, 3, t3 - t2 FROM g WHERE t3 IS NOT NULL;
CREATE TABLE r AS
  SELECT by, value, step, x,
         ROW_NUMBER() OVER (PARTITION BY by, value, step ORDER BY x) AS rn,
         COUNT(*) OVER (PARTITION BY by, value, step) AS n FROM d;
CREATE TABLE q AS
  SELECT by, value, step,
         MAX(CASE WHEN rn = (n + 1) / 2 THEN x END) AS med,
         MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN x END) AS p90
  FROM r GROUP BY by, value, step;
SELECT g.by, g.value, COUNT(*), COUNT(t2), COUNT(t3),
       (SELECT med FROM q WHERE q.by = g.by AND q.value = g.value AND step = 2),
       (SELECT p90 FROM q WHERE q.by = g.by AND q.value = g.value AND step = 2),
       (SELECT med FROM q WHERE q.by = g.by AND q.value = g.value AND step = 3),
       (SELECT p90 FROM q WHERE q.by = g.by AND q.value = g.value AND step = 3)
FROM g GROUP BY g.by, g.value;
SQL
	sqlite3 db2.sqlite <<'SQL' > got.csv
.mode csv
.import out/funnel.csv f
SELECT dimension, value,
       SUM(CASE WHEN step = '1' THEN units END), SUM(CASE WHEN step = '2' THEN units END),
       SUM(CASE WHEN step = '3' THEN units END),
       MAX(CASE WHEN step = '2' THEN NULLIF(median_s, '') END),
       MAX(CASE WHEN step = '2' THEN NULLIF(p90_s, '') END),
       MAX(CASE WHEN step = '3' THEN NULLIF(median_s, '') END),
       MAX(CASE WHEN step = '3' THEN NULLIF(p90_s, '') END)
FROM f GROUP BY dimension, value;
SQL
	rm -f db2.sqlite
	sort want.csv > want.sorted
	sort got.csv > got.sorted
	if ! cmp -s want.sorted got.sorted; then
		echo "$f: funnel differs from sqlite3 (< sqlite3, > ecomctl):"
		diff want.sorted got.sorted | head -20
		exit 1
	fi
	echo "$f ($key): $(wc -l < got.sorted) rows agree: $(grep '^all,' got.sorted)"
}

for f in $files; do
	rm -rf out
	"$ECOMCTL" -q funnel --gap 1000d --max-session 1000d --lateness 1000d \
		--keep-duplicates --by top -o out "$f"
	check "$f" "u, s"
done

# User units span sessions: with the default sessionizer (and sessions cut
# at 2h, so that users' events are released to their units as the stream
# goes), the funnel of each user's events in time order.
rm -rf out
"$ECOMCTL" -q funnel --unit user --keep-duplicates --max-session 2h --by top -o out synth.csv
check synth.csv "u"
