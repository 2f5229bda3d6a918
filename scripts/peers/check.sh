#!/bin/sh
# Checks the DuckDB peer (duckdb.mjs) against the sqlite3 CLI: for each FILE
# (CSV or .csv.gz), runs every job with DuckDB on the file as given, loads the
# decompressed CSV into sqlite3, runs the same jobs there in SQL written
# independently (times compared as fixed-width strings, the first view's
# category found by a join rather than a struct minimum), and diffs: count and
# funnel exactly, sessions after sorting (DuckDB writes them unordered).
# When an ecomctl binary is found (ECOMCTL, else build/ecomctl), also compares
# its inspect event counts, and its sessions run like for like
# (--gap 1000d --max-session 1000d --keep-duplicates, top_category cut).
# Prints one line per comparison; exits 1 if any differs.
# usage: scripts/peers/check.sh FILE...   (needs node, sqlite3; npm ci done)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 FILE..." >&2; exit 2; }
[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund >&2)
ecomctl=${ECOMCTL:-$here/../../build/ecomctl}
[ -x "$ecomctl" ] || ecomctl=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

same() { # NAME A B: diff two outputs, print the verdict
	if cmp -s "$2" "$3"; then
		echo "same  $1 ($(($(wc -l < "$2") - 1)) rows)"
	else
		echo "DIFF  $1"
		diff "$2" "$3" | head -10
		status=1
	fi
}

sorted() { # FILE: header, then the other lines sorted
	head -n 1 "$1"
	tail -n +2 "$1" | LC_ALL=C sort
}

for f in "$@"; do
	name=$(basename "$f")
	case $f in
	*.gz) gzip -dc "$f" > "$tmp/in.csv" ;;
	*) cp "$f" "$tmp/in.csv" ;;
	esac
	for job in count sessions funnel; do
		node "$here/duckdb.mjs" "$job" "$f" "$tmp/duck-$job.csv"
	done

	rm -f "$tmp/db"
	sqlite3 -bail "$tmp/db" <<EOF
CREATE TABLE ev (event_time TEXT, event_type TEXT, product_id INTEGER,
  category_id INTEGER, category_code TEXT, brand TEXT, price REAL,
  user_id INTEGER, user_session TEXT);
.import --csv --skip 1 $tmp/in.csv ev
.headers on
.mode list
.separator "," "\n"

.output $tmp/lite-count.csv
WITH k(event_type, ord) AS (VALUES ('view', 1), ('cart', 2),
    ('remove_from_cart', 3), ('purchase', 4)),
  a AS (SELECT event_type FROM k UNION SELECT DISTINCT event_type FROM ev)
SELECT a.event_type AS event_type,
  (SELECT count(*) FROM ev WHERE ev.event_type = a.event_type) AS events
FROM a LEFT JOIN k USING (event_type)
ORDER BY coalesce(k.ord, 5), 1;

.output $tmp/lite-sessions.csv
SELECT user_session AS session_id, user_id,
  min(event_time) AS start, max(event_time) AS "end",
  strftime('%s', substr(max(event_time), 1, 19))
    - strftime('%s', substr(min(event_time), 1, 19)) AS duration_s,
  count(*) AS events,
  sum(event_type = 'view') AS views,
  sum(event_type = 'cart') AS carts,
  sum(event_type = 'remove_from_cart') AS removes,
  sum(event_type = 'purchase') AS purchases,
  count(DISTINCT product_id) AS products,
  count(DISTINCT category_id) AS categories,
  count(DISTINCT nullif(brand, '')) AS brands,
  printf('%.2f', total(CASE WHEN event_type = 'cart' THEN price END)) AS cart_value,
  printf('%.2f', total(CASE WHEN event_type = 'purchase' THEN price END)) AS revenue,
  min(CASE WHEN event_type = 'purchase' THEN event_time END) AS first_purchase,
  max(event_type = 'purchase') AS converted
FROM ev GROUP BY user_id, user_session;

.output stdout
CREATE TABLE fv AS SELECT user_id, user_session, min(event_time) AS t
  FROM ev WHERE event_type = 'view' GROUP BY user_id, user_session;
CREATE UNIQUE INDEX fv_u ON fv (user_id, user_session);
CREATE TABLE fcat AS SELECT fv.user_id, fv.user_session,
    min(CASE WHEN coalesce(ev.category_code, '') = '' THEN 'id:' || ev.category_id
        WHEN instr(ev.category_code, '.') = 0 THEN ev.category_code
        ELSE substr(ev.category_code, 1, instr(ev.category_code, '.') - 1) END) AS cat
  FROM ev JOIN fv ON ev.user_id = fv.user_id AND ev.user_session = fv.user_session
  WHERE ev.event_type = 'view' AND ev.event_time = fv.t
  GROUP BY fv.user_id, fv.user_session;
CREATE TABLE fc AS SELECT fv.user_id, fv.user_session, min(ev.event_time) AS t
  FROM ev JOIN fv ON ev.user_id = fv.user_id AND ev.user_session = fv.user_session
  WHERE ev.event_type = 'cart' AND ev.event_time >= fv.t
  GROUP BY fv.user_id, fv.user_session;
CREATE UNIQUE INDEX fc_u ON fc (user_id, user_session);
CREATE TABLE fp AS SELECT DISTINCT fc.user_id, fc.user_session
  FROM ev JOIN fc ON ev.user_id = fc.user_id AND ev.user_session = fc.user_session
  WHERE ev.event_type = 'purchase' AND ev.event_time >= fc.t;
CREATE UNIQUE INDEX fp_u ON fp (user_id, user_session);
CREATE TABLE units AS SELECT fcat.cat,
    fc.t IS NOT NULL AS c, fp.user_id IS NOT NULL AS p
  FROM fcat
  LEFT JOIN fc ON fc.user_id = fcat.user_id AND fc.user_session = fcat.user_session
  LEFT JOIN fp ON fp.user_id = fcat.user_id AND fp.user_session = fcat.user_session;
CREATE TABLE g AS
  SELECT 1 AS overall, NULL AS cat, count(*) AS v, sum(c) AS c, sum(p) AS p FROM units
  UNION ALL
  SELECT 0, cat, count(*), sum(c), sum(p) FROM units GROUP BY cat;

.output $tmp/lite-funnel.csv
SELECT CASE WHEN overall THEN 'all' ELSE 'category=' || cat END AS breakdown,
  s.step AS step,
  CASE s.o WHEN 1 THEN v WHEN 2 THEN c ELSE p END AS units
FROM g, (SELECT 'view' AS step, 1 AS o UNION ALL SELECT 'cart', 2
         UNION ALL SELECT 'purchase', 3) s
ORDER BY overall DESC, v DESC, cat, s.o;
EOF

	same "count    $name: duckdb vs sqlite" "$tmp/duck-count.csv" "$tmp/lite-count.csv"
	sorted "$tmp/duck-sessions.csv" > "$tmp/a"
	sorted "$tmp/lite-sessions.csv" > "$tmp/b"
	same "sessions $name: duckdb vs sqlite" "$tmp/a" "$tmp/b"
	same "funnel   $name: duckdb vs sqlite" "$tmp/duck-funnel.csv" "$tmp/lite-funnel.csv"

	[ -n "$ecomctl" ] || continue
	"$ecomctl" -q inspect --json "$f" | awk '
		/"events":/ { on = 1; print "event_type,events"; next }
		on && /}/ { exit }
		on { gsub(/[",\t ]/, ""); sub(/:/, ","); print }' > "$tmp/ec-count.csv"
	same "count    $name: duckdb vs ecomctl inspect" "$tmp/duck-count.csv" "$tmp/ec-count.csv"
	"$ecomctl" -q sessions --gap 1000d --max-session 1000d --keep-duplicates \
		-o "$tmp/ec-sessions.csv" "$f"
	cut -d, -f1-17 "$tmp/ec-sessions.csv" > "$tmp/c"
	sorted "$tmp/c" > "$tmp/d"
	same "sessions $name: duckdb vs ecomctl sessions" "$tmp/a" "$tmp/d"
done
exit $status
