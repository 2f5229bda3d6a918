# A category without a code (its key is id:<category_id>) is labeled with
# the brands most seen at step 1 in it. With one step (view) and user
# units, a user's step-1 event is their first view (ties: earlier in the
# file), so sqlite3 can count those first views by category and brand: each
# label's brands are, in order, brands with the three highest counts (a tie
# at the edge may go either way), and categories with a code have none;
# funnel.csv's label column says the same as funnel.json.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 30000 --seed 31 -o ev.csv
"$ECOMCTL" -q funnel ev.csv --unit user --steps view --keep-duplicates --by top -o f
sqlite3 -batch -csv db > counts.csv <<'SQL'
.mode csv
.import ev.csv ev
CREATE TABLE e AS SELECT rowid AS r, user_id AS u, category_id AS c, category_code AS code, brand AS b,
  CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS t FROM ev WHERE event_type = 'view';
CREATE TABLE first AS SELECT e.* FROM e JOIN (SELECT u, min(t) AS t FROM e GROUP BY u) m
  ON e.u = m.u AND e.t = m.t;
CREATE TABLE fv AS SELECT f.* FROM first f JOIN (SELECT u, min(r) AS r FROM first GROUP BY u) m ON f.r = m.r;
SELECT c, b, count(*) FROM fv WHERE code = '' AND b != '' GROUP BY c, b;
SQL
python3 - <<'PY'
import collections, csv, json
counts = collections.defaultdict(dict)
for c, b, n in csv.reader(open("counts.csv")):
    counts[c][b] = int(n)
j = json.load(open("f/funnel.json"))
rows = j["breakdowns"][0]["rows"]
checked = 0
for row in rows:
    v = row["value"]
    if not v.startswith("id:"):
        assert row["label"] is None, row
        continue
    c = v[3:]
    if not counts[c]:
        assert row["label"] is None, (v, row["label"])
        continue
    assert row["label"].startswith("brands: "), row["label"]
    got = row["label"][len("brands: "):].split(", ")
    ranked = sorted(counts[c].values(), reverse=True)
    third = ranked[min(2, len(ranked) - 1)]
    assert len(got) == min(3, len(counts[c])), (v, got, counts[c])
    n = [counts[c][b] for b in got]
    assert n == sorted(n, reverse=True) and min(n) >= third, (v, got, n, ranked[:4])
    checked += 1
assert checked >= 5, checked
# funnel.csv carries the same label on every step's row of each value.
labels = {r["value"]: r["label"] for r in rows}
seen = 0
for r in csv.DictReader(open("f/funnel.csv")):
    if r["dimension"] != "top":
        assert r["label"] == "", r
        continue
    assert r["label"] == (labels[r["value"]] or ""), (r["value"], r["label"])
    seen += r["label"] != ""
assert seen >= checked, seen
print("ok:", checked, "id: categories, labels in funnel.csv too")
PY
