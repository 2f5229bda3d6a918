# The time-to-convert histogram (funnel.json time_to_convert, funnel.html):
# for view -> purchase by user, a converting user's sequence starts at their
# first view and ends at their first purchase at or after it (the earliest
# sequence, each step matched as early as allowed), so sqlite3 can bin the
# seconds between the two; the bins add up to the last step's units.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 30000 --days 10 --seed 17 -o ev.csv
"$ECOMCTL" -q funnel ev.csv --unit user --steps view,purchase --keep-duplicates -o f
sqlite3 -batch -csv db > want.csv <<'SQL'
.mode csv
.import ev.csv ev
CREATE TABLE e AS SELECT user_id AS u, event_type AS k,
  CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS t FROM ev;
CREATE TABLE v0 AS SELECT u, min(t) AS t FROM e WHERE k = 'view' GROUP BY u;
CREATE TABLE d AS SELECT v0.u, min(e.t) - v0.t AS s FROM v0 JOIN e ON e.u = v0.u
  AND e.k = 'purchase' AND e.t >= v0.t GROUP BY v0.u;
SELECT b, count(*) FROM (SELECT CASE
  WHEN s < 60 THEN 0 WHEN s < 300 THEN 1 WHEN s < 900 THEN 2 WHEN s < 1800 THEN 3
  WHEN s < 3600 THEN 4 WHEN s < 10800 THEN 5 WHEN s < 43200 THEN 6 WHEN s < 86400 THEN 7
  WHEN s < 259200 THEN 8 WHEN s < 604800 THEN 9 ELSE 10 END AS b FROM d) GROUP BY b ORDER BY b;
SQL
python3 - <<'PY'
import csv, json
j = json.load(open("f/funnel.json"))
got = {i: b["units"] for i, b in enumerate(j["time_to_convert"])}
want = {int(b): int(n) for b, n in csv.reader(open("want.csv"))}
assert {k: v for k, v in got.items() if v} == want, (got, want)
assert sum(got.values()) == j["funnel"][-1]["units"] > 50, (sum(got.values()), j["funnel"][-1])
edges = [b["from_s"] for b in j["time_to_convert"]]
assert edges == [0, 60, 300, 900, 1800, 3600, 10800, 43200, 86400, 259200, 604800], edges
assert j["time_to_convert"][-1]["to_s"] is None
print("ok", want)
PY
grep -q 'id="time-to-convert"' f/funnel.html
