# labels: real
# --attribution, checked by sqlite3 on each real sample and on a generated
# file: the breakdown by top-level category and by price band when the
# values come from the event of the last step each unit reached, and from
# step 2's or step 3's event (units short of it: the row "(none)"). Units
# are the (user_id, user_session) groups as in oracle_sqlite.sh; in SQL, a
# step's event is the earliest allowed event of its type (ties in the same
# second: file order), so the cart of step 2 is the first cart in the file
# at the second t2, and so on.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
files=""
D=${EC_SHARED_DATA:-}
if [ -n "$D" ] && [ -d "$D" ]; then
	for f in multicat_2019-10_head_17434.csv.gz cosmetics_2019-10_tail_2283.csv.gz; do
		gzip -dc "$D/$f" > "$f.csv"
		files="$files $f.csv"
	done
else
	echo "no shared samples: only the generated file is checked" >&2
fi
"$ECOMCTL" -q synth --rows 40000 --seed 9 -o synth.csv
files="$files synth.csv"

# want FILE ATTR: sqlite3's rows dimension,value,units at steps 1..3.
want() {
	rm -f db.sqlite
	sqlite3 db.sqlite <<SQL
.mode csv
.import $1 ev
CREATE TABLE e AS
  SELECT rowid AS rid, user_id AS u, user_session AS s, event_type AS ty,
         CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS ts,
         CASE WHEN category_code = '' THEN 'id:' || category_id
              ELSE substr(category_code, 1, instr(category_code || '.', '.') - 1) END AS top,
         CASE WHEN CAST(price AS REAL) <= 0 THEN '<=0'
              WHEN CAST(price AS REAL) < 10 THEN '0-10'
              WHEN CAST(price AS REAL) < 25 THEN '10-25'
              WHEN CAST(price AS REAL) < 50 THEN '25-50'
              WHEN CAST(price AS REAL) < 100 THEN '50-100'
              WHEN CAST(price AS REAL) < 250 THEN '100-250'
              WHEN CAST(price AS REAL) < 500 THEN '250-500'
              WHEN CAST(price AS REAL) < 1000 THEN '500-1000'
              ELSE '1000+' END AS band
  FROM ev;
CREATE INDEX e_i ON e(u, s, ty, ts, rid);
CREATE TABLE v AS
  SELECT u, s, ts AS t1, rid AS r1 FROM (
    SELECT u, s, ts, rid, ROW_NUMBER() OVER (PARTITION BY u, s ORDER BY ts, rid) AS rn
    FROM e WHERE ty = 'view') WHERE rn = 1;
CREATE TABLE c AS
  SELECT v.*, (SELECT MIN(ts) FROM e WHERE e.u = v.u AND e.s = v.s AND e.ty = 'cart'
               AND e.ts >= v.t1) AS t2 FROM v;
CREATE TABLE c2 AS
  SELECT c.*, (SELECT MIN(rid) FROM e WHERE e.u = c.u AND e.s = c.s AND e.ty = 'cart'
               AND e.ts = c.t2) AS r2 FROM c;
CREATE TABLE p AS
  SELECT c2.*, (SELECT MIN(ts) FROM e WHERE e.u = c2.u AND e.s = c2.s AND e.ty = 'purchase'
                AND e.ts >= c2.t2) AS t3 FROM c2;
CREATE TABLE p2 AS
  SELECT p.*, (SELECT MIN(rid) FROM e WHERE e.u = p.u AND e.s = p.s AND e.ty = 'purchase'
               AND e.ts = p.t3) AS r3 FROM p;
CREATE TABLE a AS
  SELECT p2.*, CASE '$2' WHEN 'last' THEN COALESCE(r3, r2, r1)
                         WHEN 'step:2' THEN r2 WHEN 'step:3' THEN r3 END AS ra FROM p2;
CREATE TABLE g AS
  SELECT 'top' AS dim, COALESCE(e.top, '(none)') AS value, a.* FROM a LEFT JOIN e ON e.rid = a.ra
  UNION ALL
  SELECT 'price', COALESCE(e.band, '(none)'), a.* FROM a LEFT JOIN e ON e.rid = a.ra;
SELECT dim, value, COUNT(*), COUNT(t2), COUNT(t3) FROM g GROUP BY dim, value;
SQL
}

for f in $files; do
	for at in last step:2 step:3; do
		rm -rf out
		"$ECOMCTL" -q funnel --gap 1000d --max-session 1000d --lateness 1000d \
			--keep-duplicates --by top,price --attribution "$at" -o out "$f"
		want "$f" "$at" | sort > want.sorted
		sqlite3 db2.sqlite <<'SQL' | sort > got.sorted
.mode csv
.import out/funnel.csv f
SELECT dimension, value,
       SUM(CASE WHEN step = '1' THEN units END), SUM(CASE WHEN step = '2' THEN units END),
       SUM(CASE WHEN step = '3' THEN units END)
FROM f WHERE dimension <> 'all' GROUP BY dimension, value;
SQL
		rm -f db2.sqlite
		if ! cmp -s want.sorted got.sorted; then
			echo "$f --attribution $at: breakdown differs from sqlite3 (< sqlite3, > ecomctl):"
			diff want.sorted got.sorted | head -20
			exit 1
		fi
		grep -Eq "\"attribution\":[[:space:]]*\"$at\"" out/funnel.json ||
			{ echo "funnel.json does not say attribution $at"; exit 1; }
		echo "$f --attribution $at: $(wc -l < got.sorted) rows agree"
	done
	# Step 1's values with --attribution step:1 are those of the default.
	"$ECOMCTL" -q funnel --by top,price --attribution step:1 -o out1 "$f"
	"$ECOMCTL" -q funnel --by top,price -o out0 "$f"
	cmp out0/funnel.csv out1/funnel.csv
	rm -rf out0 out1
done

# Usage errors: exit 64 with the option named.
for bad in step:0 step:4 step:x steps:2 middle; do
	if "$ECOMCTL" -q funnel --attribution "$bad" -o bad synth.csv 2> err; then
		echo "--attribution $bad was accepted"
		exit 1
	else
		rc=$?
	fi
	[ "$rc" -eq 64 ] && grep -q -- "--attribution" err ||
		{ echo "--attribution $bad: exit $rc, $(cat err)"; exit 1; }
done
echo "bad specs refused"
