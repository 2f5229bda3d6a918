# The funnel of a real period with a real earlier one as baseline and a
# time zone, on the samples in shared/data (skipped without them): the
# cosmetics store's last rows of October against its first ones, in Moscow
# time. The baseline rows equal a run on the first rows alone, every
# p-value is recomputed, the evening of 31 October UTC is 1 November in
# Moscow (a partial day), and the time-to-convert bins add up.
d=${EC_SHARED_DATA:-}
head="$d/cosmetics_2019-10_head_20000.csv.gz"
tail="$d/cosmetics_2019-10_tail_2283.csv.gz"
[ -f "$head" ] && [ -f "$tail" ] || { echo "no REES46 samples: skipped"; exit 77; }
set -e
"$ECOMCTL" -q funnel "$tail" --baseline "$head" --tz Europe/Moscow --by top --by hour -o cmp
"$ECOMCTL" -q funnel "$head" --tz Europe/Moscow --by top --by hour -o base
python3 - <<'PY'
import csv, json, math
rows = lambda p: {(r["dimension"], r["value"], r["step"]): r for r in csv.DictReader(open(p))}
cmp, base = rows("cmp/funnel.csv"), rows("base/funnel.csv")
def z(x1, n1, x2, n2):
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 1.0 if se == 0 else math.erfc(abs(x1 / n1 - x2 / n2) / se / math.sqrt(2))
n = 0
for key, r in cmp.items():
    b = base.get(key)
    if not b:
        assert r["baseline_units"] == "", key
        continue
    assert r["baseline_units"] == b["units"], key
    first = lambda t: int(t[(key[0], key[1], "1")]["units"])
    want = z(int(r["units"]), first(cmp), int(b["units"]), first(base))
    assert abs(float(r["p_from_first"]) - want) < 5e-6, (key, r["p_from_first"], want)
    n += 1
j = json.load(open("cmp/funnel.json"))
assert j["time_zone"] == "Europe/Moscow"
assert [(t["day"], t["partial"]) for t in j["trend"]] == [("2019-11-01", True)], j["trend"]
assert sum(b["units"] for b in j["time_to_convert"]) == j["funnel"][-1]["units"]
assert j["baseline"]["units_seen"] > 1000 and n > 20, (j["baseline"], n)
print("ok:", n, "rows compared; purchases", j["funnel"][-1]["units"], "vs", j["funnel"][-1]["baseline"]["units"])
PY
