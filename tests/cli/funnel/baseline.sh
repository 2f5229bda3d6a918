# --baseline FILE: the same funnel on an earlier period beside this one.
# Every row's baseline columns equal the units of a funnel run on the
# baseline alone (rows matched by dimension, value and step; empty where
# the baseline has no such row); the changes are the differences of the
# conversions; the p-values are recomputed here from the four counts with
# Python's erfc (pooled two-proportion z-test). funnel.json carries the
# same per step; funnel.html shows both periods. A missing baseline file
# fails the run (66) and writes nothing.
set -e
"$ECOMCTL" -q synth --rows 20000 --start 2019-10-01 --days 10 --seed 3 -o oct.csv
"$ECOMCTL" -q synth --rows 20000 --start 2019-11-01 --days 10 --seed 4 -o nov.csv
"$ECOMCTL" -q funnel nov.csv --baseline oct.csv --by top --by brand -o cmp
"$ECOMCTL" -q funnel oct.csv --by top --by brand -o base
"$ECOMCTL" -q funnel nov.csv --by top --by brand -o plain
python3 - <<'PY'
import csv, json, math
def rows(p):
    return {(r["dimension"], r["value"], r["step"]): r for r in csv.DictReader(open(p))}
cmp, base, plain = rows("cmp/funnel.csv"), rows("base/funnel.csv"), rows("plain/funnel.csv")
assert cmp.keys() == plain.keys()
def z(x1, n1, x2, n2):
    if not n1 or not n2: return None
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 1.0 if se == 0 else math.erfc(abs(x1 / n1 - x2 / n2) / se / math.sqrt(2))
matched = missing = significant = 0
for key, r in cmp.items():
    for c in [c for c in plain[key] if not c.startswith(("baseline_", "change_", "p_"))]:
        assert r[c] == plain[key][c], (key, c, r[c], plain[key][c])
    b = base.get(key)
    if b is None:
        assert all(r[c] == "" for c in ("baseline_units", "baseline_from_first", "change_from_first",
                                         "p_from_first")), (key, r)
        missing += 1
        continue
    matched += 1
    assert r["baseline_units"] == b["units"], (key, r["baseline_units"], b["units"])
    assert r["baseline_from_first"] == b["conversion_from_first"], key
    dim, val, step = key
    k = int(step)
    first = lambda t: int(t[(dim, val, "1")]["units"])
    x1, n1, x2, n2 = int(r["units"]), first(cmp), int(b["units"]), first(base)
    want = z(x1, n1, x2, n2)
    assert abs(float(r["p_from_first"]) - want) < 5e-6, (key, r["p_from_first"], want)
    d = x1 / n1 - x2 / n2
    assert abs(float(r["change_from_first"]) - d) < 5e-5, (key, r["change_from_first"], d)
    if k > 1:
        prev = lambda t: int(t[(dim, val, str(k - 1))]["units"])
        want = z(x1, prev(cmp), x2, prev(base))
        if want is None:
            assert r["p_from_previous"] == "", key
        else:
            assert abs(float(r["p_from_previous"]) - want) < 5e-6, (key, r["p_from_previous"], want)
    significant += float(r["p_from_first"]) < 0.05
assert matched >= 40 and missing > 0, (matched, missing)
j = json.load(open("cmp/funnel.json"))
assert j["baseline"]["inputs"] == ["oct.csv"] and j["baseline"]["first_event"].startswith("2019-10-"), j["baseline"]
s = j["funnel"][2]
assert s["baseline"]["units"] == int(base[("all", "", "3")]["units"]), s
assert json.load(open("plain/funnel.json"))["baseline"] is None
print("ok:", matched, "rows matched,", missing, "not in the baseline,", significant, "with p < 0.05")
PY
grep -q 'id="baseline"' cmp/funnel.html
grep -q 'conversion vs. baseline' cmp/funnel.html
set +e
"$ECOMCTL" -q funnel nov.csv --baseline nope.csv -o bad 2> err
s=$?
set -e
[ $s -eq 66 ] && [ ! -e bad/funnel.csv ] || { echo "missing baseline: exit $s"; cat err; exit 1; }
grep -q "nope.csv" err
echo ok
