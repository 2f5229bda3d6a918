# Wilson 95% intervals of every funnel row, recomputed by sqlite3 (its own
# sqrt) from the units columns of funnel.csv: from step 1 and from the
# previous step, within the CSV's four decimals; small is 1 exactly when a
# row has fewer than 30 units at step 1; every interval holds its rate;
# funnel.json carries the same bounds.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 5 -o ev.csv
"$ECOMCTL" -q funnel ev.csv --by brand --by top -o out
bad=$(sqlite3 :memory: <<'SQL'
.import --csv out/funnel.csv f
CREATE TABLE b AS SELECT f.*, CAST(f.units AS REAL) AS x,
  (SELECT CAST(g.units AS REAL) FROM f g WHERE g.dimension = f.dimension AND g.value = f.value AND g.step = '1') AS n1,
  (SELECT CAST(g.units AS REAL) FROM f g WHERE g.dimension = f.dimension AND g.value = f.value
     AND CAST(g.step AS INT) = CAST(f.step AS INT) - 1) AS np FROM f;
CREATE TABLE w AS SELECT *, 3.841458820694124 AS z2,
  (x / n1 + 3.841458820694124 / (2 * n1)) / (1 + 3.841458820694124 / n1)
    - 1.959963984540054 * sqrt(x / n1 * (1 - x / n1) / n1 + 3.841458820694124 / (4 * n1 * n1)) / (1 + 3.841458820694124 / n1) AS lo1,
  (x / n1 + 3.841458820694124 / (2 * n1)) / (1 + 3.841458820694124 / n1)
    + 1.959963984540054 * sqrt(x / n1 * (1 - x / n1) / n1 + 3.841458820694124 / (4 * n1 * n1)) / (1 + 3.841458820694124 / n1) AS hi1,
  CASE WHEN np > 0 THEN (x / np + 3.841458820694124 / (2 * np)) / (1 + 3.841458820694124 / np)
    - 1.959963984540054 * sqrt(x / np * (1 - x / np) / np + 3.841458820694124 / (4 * np * np)) / (1 + 3.841458820694124 / np) END AS lop,
  CASE WHEN np > 0 THEN (x / np + 3.841458820694124 / (2 * np)) / (1 + 3.841458820694124 / np)
    + 1.959963984540054 * sqrt(x / np * (1 - x / np) / np + 3.841458820694124 / (4 * np * np)) / (1 + 3.841458820694124 / np) END AS hip
  FROM b WHERE n1 > 0;
SELECT COUNT(*) FROM w WHERE
  abs(CAST(from_first_low AS REAL) - max(0, lo1)) > 0.00006
  OR abs(CAST(from_first_high AS REAL) - min(1, hi1)) > 0.00006
  OR (step <> '1' AND np > 0 AND (abs(CAST(from_previous_low AS REAL) - max(0, lop)) > 0.00006
                                  OR abs(CAST(from_previous_high AS REAL) - min(1, hip)) > 0.00006))
  OR (step = '1' AND from_previous_low <> '')
  OR CAST(small AS INT) <> (n1 < 30)
  OR CAST(from_first_low AS REAL) > CAST(conversion_from_first AS REAL)
  OR CAST(from_first_high AS REAL) < CAST(conversion_from_first AS REAL);
SQL
)
[ "$bad" = 0 ] || { echo "$bad rows disagree with sqlite"; exit 1; }
python3 - <<'PY'
import csv, json
rows = {(r["dimension"], r["value"], int(r["step"])): r for r in csv.DictReader(open("out/funnel.csv"))}
j = json.load(open("out/funnel.json"))
n = 0
for b in j["breakdowns"]:
    for row in b["rows"]:
        for s in row["steps"]:
            r = rows[(b["dimension"], row["value"], s["step"])]
            for k in ("from_first_low", "from_first_high", "from_previous_low", "from_previous_high"):
                if s[k] is None:
                    assert r[k] == "", (k, r)
                else:
                    assert abs(s[k] - float(r[k])) < 0.00006, (k, s[k], r[k])
            assert s["small"] == (r["small"] == "1")
            n += 1
assert n > 100, n
print(n, "rows agree")
PY
